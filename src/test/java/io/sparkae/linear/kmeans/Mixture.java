package io.sparkae.linear.kmeans;

import io.sparkae.testing.Planted;
import java.util.SplittableRandom;

/** Seeded Gaussian mixtures with known labels, and the adjusted Rand index to compare clusterings. */
final class Mixture {
  final double[][] rows;
  final int[] labels;
  final double[][] means;

  private Mixture(double[][] rows, int[] labels, double[][] means) {
    this.rows = rows;
    this.labels = labels;
    this.means = means;
  }

  /** n rows in R^d from k spherical Gaussians (standard deviation {@code sigma}) whose means are ~ N(0, spread^2 I). */
  static Mixture gaussian(int n, int d, int k, double spread, double sigma, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] means = new double[k][d];
    for (double[] m : means) {
      for (int i = 0; i < d; i++) {
        m[i] = spread * Planted.gaussian(r);
      }
    }
    double[][] rows = new double[n][d];
    int[] labels = new int[n];
    for (int t = 0; t < n; t++) {
      int c = t % k;
      labels[t] = c;
      for (int i = 0; i < d; i++) {
        rows[t][i] = means[c][i] + sigma * Planted.gaussian(r);
      }
    }
    return new Mixture(rows, labels, means);
  }

  /** The adjusted Rand index of two labelings (Hubert and Arabie 1985): 1 for identical partitions. */
  static double adjustedRandIndex(int[] a, int[] b) {
    int ka = 0;
    int kb = 0;
    for (int i = 0; i < a.length; i++) {
      ka = Math.max(ka, a[i] + 1);
      kb = Math.max(kb, b[i] + 1);
    }
    long[][] table = new long[ka][kb];
    long[] rowSums = new long[ka];
    long[] colSums = new long[kb];
    for (int i = 0; i < a.length; i++) {
      table[a[i]][b[i]]++;
      rowSums[a[i]]++;
      colSums[b[i]]++;
    }
    double index = 0;
    for (long[] row : table) {
      for (long v : row) {
        index += pairs(v);
      }
    }
    double sa = 0;
    double sb = 0;
    for (long v : rowSums) {
      sa += pairs(v);
    }
    for (long v : colSums) {
      sb += pairs(v);
    }
    double expected = sa * sb / pairs(a.length);
    double max = (sa + sb) / 2;
    return max == expected ? 1.0 : (index - expected) / (max - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }
}
