package io.sparkae.linalg;

import org.netlib.util.intW;

/**
 * An orthonormal basis of the column space of a tall matrix, by shifted CholeskyQR3 (Fukaya, Kannan, Nakatsukasa,
 * Yamamoto and Yanagisawa 2020): R from the Cholesky factor of the Gram matrix A^T A (plus a small shift in the
 * first pass), Q = A R^-1, three times. The work is two gemm calls per pass (native BLAS where there is one), the
 * n x n factorisations are in Java, and the result does not depend on where the arrays sit in the heap (gemm packs
 * its operands). Orthogonal to working precision for condition numbers up to about 1 / u. Where a Cholesky factor
 * still fails (a zero matrix, or NaN), the Householder QR of netlib's Java LAPACK is the fallback.
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
    if (n == 0) {
      return a.copy();
    }
    DenseMatrix q = a;
    for (int pass = 0; pass < 3; pass++) {
      DenseMatrix g = DenseMatrix.multiply(q, true, q, false);
      if (pass == 0) {
        shift(g, m); // ||A||_F^2 >= ||A||_2^2
      }
      DenseMatrix rInverse = upperCholeskyInverse(g);
      if (rInverse == null) {
        return householder(a);
      }
      q = DenseMatrix.multiply(q, false, rInverse, false);
    }
    return q;
  }

  /**
   * Q^T for the Q of {@link #q} of A, given A^T (n x m, n <= m) and computed without transposing: the Gram matrix
   * is A^T (A^T)^T and each pass sets A^T := R^-T A^T.
   */
  public static DenseMatrix qTransposed(DenseMatrix at) {
    int n = at.rows;
    int m = at.cols;
    if (m < n) {
      throw new IllegalArgumentException("thin QR needs at least as many rows as columns, found the transpose "
          + at.shape());
    }
    if (n == 0) {
      return at.copy();
    }
    DenseMatrix qt = at;
    for (int pass = 0; pass < 3; pass++) {
      DenseMatrix g = DenseMatrix.multiply(qt, false, qt, true);
      if (pass == 0) {
        shift(g, m);
      }
      DenseMatrix rInverse = upperCholeskyInverse(g);
      if (rInverse == null) {
        return householder(at.transpose()).transpose();
      }
      qt = DenseMatrix.multiply(rInverse, true, qt, false);
    }
    return qt;
  }

  /** Adds the shift of shifted CholeskyQR, 11 (m n + n (n + 1)) u ||A||_F^2, to the n x n Gram matrix g. */
  private static void shift(DenseMatrix g, int m) {
    int n = g.rows;
    double trace = 0;
    for (int i = 0; i < n; i++) {
      trace += g.get(i, i);
    }
    double shift = 11 * ((double) m * n + (double) n * (n + 1)) * (Math.ulp(1.0) / 2) * trace;
    for (int i = 0; i < n; i++) {
      g.set(i, i, g.get(i, i) + shift);
    }
  }

  /** R^-1 for the upper Cholesky factor R of the symmetric n x n matrix g (g = R^T R); null if g is not PD. */
  static DenseMatrix upperCholeskyInverse(DenseMatrix g) {
    int n = g.rows;
    double[] r = new double[n * n]; // column-major, upper triangle
    for (int j = 0; j < n; j++) {
      for (int i = 0; i <= j; i++) {
        double s = g.get(i, j);
        for (int k = 0; k < i; k++) {
          s -= r[k + i * n] * r[k + j * n];
        }
        if (i < j) {
          r[i + j * n] = s / r[i + i * n];
        } else {
          if (!(s > 0) || !Double.isFinite(s)) {
            return null;
          }
          r[j + j * n] = Math.sqrt(s);
        }
      }
    }
    // Back substitution column by column: R X = I, X upper triangular.
    DenseMatrix x = new DenseMatrix(n, n);
    for (int j = 0; j < n; j++) {
      x.set(j, j, 1.0 / r[j + j * n]);
      for (int i = j - 1; i >= 0; i--) {
        double s = 0;
        for (int k = i + 1; k <= j; k++) {
          s += r[i + k * n] * x.get(k, j);
        }
        x.set(i, j, -s / r[i + i * n]);
      }
    }
    return x;
  }

  /** Householder QR (dgeqrf + dorgqr) through netlib's Java LAPACK, bit-reproducible. */
  static DenseMatrix householder(DenseMatrix a) {
    int m = a.rows;
    int n = a.cols;
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
