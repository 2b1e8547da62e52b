package io.sparkae.neural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Spread;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batch normalisation's backward pass against central finite differences of J(x) = sum c_ij BN(x)_ij + (1/2) sum
 * BN(x)_ij^2 w_ij (random c, w: a loss that is not linear in the output), in double on a tiny batch, in training
 * (batch statistics) and inference (running statistics) mode; the batch statistics and the running update; block
 * momentum leaving such statistics at their average.
 */
class BatchNormTest {
  private static final double EPS = 1e-3;

  private static double loss(double[] x, int f, int n, double[] c, double[] w, float[] stats, boolean batch) {
    double[] y = x.clone();
    double[] invStd = new double[f];
    if (batch) {
      BatchNorm.normalize(y, f, n, EPS, new double[f], new double[f], invStd);
    } else {
      BatchNorm.normalizeWith(y, f, n, EPS, stats, 0, f, invStd);
    }
    double j = 0;
    for (int i = 0; i < y.length; i++) {
      j += c[i] * y[i] + 0.5 * w[i] * y[i] * y[i];
    }
    return j;
  }

  private static double worstRelativeError(boolean batch, long seed) {
    int f = 3;
    int n = 4;
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[f * n];
    double[] c = new double[f * n];
    double[] w = new double[f * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % f + 1) * r.nextGaussian() + i % f; // features of different scales and offsets
      c[i] = r.nextGaussian();
      w[i] = r.nextDouble();
    }
    float[] stats = {0.3f, -1f, 2f, 0.5f, 2f, 4f};
    double[] y = x.clone();
    double[] invStd = new double[f];
    if (batch) {
      BatchNorm.normalize(y, f, n, EPS, new double[f], new double[f], invStd);
    } else {
      BatchNorm.normalizeWith(y, f, n, EPS, stats, 0, f, invStd);
    }
    double[] g = new double[f * n];
    for (int i = 0; i < g.length; i++) {
      g[i] = c[i] + w[i] * y[i];
    }
    BatchNorm.backward(g, y, invStd, f, n, batch, new double[2 * f]);
    double h = 1e-5;
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      double old = x[i];
      x[i] = old + h;
      double up = loss(x, f, n, c, w, stats, batch);
      x[i] = old - h;
      double down = loss(x, f, n, c, w, stats, batch);
      x[i] = old;
      double numeric = (up - down) / (2 * h);
      double rel = Math.abs(numeric - g[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(g[i]));
      worst = Math.max(worst, rel);
    }
    return worst;
  }

  @Test
  void backwardMatchesFiniteDifferencesInTrainingAndInference() {
    for (long seed = 1; seed <= 5; seed++) {
      double train = worstRelativeError(true, seed);
      double infer = worstRelativeError(false, seed);
      Spread.record("batchNorm.gradientRelativeError.training", train);
      Spread.record("batchNorm.gradientRelativeError.inference", infer);
      assertTrue(train < 1e-6, "training-mode BN: relative error " + train);
      assertTrue(infer < 1e-6, "inference-mode BN: relative error " + infer);
    }
  }

  @Test
  void normalisesByBatchStatisticsAndUpdatesRunningOnes() {
    int f = 2;
    int n = 4;
    double[] x = {1, 10, 2, 20, 3, 30, 6, 60}; // feature 0: 1 2 3 6 (mean 3, variance 3.5), feature 1 ten times
    double[] mean = new double[f];
    double[] var = new double[f];
    double[] invStd = new double[f];
    BatchNorm.normalize(x, f, n, EPS, mean, var, invStd);
    assertEquals(3, mean[0], 1e-12);
    assertEquals(30, mean[1], 1e-12);
    assertEquals(3.5, var[0], 1e-12);
    assertEquals(350, var[1], 1e-12);
    assertEquals((1 - 3) / Math.sqrt(3.5 + EPS), x[0], 1e-12);
    double s0 = 0;
    double q0 = 0;
    for (int j = 0; j < n; j++) {
      s0 += x[j * f];
      q0 += x[j * f] * x[j * f];
    }
    assertEquals(0, s0, 1e-12);
    assertEquals(n * 3.5 / (3.5 + EPS), q0, 1e-9);
    float[] stats = {0f, 0f, 1f, 1f};
    BatchNorm.updateRunning(stats, 0, 2, mean, var, f, n, 0.1);
    assertEquals(0.3f, stats[0], 1e-6f);
    assertEquals(3f, stats[1], 1e-6f);
    assertEquals(0.9 + 0.1 * 3.5 * 4 / 3, stats[2], 1e-6);
    assertEquals(0.9 + 0.1 * 350 * 4 / 3, stats[3], 1e-4);
  }

  @Test
  void blockMomentumLeavesTheStatisticsAtTheirAverage() {
    float[] delta = {1f, 5f};
    float[] out = AveragingTrainer.blockStep(new float[] {0f, 2f}, new float[] {0f, 2f}, new float[] {1f, 3f}, delta,
        0.5f, 1);
    assertEquals(0 + 0.5f * 1f + 1f, out[0], 1e-6f); // the trained entry: theta + eta Delta + G
    assertEquals(3f, out[1], 0f); // the statistic: the plain average, its Delta reset
    assertEquals(0f, delta[1], 0f);
  }
}
