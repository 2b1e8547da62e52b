package io.sparkae.linear.kmeans;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The last step of k-means|| on the driver: reduce m weighted candidates (m > k) to k centers by weighted k-means++
 * seeding (Arthur and Vassilvitskii 2007: each next center drawn with probability proportional to
 * {@code w_i D(p_i)^2}, D the distance to the nearest center chosen so far), in its greedy form (2 + ln k draws per
 * center, keeping the one that lowers {@code sum_i w_i D(p_i)^2} most, as scikit-learn does), followed by weighted
 * Lloyd iterations until no label changes. Knows only arrays and linalg.
 */
final class LocalKMeans {
  private LocalKMeans() {}

  /** k centers (d x k) from the candidates {@code points} (d x m, distinct) with positive weights. */
  static DenseMatrix fit(DenseMatrix points, double[] weights, int k, long seed, int maxIter) {
    int d = points.rows;
    int m = points.cols;
    if (m < k) {
      throw new IllegalArgumentException("k-means++ needs at least k = " + k + " candidates, found " + m);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    DenseMatrix c = new DenseMatrix(d, k);
    // The candidates' Gram matrix, one dgemm: every distance the seeding needs is then O(1) instead of O(d) (at
    // d = 100,000 and 400 candidates the direct distances took a minute).
    double[] gram = new double[m * m];
    Blas.blas().dgemm("T", "N", m, m, d, 1.0, points.values, 0, d, points.values, 0, d, 0.0, gram, 0, m);
    int pick = pickWeighted(rng, weights, null);
    double[] minD2 = distancesTo(gram, m, pick, null);
    System.arraycopy(points.values, pick * d, c.values, 0, d);
    int trials = 2 + (int) Math.log(k);
    for (int j = 1; j < k; j++) {
      // Greedy k-means++ (as scikit-learn): draw a few candidates, keep the one that lowers the potential most.
      double bestPotential = Double.POSITIVE_INFINITY;
      double[] bestD2 = null;
      for (int t = 0; t < trials; t++) {
        int candidate = pickWeighted(rng, weights, minD2);
        double[] d2 = distancesTo(gram, m, candidate, minD2);
        double potential = 0;
        for (int i = 0; i < m; i++) {
          potential += weights[i] * d2[i];
        }
        if (potential < bestPotential) {
          bestPotential = potential;
          bestD2 = d2;
          pick = candidate;
        }
      }
      minD2 = bestD2;
      System.arraycopy(points.values, pick * d, c.values, j * d, d);
    }
    lloyd(points, weights, c, maxIter);
    return c;
  }

  /**
   * {@code min(previous_i, ||p_i - p_j||^2)} for every candidate i (previous null: no minimum), from the Gram matrix
   * G (m x m): {@code ||p_i - p_j||^2 = G_ii + G_jj - 2 G_ij}, clamped at 0 (its rounding, about d units in the last
   * place of {@code G_ii + G_jj}, only perturbs the seeding's sampling weights; the Lloyd iterations below and the
   * distributed rounds after them use exact distances).
   */
  private static double[] distancesTo(double[] gram, int m, int j, double[] previous) {
    double[] out = new double[m];
    double gjj = gram[j * m + j];
    for (int i = 0; i < m; i++) {
      double s = i == j ? 0.0 : Math.max(0.0, gram[i * m + i] + gjj - 2 * gram[j * m + i]);
      out[i] = previous == null ? s : Math.min(previous[i], s);
    }
    return out;
  }

  /** An index drawn with probability proportional to {@code w_i} (or {@code w_i * d2_i}). */
  private static int pickWeighted(SplittableRandom rng, double[] w, double[] d2) {
    double total = 0;
    for (int i = 0; i < w.length; i++) {
      total += w[i] * (d2 == null ? 1.0 : d2[i]);
    }
    double r = rng.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < w.length; i++) {
      double p = w[i] * (d2 == null ? 1.0 : d2[i]);
      if (p > 0) {
        last = i;
        r -= p;
        if (r < 0) {
          return i;
        }
      }
    }
    if (last < 0) {
      throw new IllegalStateException("k-means++: every candidate is already a center");
    }
    return last;
  }

  /** Weighted Lloyd iterations on the candidates, in place on c; an empty cluster keeps its center. */
  static void lloyd(DenseMatrix points, double[] weights, DenseMatrix c, int maxIter) {
    int d = points.rows;
    int m = points.cols;
    int k = c.cols;
    NearestCenter kernel = new NearestCenter(d, k, m);
    int[] previous = null;
    double[] sums = new double[d * k];
    double[] mass = new double[k];
    for (int it = 0; it < maxIter; it++) {
      kernel.assign(c, KMeansState.squaredNorms(c), points, null, m, null);
      if (previous != null && Arrays.equals(previous, 0, m, kernel.label, 0, m)) {
        return;
      }
      previous = Arrays.copyOf(kernel.label, m);
      Arrays.fill(sums, 0.0);
      Arrays.fill(mass, 0.0);
      for (int i = 0; i < m; i++) {
        int a = previous[i];
        mass[a] += weights[i];
        for (int t = 0; t < d; t++) {
          sums[a * d + t] += weights[i] * points.values[i * d + t];
        }
      }
      for (int j = 0; j < k; j++) {
        if (mass[j] > 0) {
          for (int t = 0; t < d; t++) {
            c.values[j * d + t] = sums[j * d + t] / mass[j];
          }
        }
      }
    }
  }
}
