package io.sparkae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Project;
import io.sparkae.testing.SparkTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format through {@link DataSources#load}, on a shared local Spark: shapes, values, labels, metadata. */
class DataSourcesTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = SparkTest.session();
  }

  @Test
  void idxSampleLoadsAsScaledImagesWithLabels() {
    String images = Project.mnistSample().resolve("train-images-idx3-ubyte.gz").toString();
    Dataset<Row> df = DataSources.load(spark, images, null, Map.of());
    assertEquals(List.of("features", "label"), Arrays.asList(df.columns()));
    assertTrue(df.schema().apply("features").dataType() instanceof VectorUDT);
    assertArrayEquals(new int[] {28, 28}, DataSources.imageShape(df.schema().apply("features")).orElseThrow());
    assertTrue(df.rdd().getNumPartitions() >= 2, "partitions: " + df.rdd().getNumPartitions());

    List<Row> rows = df.collectAsList();
    assertEquals(10000, rows.size());
    IdxImages raw = IdxReader.readImages(images);
    int[] labels = IdxReader.readLabels(images.replace("images-idx3", "labels-idx1"));
    for (int i : new int[] {0, 1, 4999, 9999}) {
      Vector x = rows.get(i).getAs("features");
      assertEquals(784, x.size());
      assertEquals(raw.pixel(i, 14, 14) / 255.0, x.apply(14 * 28 + 14), 0.0);
      assertEquals(labels[i], rows.get(i).getDouble(1), 0.0);
    }
    assertEquals(5.0, rows.get(0).getDouble(1), 0.0);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (Row r : rows.subList(0, 100)) {
      Vector x = r.getAs("features");
      for (double v : x.toArray()) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    assertEquals(0.0, min, 0.0);
    assertEquals(1.0, max, 0.0);

    // The image shape survives a Parquet round trip, so a cached copy of MNIST is still known to be images.
    String parquet = tmp.resolve("mnist.parquet").toString();
    df.limit(10).write().parquet(parquet);
    Dataset<Row> back = DataSources.load(spark, parquet, null, Map.of());
    assertArrayEquals(new int[] {28, 28}, DataSources.imageShape(back.schema().apply("features")).orElseThrow());
  }

  @Test
  void idxWithExplicitLabelsAndPartitions() throws IOException {
    Path images = tmp.resolve("tiny.idx3");
    Files.write(images, IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {3, 1, 2},
        new byte[] {0, (byte) 255, 51, 102, (byte) 204, 0}));
    Path labels = tmp.resolve("y.idx1");
    Files.write(labels, IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {7, 8, 9}));

    Dataset<Row> unlabeled = DataSources.load(spark, images.toString(), "idx", Map.of());
    assertEquals(List.of("features"), Arrays.asList(unlabeled.columns()));

    Dataset<Row> df = DataSources.load(spark, images.toString(), "IDX",
        Map.of("labels", labels.toString(), "numPartitions", "3"));
    assertEquals(3, df.rdd().getNumPartitions());
    assertArrayEquals(new int[] {1, 2}, DataSources.imageShape(df.schema().apply("features")).orElseThrow());
    List<Row> rows = df.orderBy("label").collectAsList();
    assertArrayEquals(new double[] {0.2, 0.4}, ((Vector) rows.get(1).getAs("features")).toArray(), 1e-15);
    assertArrayEquals(new double[] {0.8, 0.0}, ((Vector) rows.get(2).getAs("features")).toArray(), 1e-15);
    assertEquals(9.0, rows.get(2).getDouble(1), 0.0);

    Path fewer = tmp.resolve("fewer.idx1");
    Files.write(fewer, IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {7, 8}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, images.toString(), "idx", Map.of("labels", fewer.toString())));
    assertEquals("IDX labels do not match the images: " + images + " has 3 images but " + fewer + " has 2 labels",
        e.getMessage());
  }

  @Test
  void csvWithHeaderAssemblesNumericColumnsAndKeepsLabel() throws IOException {
    Path csv = tmp.resolve("points.csv");
    Files.writeString(csv, "a,y,b,c\n1,0,2.5,-1\n0,1,0,0\n3,2,4,5e-1\n");
    Dataset<Row> df = DataSources.load(spark, csv.toString(), null, Map.of("header", "true", "labelCol", "y"));
    assertEquals(List.of("features", "label"), Arrays.asList(df.columns()));
    assertEquals(DataTypes.DoubleType, df.schema().apply("label").dataType());
    assertTrue(DataSources.imageShape(df.schema().apply("features")).isEmpty());
    List<Row> rows = df.collectAsList();
    assertArrayEquals(new double[] {1, 2.5, -1}, ((Vector) rows.get(0).getAs("features")).toArray(), 0.0);
    assertArrayEquals(new double[] {0, 0, 0}, ((Vector) rows.get(1).getAs("features")).toArray(), 0.0);
    assertArrayEquals(new double[] {3, 4, 0.5}, ((Vector) rows.get(2).getAs("features")).toArray(), 0.0);
    assertArrayEquals(new double[] {0, 1, 2},
        rows.stream().mapToDouble(r -> r.getDouble(1)).toArray(), 0.0);

    // Without header=true the header line is data, and every column becomes a string.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, csv.toString(), "csv", Map.of()));
    assertTrue(e.getMessage().startsWith("non-numeric columns '_c0' (string), '_c1' (string)"), e.getMessage());
  }

  @Test
  void nonNumericCsvColumnIsNamed() throws IOException {
    Path csv = tmp.resolve("mixed.csv");
    Files.writeString(csv, "x,name,label\n1.0,cat,0\n2.0,dog,1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, csv.toString(), "csv", Map.of("header", "true")));
    assertEquals("non-numeric column 'name' (string) in csv source " + csv
        + ": expected numeric feature columns besides the label column 'label'", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> DataSources.load(spark, csv.toString(), "csv",
        Map.of("header", "true", "labelCol", "name")));
    assertEquals("label column 'name' of csv source " + csv + " has type string, expected a numeric column",
        e.getMessage());
  }

  @Test
  void parquetAndJsonRoundTripVectors() {
    Dataset<Row> original = vectors();
    String parquet = tmp.resolve("vectors.parquet").toString();
    String json = tmp.resolve("vectors-json").toString();
    original.write().parquet(parquet);
    original.write().json(json);

    for (String path : List.of(parquet, json)) {
      Dataset<Row> df = DataSources.load(spark, path, "auto", Map.of("featuresCol", "x"));
      assertEquals(List.of("features", "label"), Arrays.asList(df.columns()), path);
      assertTrue(df.schema().apply("features").dataType() instanceof VectorUDT, path);
      assertEquals(sorted(original), sorted(df), path);
    }
  }

  @Test
  void jsonNumericFieldsAndArraysBecomeVectors() throws IOException {
    Path fields = tmp.resolve("fields.json");
    Files.writeString(fields, "{\"a\": 1, \"b\": 2.5, \"label\": 1}\n{\"a\": 3, \"b\": -1, \"label\": 0}\n");
    List<Row> rows = DataSources.load(spark, fields.toString(), null, null).orderBy("label").collectAsList();
    assertArrayEquals(new double[] {3, -1}, ((Vector) rows.get(0).getAs("features")).toArray(), 0.0);
    assertArrayEquals(new double[] {1, 2.5}, ((Vector) rows.get(1).getAs("features")).toArray(), 0.0);

    Path arrays = tmp.resolve("arrays.jsonl");
    Files.writeString(arrays, "{\"features\": [1, 2, 3]}\n{\"features\": [0.5, 0, 4]}\n");
    Dataset<Row> df = DataSources.load(spark, arrays.toString(), null, Map.of());
    assertEquals(List.of("features"), Arrays.asList(df.columns()));
    assertArrayEquals(new double[] {0.5, 0, 4}, ((Vector) df.collectAsList().get(1).getAs("features")).toArray(), 0);
  }

  @Test
  void libsvmLoads() throws IOException {
    Path svm = tmp.resolve("tiny.libsvm");
    Files.writeString(svm, "1 1:0.5 3:2\n0 2:1\n");
    Dataset<Row> df = DataSources.load(spark, svm.toString(), null, Map.of("numFeatures", "4"));
    assertEquals(List.of("features", "label"), Arrays.asList(df.columns()));
    List<Row> rows = df.collectAsList();
    assertEquals(Vectors.sparse(4, new int[] {0, 2}, new double[] {0.5, 2}), rows.get(0).getAs("features"));
    assertEquals(Vectors.sparse(4, new int[] {1}, new double[] {1}), rows.get(1).getAs("features"));
    assertEquals(1.0, rows.get(0).getDouble(1), 0.0);
  }

  @Test
  void badPathsFormatsAndColumnsSayWhatWasExpected() throws IOException {
    String missing = tmp.resolve("nope.csv").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, missing, "csv", Map.of()));
    assertEquals("no data at " + missing + " (format csv): the path does not exist, expected a file or directory",
        e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> DataSources.load(spark, missing, "xlsx", Map.of()));
    assertEquals("unknown format 'xlsx' for " + missing + ": expected one of auto, parquet, json, csv, libsvm, idx,"
        + " text, text-folder, reuters, images", e.getMessage());

    Path odd = tmp.resolve("table.dat");
    Files.writeString(odd, "1,2\n");
    e = assertThrows(IllegalArgumentException.class, () -> DataSources.load(spark, odd.toString(), null, null));
    assertTrue(e.getMessage().startsWith("cannot infer the format of " + odd + " from its name"), e.getMessage());

    String parquet = tmp.resolve("v.parquet").toString();
    vectors().write().parquet(parquet);
    e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, parquet, "parquet", Map.of("featuresCol", "pixels")));
    assertEquals("no column 'pixels' in parquet source " + parquet + ": found columns [x, label, name]",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, parquet, "parquet", Map.of("featuresCol", "name")));
    assertEquals("column 'name' of parquet source " + parquet + " has type string, expected a vector or an array"
        + " of numbers", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, parquet, null, Map.of("featuresCol", "x", "numPartitions", "0")));
    assertEquals("option numPartitions for " + parquet + " must be a positive integer, found '0'", e.getMessage());
  }

  /** A w x h PNG of a seeded random texture (grey levels 0..255). */
  private static void png(Path file, int w, int h, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int g = (int) (128 + 60 * Math.sin(0.3 * x + 0.2 * y) + r.nextInt(60));
        img.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void aFolderOfPhotosLoadsAsWhitenedPatches() throws IOException {
    Path dir = tmp.resolve("photos");
    Files.createDirectories(dir);
    png(dir.resolve("a.png"), 24, 20, 1);
    png(dir.resolve("b.png"), 20, 30, 2);
    Files.writeString(dir.resolve("SOURCES.txt"), "not a photo, skipped\n");
    Map<String, String> opts = Map.of("patch", "6", "whiten", "1/f", "f0", "0.3", "patches", "25", "seed", "7");
    Dataset<Row> df = DataSources.load(spark, dir.toString(), "images", opts);
    assertEquals(List.of("features", "image", "x", "y"), Arrays.asList(df.columns()));
    assertArrayEquals(new int[] {6, 6}, DataSources.imageShape(df.schema().apply("features")).orElseThrow());
    List<Row> rows = df.orderBy("image", "x", "y").collectAsList();
    assertEquals(25, rows.size());
    assertEquals(13, rows.stream().filter(r -> r.getAs("image").equals("a.png")).count(), "25 = 13 + 12");
    List<Row> direct = ImagePatches.loadTotal(spark, dir.toString(), 6, 25, "1/f", 0.01, 0.3, 7, 1)
        .orderBy("image", "x", "y").collectAsList();
    assertEquals(direct.toString(), rows.toString(), "the options reach ImagePatches");
    double meanVar = 0;
    for (Row r : rows) {
      for (double v : ((Vector) r.getAs("features")).toArray()) {
        meanVar += v * v / (36 * 25);
      }
    }
    assertEquals(1.0, meanVar, 1e-12, "1/f patches have unit mean variance");

    assertEquals("images", DataSources.inferFormat(spark, dir.toString()));
    Dataset<Row> plain = DataSources.load(spark, dir.toString(), null, Map.of("patch", "4", "perImage", "3"));
    assertEquals(6, plain.count());
    assertArrayEquals(new int[] {4, 4}, DataSources.imageShape(plain.schema().apply("features")).orElseThrow());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, dir.toString(), "images", Map.of("whiten", "pink")));
    assertEquals("whitening must be none, zca or 1/f (also: olshausen), found 'pink'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, dir.toString(), "images", Map.of("f0", "0")));
    assertEquals("option f0 for " + dir + " must be a positive number, found '0'", e.getMessage());
  }

  @Test
  void formatsAreInferredFromNames() {
    assertEquals("idx", DataSources.inferFormat(spark, "train-images-idx3-ubyte.gz"));
    assertEquals("idx", DataSources.inferFormat(spark, "t10k-images.idx3-ubyte"));
    assertEquals("csv", DataSources.inferFormat(spark, "points.csv.gz"));
    assertEquals("json", DataSources.inferFormat(spark, "hdfs://nn/x/a.json"));
    assertEquals("libsvm", DataSources.inferFormat(spark, "a9a.svm"));
    assertEquals("parquet", DataSources.inferFormat(spark, "features_idx.parquet"));
  }

  @Test
  void imageShapeCanBeAttachedToAnyColumn() {
    Dataset<Row> df = DataSources.withImageShape(vectors(), "x", 2, 1);
    assertArrayEquals(new int[] {2, 1}, DataSources.imageShape(df.schema().apply("x")).orElseThrow());
    assertFalse(DataSources.imageShape(df.schema().apply("label")).isPresent());
  }

  /** Three rows: a dense, a sparse and a zero vector, with labels and an extra string column. */
  private static Dataset<Row> vectors() {
    StructType schema = new StructType(new StructField[] {
        new StructField("x", new VectorUDT(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("name", DataTypes.StringType, false, Metadata.empty())});
    return spark.createDataFrame(List.of(
        RowFactory.create(Vectors.dense(1.5, -2, 0), 0.0, "a"),
        RowFactory.create(Vectors.sparse(3, new int[] {2}, new double[] {7}), 1.0, "b"),
        RowFactory.create(Vectors.zeros(3), 2.0, "c")), schema);
  }

  /** "label [vector values]" strings sorted, comparing vectors by value whatever their storage (first column). */
  private static List<String> sorted(Dataset<Row> df) {
    return df.collectAsList().stream()
        .map(r -> r.getDouble(1) + " " + Arrays.toString(((Vector) r.get(0)).toArray()))
        .sorted().toList();
  }
}
