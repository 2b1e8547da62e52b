package io.sparkae.neural.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit vae}, {@code evaluate --importance-samples}, {@code sample}, {@code transform} and {@code fit topics}. */
class VaeCliTest extends SparkTest {
  private static final String SAMPLE = System.getProperty("sparkae.basedir", ".")
      + "/data/mnist-sample/train-images-idx3-ubyte.gz";

  private static String[] run(String... args) {
    Cli.Result r = Cli.run(args);
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  @Test
  void fitEvaluateSampleAndTransformAVae(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("vae");
    String[] r = run("fit", "vae", "--input", SAMPLE, "--latent", "2", "--hidden", "64", "--epochs", "1",
        "--partitions", "2", "--output", fit.toString());
    assertEquals("0", r[0], r[2]);
    String metrics = Files.readString(fit.resolve("metrics.json"));
    assertTrue(metrics.contains("\"loss\" : \"-ELBO (nats)\"") && metrics.contains("\"latentSize\" : 2"), metrics);
    for (String f : new String[] {"elbo.png", "samples.png", "reconstructions.png", "manifold.png", "codes.png"}) {
      assertTrue(Files.size(fit.resolve("figures/" + f)) > 1000, f);
    }
    r = run("evaluate", "--model", fit.toString(), "--input", SAMPLE, "--importance-samples", "20", "--max-rows",
        "50");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("\"importanceSamples\" : 20") && r[1].contains("\"logLikelihood\""), r[1]);
    r = run("sample", "--model", fit.toString(), "--count", "30", "--output", dir.resolve("s").toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(Files.size(dir.resolve("s/samples.png")) > 1000);
    assertEquals(30, spark().read().parquet(dir.resolve("s/samples.parquet").toString()).count());
    r = run("sample", "--model", fit.toString(), "--count", "0", "--output", dir.resolve("s0").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--count 0 must lie in [1, 1000000]"), r[2]);
    assertFalse(Files.exists(dir.resolve("s0")), "no output left behind");
    r = run("transform", "--model", fit.toString(), "--input", SAMPLE, "--output", dir.resolve("t").toString());
    assertEquals("0", r[0], r[2]);
    assertEquals(10000, spark().read().parquet(dir.resolve("t/data").toString()).count());
  }

  @Test
  void fitTopicsOnTextWritesTopicsAndVocabulary(@TempDir Path dir) throws Exception {
    StringBuilder text = new StringBuilder();
    String[] a = {"apple", "banana", "cherry", "grape", "melon"};
    String[] b = {"engine", "wheel", "brake", "piston", "clutch"};
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    for (int d = 0; d < 400; d++) {
      String[] words = d % 2 == 0 ? a : b;
      for (int w = 0; w < 12; w++) {
        text.append(words[rnd.nextInt(words.length)]).append(' ');
      }
      text.append('\n');
    }
    Path corpus = dir.resolve("docs.txt");
    Files.writeString(corpus, text);
    Path fit = dir.resolve("topics");
    String[] r = run("fit", "topics", "--input", corpus.toString(), "--format", "text", "--option", "minDF=1",
        "--option", "maxDF=1000", "--k", "2", "--hidden", "16", "--epochs", "15", "--lr", "0.01", "--output",
        fit.toString());
    assertEquals("0", r[0], r[2]);
    String topics = Files.readString(fit.resolve("topics.txt"));
    String vocab = Files.readString(fit.resolve("vocabulary.txt"));
    assertEquals(10, vocab.strip().split("\n").length, vocab);
    // Each topic's top five words are one of the two planted word sets.
    for (String line : topics.strip().split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      java.util.Set<String> top = new java.util.HashSet<>(java.util.Arrays.asList(f).subList(2, 7));
      assertTrue(top.equals(java.util.Set.of(a)) || top.equals(java.util.Set.of(b)), line);
    }
    String metrics = Files.readString(fit.resolve("metrics.json"));
    assertTrue(metrics.contains("\"meanNpmi\"") && metrics.contains("\"topicsUnder1Percent\" : 0"), metrics);
    assertTrue(metrics.contains(", batch norm, "), "batch normalisation is on by default: " + metrics);
    Path off = dir.resolve("topics-plain");
    r = run("fit", "topics", "--input", corpus.toString(), "--format", "text", "--option", "minDF=1", "--option",
        "maxDF=1000", "--k", "2", "--hidden", "16", "--epochs", "1", "--no-batch-norm", "--output", off.toString());
    assertEquals("0", r[0], r[2]);
    String plain = Files.readString(off.resolve("metrics.json"));
    assertTrue(plain.contains("\"architecture\"") && !plain.contains("batch norm"), plain);
    // New documents through the saved vocabulary: a word outside it is ignored, codes are topic proportions.
    Path fresh = dir.resolve("new.txt");
    Files.writeString(fresh, "apple banana zebra\nengine wheel\n");
    r = run("transform", "--model", fit.toString(), "--input", fresh.toString(), "--format", "text", "--option",
        "vocabulary=" + fit.resolve("vocabulary.txt"), "--output", dir.resolve("t").toString());
    assertEquals("0", r[0], r[2]);
    java.util.List<org.apache.spark.sql.Row> rows = spark().read().parquet(dir.resolve("t/data").toString())
        .select("code").collectAsList();
    assertEquals(2, rows.size());
    for (org.apache.spark.sql.Row row : rows) {
      double[] theta = ((org.apache.spark.ml.linalg.Vector) row.get(0)).toArray();
      assertEquals(1.0, theta[0] + theta[1], 1e-9);
    }
  }
}
