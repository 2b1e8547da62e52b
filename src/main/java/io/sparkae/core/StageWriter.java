package io.sparkae.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saves a stage atomically: metadata and data are written under a hidden sibling folder which is renamed onto the
 * target only when complete, so a failed save leaves nothing behind ({@link TempFolders}: a killed save's folder is
 * removed by the next save into the same parent). Saving over an existing path fails unless
 * {@code overwrite()} was asked for (Spark's MLWriter rule).
 */
public class StageWriter extends MLWriter {
  private final Params stage;
  private final Provenance provenance;
  private final ModelData data;

  /** A writer for an estimator (metadata only) or a model (with provenance and data). */
  public StageWriter(Params stage, Provenance provenance, ModelData data) {
    this.stage = stage;
    this.provenance = provenance;
    this.data = data;
  }

  @Override
  public void saveImpl(String path) {
    Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
    Path target = new Path(path);
    Path tmp = new Path(target.getParent(), TempFolders.tempName(target.getName()));
    try {
      FileSystem fs = target.getFileSystem(conf);
      if (target.getParent() != null) {
        TempFolders.removeStale(fs, target.getParent());
      }
      try {
        ModelMetadata.write(stage, provenance, tmp, conf);
        if (data != null) {
          data.write(sparkSession(), new Path(tmp, "data").toString());
        }
        if (fs.exists(target)) {
          // overwrite() already removed it; another writer raced us.
          throw new IOException("the path " + path + " appeared while saving");
        }
        if (!fs.rename(tmp, target)) {
          throw new IOException("cannot rename " + tmp + " to " + target);
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("saving " + stage.uid() + " to " + path + " failed: " + e.getMessage(), e);
    }
  }
}
