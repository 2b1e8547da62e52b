package io.sparkae.cli;

import io.sparkae.data.DataSources;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Where the rows come from: a path, its format and source options. */
public final class InputOptions {
  @Option(names = "--input", required = true,
      description = "input data: Parquet, CSV, JSON, LibSVM, IDX (MNIST format, raw or gzipped), or text (a "
          + "document per line or per file, Reuters JSON), or a folder of photos (images: p x p patches)")
  String input;

  /** Every format {@link DataSources#load} reads; a test checks it against {@link DataSources#FORMATS}. */
  static final String FORMAT_LIST = "parquet, json, csv, libsvm, idx, text, text-folder, reuters, images";

  @Option(names = "--format", description = FORMAT_LIST + ", or auto from the name (default)")
  String format = "auto";

  @Option(names = "--input-col", description = "vector column to use (default: features)")
  String inputCol = "features";

  @Option(names = "--partitions", description = "repartition the input into this many partitions")
  Integer partitions;

  @Option(names = "--option", description = "data source option KEY=VALUE (repeatable), e.g. labelCol=y")
  Map<String, String> options = new LinkedHashMap<>();

  /** The same options for another input path (validation data). */
  InputOptions copyWithInput(String path) {
    InputOptions o = new InputOptions();
    o.input = path;
    o.format = format;
    o.inputCol = inputCol;
    o.partitions = partitions;
    o.options = new LinkedHashMap<>(options);
    return o;
  }

  Dataset<Row> load(SparkSession spark) {
    Map<String, String> o = new LinkedHashMap<>(options);
    if (partitions != null) {
      if (partitions < 1) {
        throw new IllegalArgumentException("--partitions " + partitions + " must be a positive integer");
      }
      o.put("numPartitions", partitions.toString());
    }
    if (!"features".equals(inputCol)) {
      o.putIfAbsent("featuresCol", inputCol);
    }
    return DataSources.load(spark, input, format, o);
  }
}
