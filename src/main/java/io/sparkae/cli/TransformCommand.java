package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae transform}: append the code (and on request the reconstruction and loss) to every row. */
@Command(name = "transform", mixinStandardHelpOptions = true,
    description = "Encode rows with a saved model and write them with the code column appended (for ETL).")
final class TransformCommand implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  ModelOptions model;

  @Mixin
  InputOptions input;

  @Option(names = "--output", required = true, description = "output path")
  String output;

  @Option(names = "--output-format", description = "parquet (default) or json")
  String outputFormat = "parquet";

  @Option(names = "--output-col", description = "code column name (default: code)")
  String outputCol = "code";

  @Option(names = "--reconstruction", arity = "0..1", fallbackValue = "true",
      description = "also append the reconstruction g(f(x)) as 'reconstruction'")
  boolean reconstruction;

  @Option(names = "--loss", arity = "0..1", fallbackValue = "true",
      description = "also append the per-row loss as 'loss'")
  boolean loss;

  @Option(names = "--overwrite", arity = "0..1", fallbackValue = "true",
      description = "replace --output if it exists")
  boolean overwrite;

  @Override
  public Integer call() {
    if (!outputFormat.equals("parquet") && !outputFormat.equals("json")) {
      throw new IllegalArgumentException("--output-format must be parquet or json, found " + outputFormat);
    }
    SparkSession s = spark.session("sparkae transform");
    try (OutputDir dir = new OutputDir(output, overwrite, s.sparkContext().hadoopConfiguration(),
        Map.of("input", input.input, "model", model.modelPath(s), "model folder", model.model))) {
      AutoencoderModel<?> m = model.load(s);
      m.setOutputCol(outputCol);
      if (reconstruction) {
        m.setReconstructionCol("reconstruction");
      }
      if (loss) {
        m.setLossCol("loss");
      }
      Dataset<Row> data = input.load(s);
      InputSize.require(m, data, input.input);
      Dataset<Row> out = m.transform(data);
      out.write().mode(SaveMode.Overwrite).format(outputFormat).save(dir.path("data"));
      dir.commit();
      // The committed folder holds data/; point users at it.
      System.out.println("wrote " + output + "/data (" + outputFormat + ", columns " + String.join(", ",
          out.columns()) + ")");
      return 0;
    }
  }
}
