package io.sparkae.neural.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.data.DataSources;
import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import io.sparkae.testing.Spread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fit vae --iwae-samples 5} on a small synthetic binary data set: the training bound falls, the model and
 * its reports name the bound, and the estimator and the model keep iwaeSamples through save and load.
 */
class VaeIwaeFitTest extends SparkTest {
  private static final int D = 16;

  /** JSON rows of 16 bits: one of three random prototypes with each bit flipped with probability 0.1. */
  private static Path binaryRows(Path dir, int rows, long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    boolean[][] prototypes = new boolean[3][D];
    for (boolean[] p : prototypes) {
      for (int i = 0; i < D; i++) {
        p[i] = r.nextBoolean();
      }
    }
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < rows; j++) {
      boolean[] p = prototypes[r.nextInt(3)];
      b.append("{\"features\":[");
      for (int i = 0; i < D; i++) {
        b.append(i > 0 ? "," : "").append(p[i] != (r.nextDouble() < 0.1) ? "1.0" : "0.0");
      }
      b.append("]}\n");
    }
    Path path = dir.resolve("bits.json");
    Files.writeString(path, b);
    return path;
  }

  @Test
  @Tag("stochastic")
  void fitWithIwaeSamplesFiveLowersTheBoundAndSaveLoadKeepsK(@TempDir Path dir) throws Exception {
    Path input = binaryRows(dir, 600, Spread.seed(91));
    Path out = dir.resolve("fit");
    Cli.Result r = Cli.run("fit", "vae", "--input", input.toString(), "--latent", "2", "--hidden", "16",
        "--iwae-samples", "5", "--epochs", "8", "--batch-size", "30", "--averaging-frequency", "10", "--lr", "0.02",
        "--seed", String.valueOf(Spread.seed(92)), "--no-report", "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(out.resolve("metrics.json"));
    assertTrue(metrics.contains("\"loss\" : \"-IWAE-5 bound (nats)\""), metrics);

    VariationalAutoencoderModel m = VariationalAutoencoderModel.load(out.resolve("model").toString());
    assertEquals(5, m.vae().iwaeSamples());
    assertEquals("-IWAE-5 bound per row", m.history().objective());
    assertTrue(m.vae().toString().startsWith("VAE(-IWAE-5 bound, "), m.vae().toString());
    double[] loss = m.history().values();
    // 600 rows in W = 2 partitions of B 30 x H 10 rows per round: a round an epoch, 8 rounds. The bound falls from
    // about 11 nats (16 bits at random); last over first measured 0.61 to 0.64 over 3 seeds.
    double fall = Spread.record("vae.iwaeTrainLossLastOverFirst", loss[loss.length - 1] / loss[0]);
    assertTrue(loss.length == 8 && fall < 0.8, "training bound " + Arrays.toString(loss));

    // The model's per-row loss is the -IWAE-5 bound, from the same noise as the evaluation's K = 5 estimate.
    Dataset<Row> data = DataSources.load(spark(), input.toString(), "json", Map.of()).limit(100).cache();
    List<Row> rows = m.copy(new ParamMap()).setLossCol("loss").transform(data)
        .select("loss").collectAsList();
    double mean = rows.stream().mapToDouble(x -> x.getDouble(0)).average().orElseThrow();
    VaeEvaluation.Result e = m.evaluateLikelihood(data, 5);
    assertEquals(-e.logLikelihood(), mean, 1e-9 * Math.abs(mean));
    assertTrue(-e.logLikelihood() <= e.negElbo() + 0.05, "IWAE-5 " + -e.logLikelihood() + " vs -ELBO "
        + e.negElbo());

    // The model above was saved by the CLI and loaded (its settings by name, iwaeSamples among them); the estimator
    // keeps the Param through its own save and load.
    Path est = dir.resolve("estimator");
    new VariationalAutoencoder().setIwaeSamples(7).setLatentSize(3).write().save(est.toString());
    VariationalAutoencoder loaded = VariationalAutoencoder.load(est.toString());
    assertEquals(7, loaded.getIwaeSamples());
    assertEquals(1, new VariationalAutoencoder().getIwaeSamples(), "default: the ELBO");
    data.unpersist();
  }
}
