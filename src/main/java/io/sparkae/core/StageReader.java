package io.sparkae.core;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads a saved stage: checks the metadata (exists, parses, right class, known format version), reads the data
 * arrays for a model, builds the stage through {@code factory} and sets its saved params.
 *
 * @param <T> the stage type
 */
public final class StageReader<T extends Params> extends MLReader<T> {

  /** Builds a stage from its uid, its data arrays (null for estimators) and its provenance (null for estimators). */
  @FunctionalInterface
  public interface Factory<T> {
    T create(String uid, ModelData data, Provenance provenance);
  }

  private final Class<T> type;
  private final Factory<T> factory;
  private final boolean hasData;

  private StageReader(Class<T> type, Factory<T> factory, boolean hasData) {
    this.type = type;
    this.factory = factory;
    this.hasData = hasData;
  }

  /** A reader for a fitted model with data arrays. */
  public static <T extends Params> StageReader<T> model(Class<T> type, Factory<T> factory) {
    return new StageReader<>(type, factory, true);
  }

  /** A reader for an estimator: a public constructor taking the uid, and its params. */
  public static <T extends Params> StageReader<T> estimator(Class<T> type) {
    return new StageReader<>(type, (uid, data, prov) -> {
      try {
        return type.getConstructor(String.class).newInstance(uid);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(type.getName() + " needs a public constructor taking the uid", e);
      }
    }, false);
  }

  @Override
  public T load(String path) {
    ModelMetadata.Loaded meta = ModelMetadata.read(path, type, sparkSession().sparkContext().hadoopConfiguration());
    ModelData data = hasData ? ModelData.read(sparkSession(), path, new Path(path, "data").toString()) : null;
    T stage = factory.create(meta.uid(), data, meta.provenance());
    ModelMetadata.applyParams(stage, meta);
    return stage;
  }
}
