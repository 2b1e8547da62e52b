package io.sparkae.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * The top eigenpairs of a symmetric matrix by LAPACK {@code dsyevr} (relatively robust representations), with
 * eigenvalues in descending order and each eigenvector's sign fixed so that its largest-magnitude entry is
 * positive: a deterministic convention that makes fits comparable across runs and machines.
 */
public final class SymmetricEigen {
  /** Eigenvalues, descending. */
  public final double[] values;
  /** Eigenvectors as columns (n x k), matching {@link #values}. */
  public final DenseMatrix vectors;

  /** Largest n decomposed by the Java LAPACK, bit-reproducible; see {@link #top}. */
  static final int REPRODUCIBLE_SIZE = 1024;

  private SymmetricEigen(double[] values, DenseMatrix vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /** Eigenpairs given explicitly (for example Ritz pairs lifted back to the full space). */
  public static SymmetricEigen of(double[] values, DenseMatrix vectors) {
    if (vectors.cols != values.length) {
      throw new IllegalArgumentException(values.length + " eigenvalues for " + vectors.shape() + " eigenvectors");
    }
    return new SymmetricEigen(values.clone(), vectors);
  }

  /**
   * The {@code k} largest eigenpairs of the symmetric n x n matrix {@code a}; only its upper triangle is read,
   * and {@code a} is left unchanged.
   */
  public static SymmetricEigen top(DenseMatrix a, int k) {
    int n = a.rows;
    if (a.cols != n) {
      throw new IllegalArgumentException("eigen-decomposition needs a square matrix, found " + a.shape());
    }
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("asked for " + k + " eigenpairs of a " + a.shape() + " matrix");
    }
    // Small matrices (Ritz steps, ICA's whitening, the exact solver at moderate d) through the Java LAPACK,
    // whose results do not depend on where the arrays sit in the heap (see Blas.reproducibleLapack); larger ones
    // through the fastest LAPACK there is.
    LAPACK lapack = n <= REPRODUCIBLE_SIZE ? Blas.reproducibleLapack() : Blas.lapack();
    double[] work = a.values.clone();
    intW m = new intW(0);
    intW info = new intW(0);
    double[] w = new double[n];
    double[] z = new double[n * k];
    int[] isuppz = new int[2 * Math.max(1, n)];
    // Workspace query, then the real call. Range "I" with indices [n-k+1, n] selects the k largest.
    double[] wq = new double[1];
    int[] iwq = new int[1];
    lapack.dsyevr("V", "I", "U", n, work, n, 0, 0, n - k + 1, n, 0.0, m, w, z, n, isuppz, wq, -1, iwq, -1,
        info);
    double[] lwork = new double[(int) wq[0]];
    int[] liwork = new int[iwq[0]];
    lapack.dsyevr("V", "I", "U", n, work, n, 0, 0, n - k + 1, n, 0.0, m, w, z, n, isuppz, lwork,
        lwork.length, liwork, liwork.length, info);
    if (info.val != 0) {
      throw new ArithmeticException("LAPACK dsyevr failed with info=" + info.val + " on a " + a.shape() + " matrix");
    }
    // dsyevr returns ascending order; reverse.
    double[] values = new double[k];
    DenseMatrix vectors = new DenseMatrix(n, k);
    for (int j = 0; j < k; j++) {
      int src = k - 1 - j;
      values[j] = w[src];
      System.arraycopy(z, src * n, vectors.values, j * n, n);
    }
    fixSigns(vectors);
    return new SymmetricEigen(values, vectors);
  }

  /** Flips each column so that its largest-magnitude entry (first one on ties) is positive. */
  public static void fixSigns(DenseMatrix v) {
    int n = v.rows;
    for (int j = 0; j < v.cols; j++) {
      int off = j * n;
      int best = 0;
      double bestAbs = -1;
      for (int i = 0; i < n; i++) {
        double a = Math.abs(v.values[off + i]);
        if (a > bestAbs + 1e-12 * Math.max(1.0, bestAbs)) {
          bestAbs = a;
          best = i;
        }
      }
      if (v.values[off + best] < 0) {
        for (int i = 0; i < n; i++) {
          v.values[off + i] = -v.values[off + i];
        }
      }
    }
  }
}
