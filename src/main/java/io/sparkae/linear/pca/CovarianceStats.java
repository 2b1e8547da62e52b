package io.sparkae.linear.pca;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Count, mean and centred scatter {@code M2 = sum_i (x_i - mean)(x_i - mean)^T} (upper triangle) of a set of
 * rows. Each dense block is centred on its own mean and added with one {@code dsyrk}; blocks and partitions are
 * merged with the pairwise update of Chan, Golub and LeVeque (1979),
 * {@code M2 = M2_a + M2_b + delta delta^T n_a n_b / n} with {@code delta = mean_b - mean_a}, which avoids the
 * cancellation of {@code E[x x^T] - E[x] E[x]^T}.
 */
final class CovarianceStats implements Serializable {
  private static final long serialVersionUID = 1L;

  final int d;
  long n;
  final double[] mean;
  final DenseMatrix m2;

  CovarianceStats(int d) {
    this.d = d;
    this.mean = new double[d];
    this.m2 = new DenseMatrix(d, d);
  }

  /** Adds the first {@code size} rows of the block x (d x capacity); x is centred in place (a scratch buffer). */
  void addBlock(DenseMatrix x, int size, double[] blockMean) {
    Arrays.fill(blockMean, 0.0);
    for (int j = 0; j < size; j++) {
      int off = j * d;
      for (int i = 0; i < d; i++) {
        blockMean[i] += x.values[off + i];
      }
    }
    for (int i = 0; i < d; i++) {
      blockMean[i] /= size;
    }
    for (int j = 0; j < size; j++) {
      int off = j * d;
      for (int i = 0; i < d; i++) {
        x.values[off + i] -= blockMean[i];
      }
    }
    // M2 := M2 + Xc Xc^T, then the mean-shift term.
    DenseMatrix.syrk(1.0, x, size, 1.0, m2);
    shiftMerge(size, blockMean);
  }

  /** Merges another partition's statistics into this one. */
  CovarianceStats merge(CovarianceStats o) {
    if (o.n == 0) {
      return this;
    }
    m2.addScaled(1.0, o.m2);
    shiftMerge(o.n, o.mean);
    return this;
  }

  /** Adds n_b rows with mean meanB whose scatter is already in m2: the rank-one shift and the mean update. */
  private void shiftMerge(long nb, double[] meanB) {
    long total = n + nb;
    if (n > 0) {
      double[] delta = new double[d];
      for (int i = 0; i < d; i++) {
        delta[i] = meanB[i] - mean[i];
      }
      Blas.blas().dsyr("U", d, (double) n * nb / total, delta, 1, m2.values, d);
    }
    for (int i = 0; i < d; i++) {
      mean[i] += (meanB[i] - mean[i]) * nb / total;
    }
    n = total;
  }

  /** Sample covariance {@code M2 / (n - 1)}, full (both triangles). */
  DenseMatrix covariance() {
    DenseMatrix c = m2.copy();
    c.symmetrizeFromUpper();
    c.scale(1.0 / Math.max(1, n - 1));
    return c;
  }
}
