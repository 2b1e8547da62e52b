package io.sparkae.linalg;

import org.netlib.util.intW;

/**
 * Thin QR (LAPACK {@code dgeqrf} + {@code dorgqr}): an orthonormal basis of the column space of a tall matrix.
 * Through netlib's Java LAPACK ({@link Blas#reproducibleLapack()}), so that the same input gives the same bits.
 */
public final class Orthonormalize {
  private Orthonormalize() {}

  /** Returns Q (m x n, orthonormal columns) with range(Q) = range(A) for a full-rank m x n matrix A, m >= n. */
  public static DenseMatrix q(DenseMatrix a) {
    int m = a.rows;
    int n = a.cols;
    if (m < n) {
      throw new IllegalArgumentException("thin QR needs at least as many rows as columns, found " + a.shape());
    }
    DenseMatrix q = a.copy();
    double[] tau = new double[Math.max(1, n)];
    intW info = new intW(0);
    double[] wq = new double[1];
    Blas.reproducibleLapack().dgeqrf(m, n, q.values, m, tau, wq, -1, info);
    double[] work = new double[Math.max(1, (int) wq[0])];
    Blas.reproducibleLapack().dgeqrf(m, n, q.values, m, tau, work, work.length, info);
    check("dgeqrf", info, a);
    Blas.reproducibleLapack().dorgqr(m, n, n, q.values, m, tau, wq, -1, info);
    work = new double[Math.max(work.length, (int) wq[0])];
    Blas.reproducibleLapack().dorgqr(m, n, n, q.values, m, tau, work, work.length, info);
    check("dorgqr", info, a);
    return q;
  }

  private static void check(String what, intW info, DenseMatrix a) {
    if (info.val != 0) {
      throw new ArithmeticException("LAPACK " + what + " failed with info=" + info.val + " on a " + a.shape()
          + " matrix");
    }
  }
}
