package io.sparkae.linear.dictionary.ica;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;

/**
 * The driver's part of symmetric FastICA (Hyvarinen 1999, "Fast and robust fixed-point algorithms for independent
 * component analysis", IEEE TNN 10(3)): the fixed-point update of every row of W from the aggregated sums, then
 * symmetric decorrelation. Arrays and linalg only.
 */
public final class FastIcaStep {
  private FastIcaStep() {}

  /**
   * {@code w_i+ = E[w g(w_i^T w)] - E[g'(w_i^T w)] w_i} for all rows at once, from {@code s} (k x k, column i =
   * sum of w g(y_i)), {@code gp} (sums of g'(y_i)) and the count n; returns the new W (rows w_i+), decorrelated.
   */
  public static DenseMatrix update(DenseMatrix w, double[] s, double[] gp, long n) {
    int k = w.rows;
    DenseMatrix next = new DenseMatrix(k, k);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        // row i of W+ = (column i of S)^T / n - mean g'_i * row i of W
        next.values[i + j * k] = s[j + i * k] / n - gp[i] / n * w.values[i + j * k];
      }
    }
    return symmetricDecorrelation(next);
  }

  /** {@code (W W^T)^(-1/2) W} (rows w_i decorrelated all at once, no order among them): an orthogonal matrix. */
  public static DenseMatrix symmetricDecorrelation(DenseMatrix w) {
    int k = w.rows;
    DenseMatrix m = DenseMatrix.multiply(w, false, w, true);
    SymmetricEigen e = SymmetricEigen.top(m, k);
    DenseMatrix scaled = e.vectors.copy();
    for (int j = 0; j < k; j++) {
      double f = 1 / Math.sqrt(Math.max(e.values[j], 1e-300));
      for (int i = 0; i < k; i++) {
        scaled.values[i + j * k] *= f;
      }
    }
    DenseMatrix inverseRoot = DenseMatrix.multiply(scaled, false, e.vectors, true);
    return DenseMatrix.multiply(inverseRoot, false, w, false);
  }

  /** {@code max_i (1 - |w_i^T v_i|)}: 0 when every row kept its direction (up to sign). */
  public static double change(DenseMatrix w, DenseMatrix v) {
    int k = w.rows;
    double worst = 0;
    for (int i = 0; i < k; i++) {
      double dot = 0;
      for (int j = 0; j < k; j++) {
        dot += w.values[i + j * k] * v.values[i + j * k];
      }
      worst = Math.max(worst, 1 - Math.abs(dot));
    }
    return worst;
  }
}
