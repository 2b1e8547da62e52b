package io.sparkae.core;

import java.lang.reflect.InvocationTargetException;
import org.apache.spark.sql.SparkSession;

/** Loads any saved sparkae model by the class its metadata names. */
public final class Models {
  private Models() {}

  /** The model saved at {@code path}, whatever its family. */
  public static AutoencoderModel<?> load(SparkSession spark, String path) {
    ModelMetadata.Loaded meta = ModelMetadata.read(path, null, spark.sparkContext().hadoopConfiguration());
    Class<?> cls;
    try {
      cls = Class.forName(meta.className());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("the model at " + path + " is a " + meta.className()
          + ", which this sparkae does not know", e);
    }
    if (!AutoencoderModel.class.isAssignableFrom(cls)) {
      throw new IllegalArgumentException("the stage at " + path + " is a " + meta.className()
          + ", not a fitted sparkae model");
    }
    try {
      return (AutoencoderModel<?>) cls.getMethod("load", String.class).invoke(null, path);
    } catch (InvocationTargetException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(cls.getName() + " lacks a static load(String)", e);
    }
  }
}
