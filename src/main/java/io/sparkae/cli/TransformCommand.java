package io.sparkae.cli;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.SparkErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
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

  @Option(names = "--keep", split = ",", description = "input columns to carry into the output unchanged, e.g. "
      + "--keep id,day (Parquet or JSON with a vector column; --stream keeps every column)")
  List<String> keep = new ArrayList<>();

  @Option(names = "--code-type", description = "vector (Spark ML's vector, default) or array (array<float>, for "
      + "vector stores and readers without Spark's vector type)")
  String codeType = "vector";

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

  @Option(names = "--max-files-per-trigger", description = "with --stream: at most this many new files per "
      + "micro-batch (default: all in one); each batch is committed on its own, so a run stopped midway keeps the "
      + "batches it finished and the next run goes on from there")
  int maxFilesPerTrigger;

  @Override
  public Integer call() {
    if (!outputFormat.equals("parquet") && !outputFormat.equals("json")) {
      throw new IllegalArgumentException("--output-format must be parquet or json, found " + outputFormat);
    }
    if (!codeType.equals("vector") && !codeType.equals("array")) {
      throw new IllegalArgumentException("--code-type must be vector or array, found " + codeType);
    }
    if (maxFilesPerTrigger < 0 || maxFilesPerTrigger > 0 && !stream) {
      throw new IllegalArgumentException(maxFilesPerTrigger < 0 ? "--max-files-per-trigger must be positive, found "
          + maxFilesPerTrigger : "--max-files-per-trigger needs --stream");
    }
    if (stream) {
      return callStream();
    }
    SparkSession s = spark.session("sparkae transform");
    try (OutputDir dir = new OutputDir(output, overwrite, s.sparkContext().hadoopConfiguration(),
        Map.of("input", input.input, "model", model.modelPath(s), "model folder", model.model))) {
      AutoencoderModel<?> m = model.load(s);
      columns(m);
      if (!keep.isEmpty()) {
        input.options.put("keep", String.join(",", keep));
      }
      Dataset<Row> data = input.load(s);
      InputSize.require(m, data, input.input);
      Dataset<Row> out = typed(m.transform(data));
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

  /**
   * {@code -Dsparkae.test.pausePerPartition=MS}: lets the kill -9 test kill a streaming run while a micro-batch is
   * under way (each input partition waits that long after its last row); the data as it is otherwise.
   */
  private static Dataset<Row> paused(Dataset<Row> data) {
    long ms = Long.getLong("sparkae.test.pausePerPartition", 0L);
    if (ms <= 0) {
      return data;
    }
    return data.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add);
      Thread.sleep(ms);
      return all.iterator();
    }, Encoders.row(data.schema()));
  }

  /** The code column as {@code --code-type} asks: Spark ML's vector, or array<float>. */
  private Dataset<Row> typed(Dataset<Row> out) {
    return codeType.equals("array")
        ? out.withColumn(outputCol, vector_to_array(col(outputCol), "float32")) : out;
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
    DataStreamReader reader = s.readStream().schema(schema);
    if (maxFilesPerTrigger > 0) {
      reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
    }
    Dataset<Row> data = paused(reader.parquet(input.input));
    try {
      StreamingQuery q = typed(m.transform(data)).writeStream().format(outputFormat)
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
