package io.sparkae.neural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkae fit autoencoder} on the shipped MNIST sample: model, metrics and figures. */
class NeuralCliTest extends SparkTest {
  private static final String SAMPLE = System.getProperty("sparkae.basedir", ".")
      + "/data/mnist-sample/train-images-idx3-ubyte.gz";

  private static String[] run(String... args) {
    Cli.Result r = Cli.run(args);
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  @Test
  void fitAutoencoderWritesModelMetricsAndFigures(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("ae");
    String[] r = run("fit", "autoencoder", "--input", SAMPLE, "--layers", "784,32", "--activation", "sigmoid",
        "--loss", "bce", "--epochs", "1", "--batch-size", "100", "--averaging-frequency", "25", "--lr", "0.01",
        "--topk", "10", "--denoise", "dropout:0.2", "--partitions", "2", "--output", fit.toString());
    assertEquals("0", r[0], r[2]);
    NeuralAutoencoderModel m = NeuralAutoencoderModel.load(fit.resolve("model").toString());
    assertEquals(10, m.architecture().topK());
    assertEquals(28, m.provenance().imageHeight());
    String metrics = Files.readString(fit.resolve("metrics.json"));
    assertTrue(metrics.contains("\"finalObjective\""), metrics);
    for (String f : new String[] {"loss.png", "reconstructions.png", "filters.png"}) {
      assertTrue(Files.size(fit.resolve("figures/" + f)) > 1000, f);
    }
    r = run("fit", "autoencoder", "--input", SAMPLE, "--layers", "100,32", "--output", dir.resolve("bad").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("start with 100 inputs but column 'features' holds vectors of size 784"), r[2]);
  }
}
