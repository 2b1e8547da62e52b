package io.sparkae.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linear.pca.PCAModel;
import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on the shipped MNIST sample and on bad input: exit codes, messages, outputs. */
class CliTest extends SparkTest {
  private static final String SAMPLE = System.getProperty("sparkae.basedir", ".")
      + "/data/mnist-sample/train-images-idx3-ubyte.gz";

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  @Test
  void fitTransformEvaluateReportOnTheShippedSample(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("pca");
    Cli.Result r = run("fit", "pca", "--input", SAMPLE, "--k", "16", "--output", fit.toString(), "--partitions", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(fit.resolve("model/metadata/part-00000")));
    assertTrue(Files.size(fit.resolve("figures/scree.png")) > 1000);
    assertTrue(Files.size(fit.resolve("figures/components.png")) > 1000);
    String metrics = Files.readString(fit.resolve("metrics.json"));
    assertTrue(metrics.contains("\"explainedVarianceRatio\""), metrics);
    PCAModel model = PCAModel.load(fit.resolve("model").toString());
    assertEquals(28, model.provenance().imageHeight());
    assertEquals(10000, model.provenance().rows());

    Path codes = dir.resolve("codes");
    r = run("transform", "--model", fit.toString(), "--input", SAMPLE, "--output", codes.toString(), "--loss");
    assertEquals(0, r.code(), r.err());
    List<Row> rows = spark().read().parquet(codes.resolve("data").toString()).select("features", "code", "loss",
        "label").limit(20).collectAsList();
    assertEquals(20, rows.size());
    for (Row row : rows) {
      double[] z = ((Vector) row.get(1)).toArray();
      assertArrayEquals(model.autoencoder().encode(((Vector) row.get(0)).toArray()), z, 1e-12);
      assertEquals(model.autoencoder().loss(((Vector) row.get(0)).toArray()), row.getDouble(2), 1e-9);
    }

    r = run("evaluate", "--model", fit.toString(), "--input", SAMPLE);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"explainedVariance\""), r.out());
    double ev = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("explainedVariance")
        .asDouble();
    double sum = 0;
    for (double x : model.explainedVarianceRatio()) {
      sum += x;
    }
    assertEquals(sum, ev, 1e-9, "on its training data PCA explains the sum of its ratios");

    Path figs = dir.resolve("figs");
    r = run("report", "--model", fit.resolve("model").toString(), "--output", figs.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(figs.resolve("components.png")));

    r = run("fit", "pca", "--input", SAMPLE, "--k", "3", "--output", fit.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("already exists; pass --overwrite"), r.err());
  }

  @Test
  void aFolderOfPhotosFitsAsOneOverFWhitenedPatches(@TempDir Path dir) throws Exception {
    Path photos = dir.resolve("photos");
    Files.createDirectories(photos);
    for (int t = 0; t < 2; t++) {
      BufferedImage img = new BufferedImage(20 + 5 * t, 18, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          int g = (int) (128 + 100 * Math.sin(0.7 * x + (0.4 + t) * y) * Math.cos(0.3 * y));
          img.setRGB(x, y, (g << 16) | (g << 8) | g);
        }
      }
      ImageIO.write(img, "png", photos.resolve("p" + t + ".png").toFile());
    }
    Path fit = dir.resolve("pca");
    Cli.Result r = run("fit", "pca", "--input", photos.toString(), "--format", "images", "--option", "patch=4",
        "--option", "whiten=1/f", "--option", "f0=0.3", "--option", "patches=200", "--k", "3", "--no-report",
        "--output", fit.toString());
    assertEquals(0, r.code(), r.err());
    PCAModel model = PCAModel.load(fit.resolve("model").toString());
    assertEquals(4, model.provenance().imageHeight());
    assertEquals(200, model.provenance().rows());
  }

  @Test
  void jobConfigurationFileSuppliesOptions(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("job.properties");
    Path out = dir.resolve("out");
    Files.writeString(conf, "input=" + SAMPLE + "\nk=4\nno-report=true\noutput=" + out + "\n");
    Cli.Result r = run("fit", "pca", "--config", conf.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(4, PCAModel.load(out.resolve("model").toString()).k());
    assertFalse(Files.exists(out.resolve("figures")));
    // A flag given on the command line sets true even where the file already says true (picocli's flags would
    // otherwise take the opposite of their default, so --overwrite over overwrite=true refused to overwrite).
    Files.writeString(conf, "input=" + SAMPLE + "\nk=3\nno-report=true\noverwrite=true\noutput=" + out + "\n");
    r = run("fit", "pca", "--config", conf.toString(), "--overwrite", "--no-report");
    assertEquals(0, r.code(), r.err());
    assertEquals(3, PCAModel.load(out.resolve("model").toString()).k());
  }

  private static void badInput(Path dir, String json, String expected, String... extra) throws Exception {
    Path in = dir.resolve("in-" + Math.abs(json.hashCode()) + ".json");
    Files.writeString(in, json);
    Path out = dir.resolve("out-" + Math.abs(json.hashCode()));
    String[] args = {"fit", "pca", "--input", in.toString(), "--k", "2", "--output", out.toString()};
    if (extra.length > 0) {
      args = extra;
      args = java.util.Arrays.stream(extra).map(a -> a.replace("IN", in.toString()).replace("OUT", out.toString()))
          .toArray(String[]::new);
    }
    Cli.Result r = run(args);
    assertEquals(2, r.code(), "exit code for bad input; stderr: " + r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    assertFalse(Files.exists(out), "no output after a failed job");
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary folder left");
    }
  }

  @Test
  void badInputGetsAClearErrorAndNoOutput(@TempDir Path dir) throws Exception {
    badInput(dir, "{\"features\":[1,2,3]}\n{\"features\":[1,NaN,3]}\n", "holds NaN at index 1");
    badInput(dir, "{\"features\":[1,2,3]}\n{\"features\":[1,2]}\n", "has size 2, expected 3");
    badInput(dir, "{\"features\":[1,2,3]}\n{\"features\":[4,5,6]}\n", "k = 5 is larger than the number of features",
        "fit", "pca", "--input", "IN", "--k", "5", "--output", "OUT");
    badInput(dir, "{\"features\":[1,2,3]}\n{\"features\":[4,5,7]}\n", "k = 3 is larger than the number of rows n = 2",
        "fit", "pca", "--input", "IN", "--k", "3", "--output", "OUT");
    badInput(dir, "{\"features\":[1,2,3]}\n", "'nope'", "fit", "pca", "--input", "IN", "--input-col", "nope", "--k",
        "1", "--output", "OUT");
  }

  @Test
  void emptyMissingAndTruncatedInputs(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.parquet");
    spark().createDataFrame(java.util.List.<Row>of(), new org.apache.spark.sql.types.StructType().add("features",
        org.apache.spark.ml.linalg.SQLDataTypes.VectorType())).write().parquet(empty.toString());
    Cli.Result r = run("fit", "pca", "--input", empty.toString(), "--k", "1", "--output", dir.resolve("o1").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("empty data"), r.err());
    assertFalse(Files.exists(dir.resolve("o1")));

    r = run("fit", "pca", "--input", dir.resolve("nope.parquet").toString(), "--k", "1", "--output",
        dir.resolve("o2").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("nope.parquet"), r.err());
    assertFalse(Files.exists(dir.resolve("o2")));

    byte[] whole = Files.readAllBytes(Path.of(SAMPLE));
    byte[] raw;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(whole))) {
      raw = in.readAllBytes();
    }
    Path truncated = dir.resolve("cut-images-idx3-ubyte");
    Files.write(truncated, java.util.Arrays.copyOf(raw, 16 + 784 * 5 + 100));
    r = run("fit", "pca", "--input", truncated.toString(), "--k", "1", "--output", dir.resolve("o3").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("truncated") || r.err().contains("promises"), r.err());
    assertFalse(Files.exists(dir.resolve("o3")));

    r = run("transform", "--model", dir.resolve("no-model").toString(), "--input", SAMPLE, "--output",
        dir.resolve("o4").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("no model at"), r.err());
  }
}
