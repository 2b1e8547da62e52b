package io.sparkae.data;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point from files to DataFrames: every source gives a {@code features} column of Spark ML vectors
 * ({@link org.apache.spark.ml.linalg.VectorUDT}) and, where the source has labels, a {@code label} double column.
 *
 * <table>
 * <caption>Formats</caption>
 * <tr><th>format</th><th>reads</th></tr>
 * <tr><td>{@code parquet}, {@code json}</td><td>a vector or number-array column (option {@code featuresCol},
 *   default {@code features}, renamed to {@code features}); without one, all numeric fields assembled</td></tr>
 * <tr><td>{@code csv}</td><td>numeric columns assembled with {@code VectorAssembler}; option {@code header}
 *   (default false, as in Spark); any other column than {@code labelCol} that is not numeric is an error</td></tr>
 * <tr><td>{@code libsvm}</td><td>Spark's libsvm source; option {@code numFeatures} passed on</td></tr>
 * <tr><td>{@code idx}</td><td>IDX images (MNIST), pixels / 255; labels from option {@code labels} or the
 *   {@code *-labels-idx1-ubyte[.gz]} file next to the images</td></tr>
 * <tr><td>{@code text}</td><td>one document per non-blank line of a file or of every file in a folder, as word
 *   counts ({@link TextCorpus}): {@code id}, {@code features}; options {@code vocabSize}, {@code minDF},
 *   {@code maxDF}, {@code vocabulary}, {@code stopWords}</td></tr>
 * <tr><td>{@code text-folder}</td><td>one document per file of a folder, as {@code text}</td></tr>
 * <tr><td>{@code reuters}</td><td>the Reuters-21578 JSON files of {@code data/fetch reuters} (a folder of
 *   {@code reuters-NNN.json}, or one of them), as {@code text} plus a {@code topics} string array</td></tr>
 * <tr><td>{@code images}</td><td>a local folder of photos (png, jpg, gif, bmp) cut into seeded p x p patches by
 *   {@link ImagePatches}: {@code features} (p*p, tagged p x p images), {@code image}, {@code x}, {@code y}; options
 *   {@code patch} (p, default 12), {@code whiten} ({@code none} (default), {@code zca}, {@code 1/f} or
 *   {@code olshausen}), {@code f0} (1/f roll-off, cycles per pixel, default 0.4), {@code zcaEpsilon} (default
 *   0.01), {@code patches} (total, shared evenly by the images) or {@code perImage} (default 1000 per image),
 *   {@code seed} (default 42)</td></tr>
 * </table>
 *
 * <p>A null, empty or {@code auto} format is inferred from the name ({@link #inferFormat}). Options for every
 * format: {@code labelCol} (default {@code label}, kept when present), {@code numPartitions} (repartition the
 * result); for Parquet and JSON with a vector column, {@code keep} (comma-separated columns carried along
 * unchanged, e.g. ids for the rows a transform writes). Other options go to Spark's reader unchanged (e.g. {@code sep} for CSV); the text formats ignore them.
 * Image sources mark {@code features} with {@link #IMAGE_KEY} metadata; read it back with {@link #imageShape}; text
 * sources mark it with their vocabulary ({@link TextCorpus#vocabulary}).
 *
 * <p>A missing path, an unknown format and a column of the wrong type give {@link IllegalArgumentException}s that
 * name the path or column, the value found and what was expected.
 */
public final class DataSources {
  private static final Logger LOG = LoggerFactory.getLogger(DataSources.class);

  /** The name of the output vector column. */
  public static final String FEATURES = "features";
  /** The name of the output label column (double). */
  public static final String LABEL = "label";
  /** Metadata key on {@code features} marking image rows: a Metadata with longs {@code height}, {@code width}. */
  public static final String IMAGE_KEY = "sparkae.image";
  /** The formats {@link #load} knows, besides {@code auto}. */
  public static final List<String> FORMATS =
      List.of("parquet", "json", "csv", "libsvm", "idx", "text", "text-folder", "reuters", "images");

  /** Options this class interprets itself; the rest go to Spark's reader. */
  private static final Set<String> OWN_OPTIONS =
      Set.of("featurescol", "labelcol", "numpartitions", "labels", "numfeatures", "header", "inferschema",
          "vocabsize", "mindf", "maxdf", "vocabulary", "stopwords", "keep");

  private DataSources() {}

  /**
   * Loads {@code path} as {@code features} (and {@code label} where there is one).
   *
   * @param spark the session
   * @param path a file or directory, plain path or Hadoop URI ({@code file:}, {@code hdfs://})
   * @param format one of {@link #FORMATS}, or null / "" / "auto" to infer it from the name
   * @param options source options (see the class comment); may be null
   * @return a DataFrame with {@code features} and possibly {@code label}
   * @throws IllegalArgumentException if the path is missing, the format unknown, or a column has the wrong type
   */
  public static Dataset<Row> load(SparkSession spark, String path, String format, Map<String, String> options) {
    Map<String, String> opts = options == null ? Map.of() : options;
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("no data path given: expected a file or directory");
    }
    boolean auto = format == null || format.isBlank() || format.equalsIgnoreCase("auto");
    if (!auto && !FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("unknown format '" + format + "' for " + path
          + ": expected one of auto, " + String.join(", ", FORMATS));
    }
    requireExists(spark, path, format);
    String fmt = auto ? inferFormat(spark, path) : format.toLowerCase(Locale.ROOT);
    String where = fmt + " source " + path;
    if (List.of("parquet", "json", "csv", "libsvm").contains(fmt)) {
      requireDataFiles(spark, path);
    }
    Dataset<Row> df = switch (fmt) {
      case "parquet" -> tabular(opts, where, reader(spark, opts).parquet(path), "parquet");
      case "json" -> json(spark, path, opts, where);
      case "csv" -> csv(spark, path, opts, where);
      case "libsvm" -> libsvm(spark, path, opts);
      case "idx" -> IdxSource.load(spark, path, opts);
      case "text", "text-folder", "reuters" -> TextCorpus.load(spark, path, fmt, opts);
      case "images" -> images(spark, path, opts);
      default -> throw new IllegalStateException("format '" + fmt + "' is listed but not handled");
    };
    String parts = opts.get("numPartitions");
    if (parts != null) {
      df = df.repartition(positiveInt(parts, "numPartitions", path));
    }
    LOG.info("loaded {} with columns {}", where, Arrays.toString(df.columns()));
    return df;
  }

  /**
   * The format a path's name implies: {@code reuters} for {@code reuters-NNN.json}; else by extension, after
   * dropping a {@code .gz}: {@code .parquet}, {@code .json} / {@code .jsonl}, {@code .csv}, {@code .libsvm} /
   * {@code .svm}, {@code .txt} (text, one document per line); else {@code idx} if the name contains {@code idx} or
   * {@code ubyte} (e.g. {@code train-images-idx3-ubyte.gz}). A directory takes the format of the first data file in
   * it in name order (names starting with {@code _} or {@code .} are skipped, as Spark does), so the folder of
   * {@code data/fetch reuters} reads as {@code reuters}; a photo there ({@code .png}, {@code .jpg}, {@code .jpeg},
   * {@code .gif}, {@code .bmp}) makes it {@code images}, even after a {@code .txt} file ({@code data/fetch images}
   * puts a {@code SOURCES.txt} beside its photos). A folder of one document per file needs {@code text-folder}
   * named.
   */
  public static String inferFormat(SparkSession spark, String path) {
    Path p = new Path(path);
    Optional<String> byName = formatOfName(p.getName());
    if (byName.isPresent()) {
      return byName.get();
    }
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.isDirectory(p)) {
        FileStatus[] files = fs.listStatus(p);
        boolean text = false;
        Arrays.sort(files);
        for (FileStatus f : files) {
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
            if (name.toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|gif|bmp)")) {
              return "images";
            }
            Optional<String> inside = formatOfName(name);
            if (inside.isPresent() && !text) {
              if (!inside.get().equals("text")) {
                return inside.get();
              }
              text = true; // unless a photo follows
            }
          }
        }
        if (text) {
          return "text";
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path + " to infer its format: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("cannot infer the format of " + path + " from its name: expected a name"
        + " ending in .parquet, .json, .csv, .libsvm, .svm or .txt (optionally .gz), or containing idx or ubyte,"
        + " or a directory of such files; or pass one of " + String.join(", ", FORMATS));
  }

  /** The {height, width} of image rows if {@code f} carries {@link #IMAGE_KEY} metadata, else empty. */
  public static Optional<int[]> imageShape(StructField f) {
    Metadata m = f.metadata();
    if (m == null || !m.contains(IMAGE_KEY)) {
      return Optional.empty();
    }
    Metadata shape = m.getMetadata(IMAGE_KEY);
    return Optional.of(new int[] {(int) shape.getLong("height"), (int) shape.getLong("width")});
  }

  /** Returns {@code df} with {@code column} marked as {@code height x width} images (other metadata kept). */
  public static Dataset<Row> withImageShape(Dataset<Row> df, String column, int height, int width) {
    StructField f = VectorColumns.field(df, column, "the DataFrame");
    Metadata merged = new MetadataBuilder().withMetadata(f.metadata())
        .putMetadata(IMAGE_KEY, imageMetadata(height, width).getMetadata(IMAGE_KEY)).build();
    return df.withColumn(column, df.col("`" + column + "`"), merged);
  }

  /** Field metadata holding only the image shape. */
  static Metadata imageMetadata(int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image shape must be positive, found " + height + " x " + width);
    }
    Metadata shape = new MetadataBuilder().putLong("height", height).putLong("width", width).build();
    return new MetadataBuilder().putMetadata(IMAGE_KEY, shape).build();
  }

  private static Optional<String> formatOfName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    String name = lower;
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.matches(TextDocuments.REUTERS_NAME)) {
      return Optional.of("reuters");
    } else if (name.endsWith(".parquet")) {
      return Optional.of("parquet");
    } else if (name.endsWith(".json") || name.endsWith(".jsonl")) {
      return Optional.of("json");
    } else if (name.endsWith(".csv")) {
      return Optional.of("csv");
    } else if (name.endsWith(".libsvm") || name.endsWith(".svm")) {
      return Optional.of("libsvm");
    } else if (name.endsWith(".txt")) {
      return Optional.of("text");
    }
    return lower.contains("idx") || lower.contains("ubyte") ? Optional.of("idx") : Optional.empty();
  }

  static void requireExists(SparkSession spark, String path, String format) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new IllegalArgumentException("no data at " + path + (format == null ? "" : " (format " + format + ")")
            + ": the path does not exist, expected a file or directory");
      }

    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path + ": " + e.getMessage(), e);
    }
  }

  /** A folder given as tabular input must hold a data file (else Spark says only that it cannot infer a schema). */
  private static void requireDataFiles(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches != null && matches.length == 1 && matches[0].isDirectory()
          && !hasDataFile(fs, matches[0].getPath())) {
        throw new IllegalArgumentException("no data in the folder " + path + ": it holds no data files (names"
            + " starting with _ or . are skipped, as Spark does)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
    }
  }

  /** True if {@code dir} or a folder below it holds a file whose name does not start with _ or . . */
  private static boolean hasDataFile(FileSystem fs, Path dir) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (f.isFile() || hasDataFile(fs, f.getPath())) {
        return true;
      }
    }
    return false;
  }

  /** A reader carrying the options that are not ours (delimiters, encodings ...). */
  private static DataFrameReader reader(SparkSession spark, Map<String, String> opts) {
    Map<String, String> passed = new HashMap<>();
    opts.forEach((k, v) -> {
      if (!OWN_OPTIONS.contains(k.toLowerCase(Locale.ROOT))) {
        passed.put(k, v);
      }
    });
    return spark.read().options(passed);
  }

  /** Parquet or JSON: a named vector column if there is one, else the numeric fields assembled. */
  private static Dataset<Row> tabular(Map<String, String> opts, String where, Dataset<Row> df, String kind) {
    String featuresCol = opts.getOrDefault("featuresCol", FEATURES);
    String labelCol = labelCol(df, opts, where);
    boolean hasFeatures = Arrays.asList(df.columns()).contains(featuresCol);
    List<String> keep = opts.containsKey("keep") ? Arrays.stream(opts.get("keep").split(","))
        .map(String::strip).filter(c -> !c.isEmpty()).toList() : List.of();
    if (hasFeatures) {
      return VectorColumns.fromVectorColumn(df, featuresCol, labelCol, keep, where);
    }
    if (!keep.isEmpty()) {
      throw new IllegalArgumentException("option keep (" + String.join(", ", keep) + ") needs a vector column in "
          + where + " (option featuresCol, default features); assembled number columns cannot carry others");
    }
    if (opts.containsKey("featuresCol")) {
      VectorColumns.field(df, featuresCol, where); // throws, listing the columns there are
    }
    return VectorColumns.assemble(df, labelCol, where, kind);
  }

  private static Dataset<Row> json(SparkSession spark, String path, Map<String, String> opts, String where) {
    Dataset<Row> df = reader(spark, opts).json(path);
    StructType typed = VectorColumns.withVectorTypes(df.schema());
    if (!typed.equals(df.schema())) {
      // Vectors written by Spark come back as {type, size, indices, values} structs: let the parser build them.
      df = reader(spark, opts).schema(typed).json(path);
    }
    return tabular(opts, where, df, "json");
  }

  private static Dataset<Row> csv(SparkSession spark, String path, Map<String, String> opts, String where) {
    Dataset<Row> df = reader(spark, opts)
        .option("header", opts.getOrDefault("header", "false"))
        .option("inferSchema", "true")
        .csv(path);
    boolean header = Boolean.parseBoolean(opts.getOrDefault("header", "false"));
    return VectorColumns.assemble(df, labelCol(df, opts, where), where, header ? "csv-header" : "csv");
  }

  private static Dataset<Row> libsvm(SparkSession spark, String path, Map<String, String> opts) {
    DataFrameReader r = reader(spark, opts).format("libsvm");
    if (opts.containsKey("numFeatures")) {
      r = r.option("numFeatures", positiveInt(opts.get("numFeatures"), "numFeatures", path));
    }
    return r.load(path).select(FEATURES, LABEL);
  }

  /** A local folder of photos as patches ({@link ImagePatches}); the options are those of the class comment. */
  private static Dataset<Row> images(SparkSession spark, String path, Map<String, String> opts) {
    Path p = new Path(path);
    String scheme = p.toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      throw new IllegalArgumentException("format images reads local folders only, found " + path);
    }
    String folder = p.toUri().getPath();
    if (!new File(folder).isDirectory()) {
      throw new IllegalArgumentException("format images needs a folder of photos, found the file " + path);
    }
    int patch = positiveInt(opts.getOrDefault("patch", "12"), "patch", path);
    String whiten = opts.getOrDefault("whiten", "none");
    double f0 = positiveDouble(opts.getOrDefault("f0", Double.toString(ImagePatches.DEFAULT_F0)), "f0", path);
    double eps = positiveDouble(opts.getOrDefault("zcaEpsilon", Double.toString(ImagePatches.DEFAULT_ZCA_EPSILON)),
        "zcaEpsilon", path);
    long seed;
    try {
      seed = Long.parseLong(opts.getOrDefault("seed", "42").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option seed for " + path + " must be an integer, found '"
          + opts.get("seed") + "'", e);
    }
    if (opts.containsKey("patches") && opts.containsKey("perImage")) {
      throw new IllegalArgumentException("options patches (total) and perImage for " + path + " exclude each other,"
          + " found both");
    }
    int parts = JavaSparkContext.fromSparkContext(spark.sparkContext()).defaultParallelism();
    if (opts.containsKey("patches")) {
      return ImagePatches.loadTotal(spark, folder, patch, positiveInt(opts.get("patches"), "patches", path), whiten,
          eps, f0, seed, parts);
    }
    int perImage = positiveInt(opts.getOrDefault("perImage", "1000"), "perImage", path);
    return ImagePatches.load(spark, folder, patch, perImage, whiten, eps, f0, seed, parts);
  }

  private static double positiveDouble(String value, String option, String path) {
    try {
      double d = Double.parseDouble(value.trim());
      if (d > 0 && !Double.isInfinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("option " + option + " for " + path + " must be a positive number, found '"
        + value + "'");
  }

  /** The label column: option {@code labelCol} (which must exist), else {@code label} if present, else null. */
  private static String labelCol(Dataset<Row> df, Map<String, String> opts, String where) {
    String named = opts.get("labelCol");
    if (named != null) {
      VectorColumns.field(df, named, where);
      return named;
    }
    return Arrays.asList(df.columns()).contains(LABEL) ? LABEL : null;
  }

  private static int positiveInt(String value, String option, String path) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("option " + option + " for " + path + " must be a positive integer, found '"
        + value + "'");
  }
}
