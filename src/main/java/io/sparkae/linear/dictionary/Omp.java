package io.sparkae.linear.dictionary;

import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;

/**
 * Batch orthogonal matching pursuit (Rubinstein, Zibulevsky, Elad 2008): for one row with correlations
 * {@code c = Phi^T x} and the Gram matrix {@code G = Phi^T Phi} (m x m), greedily picks {@code k} atoms, each time
 * the one with the largest {@code |phi_j^T r|} for the current residual r, and refits the least-squares
 * coefficients on the support through a Cholesky factor L of {@code G[I, I]} grown one row per step. The
 * residual correlations are {@code c - G[:, I] gamma}, so x itself is never touched. An atom whose Cholesky
 * pivot vanishes (linearly dependent on the support) is skipped. Holds buffers: one instance per thread.
 */
final class Omp {
  private final DenseMatrix gram;
  private final int k;
  private final int m;
  private final int[] support;
  private final double[] chol;
  private final double[] alpha;
  private final double[] gamma;
  private final double[] work;
  private final boolean[] excluded;

  Omp(DenseMatrix gram, int k) {
    this.gram = gram;
    this.k = k;
    this.m = gram.rows;
    this.support = new int[k];
    this.chol = new double[k * k];
    this.alpha = new double[m];
    this.gamma = new double[k];
    this.work = new double[k];
    this.excluded = new boolean[m];
  }

  /** Writes the code into z[zOff, zOff + m) (assumed zero on entry). */
  void solve(double[] c, int cOff, double[] z, int zOff) {
    double[] g = gram.values;
    System.arraycopy(c, cOff, alpha, 0, m);
    Arrays.fill(excluded, false);
    int size = 0;
    while (size < k) {
      int j = -1;
      double best = -1;
      for (int i = 0; i < m; i++) {
        double a = Math.abs(alpha[i]);
        if (!excluded[i] && a > best) {
          best = a;
          j = i;
        }
      }
      if (j < 0) {
        break;
      }
      excluded[j] = true;
      // New Cholesky row: L w = G[I, j], pivot = sqrt(G_jj - w^T w).
      double ww = 0;
      for (int r = 0; r < size; r++) {
        double s = g[support[r] + j * m];
        for (int q = 0; q < r; q++) {
          s -= chol[r + q * k] * work[q];
        }
        work[r] = s / chol[r + r * k];
        ww += work[r] * work[r];
      }
      double pivot = g[j + j * m] - ww;
      if (pivot <= 1e-10 * Math.max(1e-300, g[j + j * m])) {
        continue;
      }
      for (int r = 0; r < size; r++) {
        chol[size + r * k] = work[r];
      }
      chol[size + size * k] = Math.sqrt(pivot);
      support[size++] = j;
      // gamma = (L L^T)^{-1} c_I: forward then back substitution.
      for (int r = 0; r < size; r++) {
        double s = c[cOff + support[r]];
        for (int q = 0; q < r; q++) {
          s -= chol[r + q * k] * gamma[q];
        }
        gamma[r] = s / chol[r + r * k];
      }
      for (int r = size - 1; r >= 0; r--) {
        double s = gamma[r];
        for (int q = r + 1; q < size; q++) {
          s -= chol[q + r * k] * gamma[q];
        }
        gamma[r] = s / chol[r + r * k];
      }
      // alpha = c - G[:, I] gamma
      System.arraycopy(c, cOff, alpha, 0, m);
      for (int r = 0; r < size; r++) {
        int off = support[r] * m;
        double gr = gamma[r];
        for (int i = 0; i < m; i++) {
          alpha[i] -= g[off + i] * gr;
        }
      }
    }
    for (int r = 0; r < size; r++) {
      z[zOff + support[r]] = gamma[r];
    }
  }
}
