package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Models;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** {@code --model DIR}: a fit's output folder (holding model/) or a saved model folder itself. */
final class ModelOptions {
  @Option(names = "--model", required = true, description = "a fit's output folder, or a saved model folder")
  String model;

  /** The saved model's own folder. */
  String modelPath(SparkSession spark) {
    try {
      Path p = new Path(model);
      var fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new IllegalArgumentException("no model at " + model + ": the path does not exist");
      }
      Path inner = new Path(p, "model");
      return fs.exists(new Path(inner, "metadata")) ? inner.toString() : model;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + model + ": " + e.getMessage(), e);
    }
  }

  AutoencoderModel<?> load(SparkSession spark) {
    return Models.load(spark, modelPath(spark));
  }
}
