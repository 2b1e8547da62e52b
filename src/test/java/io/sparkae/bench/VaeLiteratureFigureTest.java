package io.sparkae.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pieces of jobs/demo-vae-mnist literature's figure that need no Spark: its curve file and time axis. */
class VaeLiteratureFigureTest {
  @TempDir
  Path dir;

  @Test
  void readsTheSegmentsTheDemoWritesAndInterpolatesTrainingMinutesWithinEachSegment() throws Exception {
    Path tsv = dir.resolve("curve.tsv");
    // the demo's own header and lines; a segment whose estimate failed leaves its field empty
    Files.writeString(tsv, "epochs\ttrain_seconds\ttest_neg_elbo\tnll_k1000_first1000\n"
        + "10\t75.0\t102.76\t96.51\n40\t225.0\t99.10\t\n");
    List<VaeLiteratureFigure.Segment> curve = VaeLiteratureFigure.readCurve(tsv);
    assertEquals(2, curve.size());
    assertEquals(new VaeLiteratureFigure.Segment(10, 75.0, 102.76, 96.51), curve.get(0));
    assertEquals(40, curve.get(1).epochs());
    assertTrue(Double.isNaN(curve.get(1).nll()));
    // epoch 10 ends the first segment; epoch 25 is half way through the second (75 s + 15/30 of its 150 s)
    assertEquals(75.0 / 60, VaeLiteratureFigure.minutesAt(curve, 10), 1e-12);
    assertEquals(150.0 / 60, VaeLiteratureFigure.minutesAt(curve, 25), 1e-12);
    assertEquals(7.5 / 60, VaeLiteratureFigure.minutesAt(curve, 1), 1e-12);
    assertEquals(225.0 / 60, VaeLiteratureFigure.minutesAt(curve, 41), 1e-12); // past the last segment: its end

    // the table names the network the demo wrote into network.txt, and the first default without one
    assertEquals("784-400-20 ReLU Bernoulli VAE", VaeLiteratureFigure.network(dir));
    Files.writeString(dir.resolve("network.txt"), "784-200-200-50 ReLU Bernoulli VAE, block momentum 0.5\n");
    assertEquals("784-200-200-50 ReLU Bernoulli VAE, block momentum 0.5", VaeLiteratureFigure.network(dir));

    VaeLiteratureFigure v = new VaeLiteratureFigure();
    new CommandLine(v).parseArgs("out/vae-literature");
    assertEquals(Path.of("out/vae-literature"), v.out);
  }
}
