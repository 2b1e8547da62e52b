package io.sparkae.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The readers behind {@link TextCorpus#documents}: files to a DataFrame of {@code id}, {@code text} (and, for
 * Reuters, {@code topics}). Nothing here tokenizes.
 */
final class TextDocuments {
  /** Reuters files as {@code data/fetch reuters} names them (a Hadoop glob; gzipped copies read too). */
  static final String REUTERS_GLOB = "reuters-*.json{,.gz}";
  /** The name of one Reuters file, lowercased and without {@code .gz}, for format inference. */
  static final String REUTERS_NAME = "reuters-\\d+\\.json";

  private static final String CORRUPT = "_corrupt_record";

  /** The fields of a Reuters record we read; others ({@code organisations} ...) are ignored. */
  static final StructType REUTERS_SCHEMA = new StructType(new StructField[] {
      new StructField("id", DataTypes.StringType, true, Metadata.empty()),
      new StructField("title", DataTypes.StringType, true, Metadata.empty()),
      new StructField("body", DataTypes.StringType, true, Metadata.empty()),
      new StructField("topics", DataTypes.createArrayType(DataTypes.StringType), true, Metadata.empty()),
      new StructField(CORRUPT, DataTypes.StringType, true, Metadata.empty())});

  private TextDocuments() {}

  static StructType schema(boolean withTopics) {
    StructType s = new StructType()
        .add(TextCorpus.ID, DataTypes.StringType, false)
        .add(TextCorpus.TEXT, DataTypes.StringType, false);
    return withTopics ? s.add(TextCorpus.TOPICS, DataTypes.createArrayType(DataTypes.StringType), false) : s;
  }

  /**
   * One document per non-blank line of {@code path} (a file, a folder of files or a glob), read with Hadoop's
   * {@link TextInputFormat} so that each line comes with its byte offset: the id is {@code <file name>@<offset>},
   * stable across reads and pointing straight at the line, with no extra pass to number lines.
   */
  static Dataset<Row> lines(SparkSession spark, String path) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = new Configuration(sc.hadoopConfiguration());
    JavaNewHadoopRDD<LongWritable, Text> raw = (JavaNewHadoopRDD<LongWritable, Text>)
        sc.newAPIHadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, conf);
    JavaRDD<Row> rows = raw.mapPartitionsWithInputSplit(
        (split, it) -> new NonBlankLines(((FileSplit) split).getPath().getName(), it), true);
    return spark.createDataFrame(rows, schema(false));
  }

  /** One document per file; the id is the file name. Blank files are skipped. */
  static Dataset<Row> files(SparkSession spark, String path) {
    return spark.read().option("wholetext", "true").text(path)
        .select(col("_metadata.file_name").as(TextCorpus.ID), col("value").as(TextCorpus.TEXT))
        .filter(trim(col(TextCorpus.TEXT)).notEqual(""));
  }

  /**
   * The Reuters-21578 JSON files of {@code data/fetch reuters}: each file a JSON array of records
   * {@code {title, body, date, topics, places, id}}. A document is {@code title + "\n" + body} (the body alone
   * without a title); records without a body are skipped; {@code topics} is empty where the record has none.
   * A file that is not valid JSON of that shape fails here, naming it, after one pass over the files.
   */
  static Dataset<Row> reuters(SparkSession spark, String path) {
    String[] files = reutersFiles(spark, path);
    Dataset<Row> records = spark.read().schema(REUTERS_SCHEMA)
        .option("multiLine", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .json(files)
        .withColumn("_file", col("_metadata.file_path"));
    Row check = records.agg(
        count(when(col(CORRUPT).isNotNull(), 1)),
        first(when(col(CORRUPT).isNotNull(), col("_file")), true),
        count(when(col("body").isNotNull(), 1))).first();
    if (check.getLong(0) > 0) {
      throw new IllegalArgumentException("malformed JSON in reuters source " + check.getString(1) + " ("
          + check.getLong(0) + " bad record(s) under " + path + "): expected a JSON array of records {title, body,"
          + " date, topics, places, id} with string fields and topics an array of strings");
    }
    return records
        .filter(col("body").isNotNull().and(trim(col("body")).notEqual("")))
        .select(
            coalesce(col("id"), col("_file")).as(TextCorpus.ID),
            concat_ws("\n", col("title"), col("body")).as(TextCorpus.TEXT),
            coalesce(col("topics"), array().cast(DataTypes.createArrayType(DataTypes.StringType)))
                .as(TextCorpus.TOPICS));
  }

  /**
   * The files to read for {@code path}: a folder's {@code reuters-*.json} (listed here: a glob handed to Spark's
   * reader makes it log a stack trace while it looks for a streaming sink's metadata), or the path itself.
   */
  private static String[] reutersFiles(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isDirectory(p)) {
        return new String[] {path};
      }
      Path glob = new Path(p, REUTERS_GLOB);
      FileStatus[] found = fs.globStatus(glob);
      if (found == null || found.length == 0) {
        throw new IllegalArgumentException("no reuters-*.json files in reuters source " + path
            + ": expected the folder written by data/fetch reuters");
      }
      Arrays.sort(found);
      return Arrays.stream(found).map(f -> f.getPath().toString()).toArray(String[]::new);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
    }
  }

  /** Rows {@code (name@offset, line)} of the non-blank lines of one input split. */
  private static final class NonBlankLines implements Iterator<Row> {
    private final String file;
    private final Iterator<Tuple2<LongWritable, Text>> lines;
    private Row next;

    NonBlankLines(String file, Iterator<Tuple2<LongWritable, Text>> lines) {
      this.file = file;
      this.lines = lines;
    }

    @Override
    public boolean hasNext() {
      while (next == null && lines.hasNext()) {
        Tuple2<LongWritable, Text> t = lines.next();
        String line = t._2().toString();
        if (!line.isBlank()) {
          next = RowFactory.create(file + "@" + t._1().get(), line);
        }
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = next;
      next = null;
      return r;
    }
  }
}
