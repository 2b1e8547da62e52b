package io.sparkae.linear.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearestCenterTest {

  private static DenseMatrix random(int rows, int cols, double shift, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DenseMatrix m = new DenseMatrix(rows, cols);
    for (int i = 0; i < m.values.length; i++) {
      m.values[i] = shift + Planted.gaussian(r);
    }
    return m;
  }

  @Test
  void matchesBruteForceAcrossChunksWithSums() {
    // Far from the origin (the direct path) and near it (distances from the norms).
    assertMatchesBruteForce(50.0, false);
    assertMatchesBruteForce(0.0, true);
    assertMatchesBruteForce(50.0, true);
  }

  private static void assertMatchesBruteForce(double shift, boolean withNorms) {
    int d = 6;
    int k = 9;
    int n = 40;
    DenseMatrix c = random(d, k, shift, 1);
    DenseMatrix x = random(d, n + 3, shift, 2);
    NearestCenter kernel = new NearestCenter(d, k, 7);
    double[] sums = new double[d * k];
    double[] xNorms = withNorms ? new PointBlock(x, n + 3).norms : null;
    kernel.assign(c, KMeansState.squaredNorms(c), x, xNorms, n, sums);
    double[] expectedSums = new double[d * k];
    for (int j = 0; j < n; j++) {
      int best = -1;
      double bestD = Double.POSITIVE_INFINITY;
      for (int a = 0; a < k; a++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          double e = x.get(i, j) - c.get(i, a);
          s += e * e;
        }
        if (s < bestD) {
          bestD = s;
          best = a;
        }
      }
      assertEquals(best, kernel.label[j], "label of column " + j);
      assertEquals(bestD, kernel.dist2[j], 1e-11 * bestD, "distance of column " + j);
      for (int i = 0; i < d; i++) {
        expectedSums[best * d + i] += x.get(i, j);
      }
    }
    assertArrayEquals(expectedSums, sums, 1e-9);
  }

  @Test
  void doubleDoubleSumsDoNotDependOnOrder() {
    double[] parts = {1e16, 1.0, -1e16, 3.0e-3, 7.5, 1e-9, 12345.678};
    double[] forward = {0};
    double[] forwardLo = {0};
    for (double p : parts) {
      DoubleDouble.add(forward, forwardLo, new double[] {p}, null);
    }
    double[] backward = {0};
    double[] backwardLo = {0};
    for (int i = parts.length - 1; i >= 0; i--) {
      DoubleDouble.add(backward, backwardLo, new double[] {parts[i]}, null);
    }
    assertEquals(forward[0] + forwardLo[0], backward[0] + backwardLo[0], 0.0);
    assertEquals(1.0 + 3.0e-3 + 7.5 + 1e-9 + 12345.678, forward[0] + forwardLo[0], 1e-12);
  }

  @Test
  void localKMeansPlusPlusPicksTheHeavyCandidates() {
    // Three tight groups of candidates; the weighted reduction to k = 3 must put one center in each.
    int d = 2;
    double[][] pts = {{0, 0}, {0.1, 0}, {10, 10}, {10.1, 10}, {-10, 5}, {-10, 5.1}};
    DenseMatrix p = new DenseMatrix(d, pts.length);
    for (int j = 0; j < pts.length; j++) {
      p.values[j * d] = pts[j][0];
      p.values[j * d + 1] = pts[j][1];
    }
    DenseMatrix c = LocalKMeans.fit(p, new double[] {1, 3, 1, 1, 2, 2}, 3, 5, 30);
    double[][] expected = {{0.075, 0}, {10.05, 10}, {-10, 5.05}};
    for (double[] e : expected) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < 3; j++) {
        best = Math.min(best, Math.hypot(c.get(0, j) - e[0], c.get(1, j) - e[1]));
      }
      assertEquals(0, best, 1e-12, "a center at the weighted mean " + java.util.Arrays.toString(e));
    }
  }
}
