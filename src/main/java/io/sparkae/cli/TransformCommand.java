package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.SparkErrors;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
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

  @Option(names = "--stream", arity = "0..1", fallbackValue = "true",
      description = "read --input as a folder of Parquet files arriving over time (schema from the first file), "
          + "transform only the files not seen by earlier runs (trigger AvailableNow) and append them to --output, "
          + "a Parquet or JSON file sink, exactly once; needs --checkpoint")
  boolean stream;

  @Option(names = "--checkpoint", description = "with --stream: the folder that remembers which files were done")
  String checkpoint;

  @Override
  public Integer call() {
    if (!outputFormat.equals("parquet") && !outputFormat.equals("json")) {
      throw new IllegalArgumentException("--output-format must be parquet or json, found " + outputFormat);
    }
    if (stream) {
      return callStream();
    }
    SparkSession s = spark.session("sparkae transform");
    try (OutputDir dir = new OutputDir(output, overwrite, s.sparkContext().hadoopConfiguration(),
        Map.of("input", input.input, "model", model.modelPath(s), "model folder", model.model))) {
      AutoencoderModel<?> m = model.load(s);
      columns(m);
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

  /** The output columns the options ask for. */
  private void columns(AutoencoderModel<?> m) {
    m.setOutputCol(outputCol);
    if (reconstruction) {
      m.setReconstructionCol("reconstruction");
    }
    if (loss) {
      m.setLossCol("loss");
    }
  }

  /** {@code --stream}: one AvailableNow run of a file stream from --input to the file sink --output. */
  private Integer callStream() {
    if (checkpoint == null) {
      throw new IllegalArgumentException("--stream needs --checkpoint");
    }
    SparkSession s = spark.session("sparkae transform --stream");
    AutoencoderModel<?> m = model.load(s);
    columns(m);
    m.setInputCol(input.inputCol);
    StructType schema = s.read().parquet(input.input).schema();
    Dataset<Row> data = s.readStream().schema(schema).parquet(input.input);
    try {
      StreamingQuery q = m.transform(data).writeStream().format(outputFormat)
          .option("checkpointLocation", checkpoint).trigger(Trigger.AvailableNow()).start(output);
      q.awaitTermination();
      long rows = 0;
      for (StreamingQueryProgress p : q.recentProgress()) {
        rows += p.numInputRows();
      }
      System.out.println("appended " + rows + " rows to " + output + " (" + outputFormat + ")");
      return 0;
    } catch (Exception e) { // StreamingQueryException and TimeoutException are checked
      throw SparkErrors.rethrow(e);
    }
  }
}
