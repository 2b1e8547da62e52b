package io.sparkae.linear.dictionary;

import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;

/**
 * Sparse codes of a block of rows against a fixed dictionary Phi (d x m, unit-norm columns phi_j, m may exceed
 * d). Every solver starts from the correlations {@code C = Phi^T X} (one dgemm per block, X is d x n with one data
 * row per column) and the Gram matrix {@code G = Phi^T Phi} (m x m, computed once), so the per-row work is
 * O(m^2) whatever d is.
 *
 * <ul>
 *   <li>{@link Solver#LASSO}: {@code z = argmin ||x - Phi z||_2^2 + lambda ||z||_1} with
 *       {@code ||v||_2^2 = sum_i v_i^2} and {@code ||z||_1 = sum_j |z_j|}; note the squared error is not halved, so
 *       the optimality (KKT) conditions read {@code |phi_j^T (x - Phi z)| <= lambda / 2} where {@code z_j = 0} and
 *       {@code phi_j^T (x - Phi z) = (lambda / 2) sign(z_j)} elsewhere. Cyclic coordinate descent on the Gram
 *       matrix (Friedman, Hastie, Tibshirani 2007) from z = 0, keeping {@code q = Phi^T (x - Phi z) = c - G z}
 *       up to date. With {@code nonnegative}, the same with z >= 0 (threshold {@code max(0, u - lambda/2)}).</li>
 *   <li>{@link Solver#OMP}: orthogonal matching pursuit with exactly {@code nonzeros} atoms, Batch-OMP with
 *       progressive Cholesky factors of G restricted to the support (Rubinstein, Zibulevsky, Elad 2008).</li>
 *   <li>{@link Solver#TOPK}: the {@code nonzeros} largest {@code |phi_j^T x|} kept, the rest set to 0 (with
 *       {@code nonnegative}, the largest positive ones).</li>
 * </ul>
 * Arrays and linalg only: no Spark. Immutable and thread-safe (buffers are allocated per call to {@link #encode}).
 */
public final class SparseCoder implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The code solvers. */
  public enum Solver {
    LASSO, OMP, TOPK;

    /** Parses "lasso", "omp" or "topk". */
    public static Solver parse(String s) {
      return Solver.valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private final DenseMatrix phi;
  private final DenseMatrix gram;
  private final Solver solver;
  private final double lambda;
  private final int nonzeros;
  private final boolean nonnegative;
  private final int maxSweeps;
  private final double cdTol;

  /**
   * @param phi the dictionary, d x m (copied)
   * @param solver the code solver
   * @param lambda the l1 weight of the lasso (>= 0; ignored by OMP and top-k)
   * @param nonzeros the number of nonzeros of OMP and top-k codes (1..m; ignored by the lasso)
   * @param nonnegative constrain lasso and top-k codes to z >= 0
   * @param maxSweeps most coordinate-descent sweeps per row (lasso)
   * @param cdTol the lasso stops when a sweep changes no coefficient by more than cdTol (absolute)
   */
  public SparseCoder(DenseMatrix phi, Solver solver, double lambda, int nonzeros, boolean nonnegative, int maxSweeps,
      double cdTol) {
    int m = phi.cols;
    if (m < 1) {
      throw new IllegalArgumentException("the dictionary needs at least one atom, found " + phi.shape());
    }
    if (!(lambda >= 0)) {
      throw new IllegalArgumentException("lambda must be >= 0, found " + lambda);
    }
    if (solver != Solver.LASSO && (nonzeros < 1 || nonzeros > m)) {
      throw new IllegalArgumentException("nonzeros must be in [1, m = " + m + "], found " + nonzeros);
    }
    if (solver == Solver.OMP && nonzeros > phi.rows) {
      throw new IllegalArgumentException("OMP needs nonzeros <= d = " + phi.rows + " (linearly independent atoms)"
          + ", found " + nonzeros);
    }
    this.phi = phi.copy();
    this.gram = DenseMatrix.multiply(phi, true, phi, false);
    this.solver = solver;
    this.lambda = lambda;
    this.nonzeros = nonzeros;
    this.nonnegative = nonnegative;
    this.maxSweeps = maxSweeps;
    this.cdTol = cdTol;
  }

  /** Default lasso precision: at most 1000 sweeps, stop when no coefficient moves by more than 1e-10. */
  public SparseCoder(DenseMatrix phi, Solver solver, double lambda, int nonzeros, boolean nonnegative) {
    this(phi, solver, lambda, nonzeros, nonnegative, 1000, 1e-10);
  }

  public int inputSize() {
    return phi.rows;
  }

  public int atoms() {
    return phi.cols;
  }

  /** The dictionary, a copy. */
  public DenseMatrix dictionary() {
    return phi.copy();
  }

  /** Read-only view for callers in this package that promise not to write. */
  DenseMatrix phiView() {
    return phi;
  }

  public Solver solver() {
    return solver;
  }

  public double lambda() {
    return lambda;
  }

  public int nonzeros() {
    return nonzeros;
  }

  public boolean nonnegative() {
    return nonnegative;
  }

  /** {@code Z[:, 0..n) := codes of X[:, 0..n)}; Z is m x (>= n). */
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    int m = phi.cols;
    if (x.rows != phi.rows || z.rows != m || x.cols < n || z.cols < n) {
      throw new IllegalArgumentException("encode: X is " + x.shape() + ", Z is " + z.shape() + " for " + n
          + " rows and a dictionary of " + phi.shape());
    }
    if (n == 0) {
      return;
    }
    DenseMatrix c = new DenseMatrix(m, n);
    DenseMatrix xs = x.cols == n ? x : new DenseMatrix(x.rows, n, x.values);
    DenseMatrix.gemm(1.0, phi, true, xs, false, 0.0, c);
    Arrays.fill(z.values, 0, m * n, 0.0);
    switch (solver) {
      case LASSO -> {
        double[] q = new double[m];
        for (int j = 0; j < n; j++) {
          lasso(c.values, j * m, z.values, j * m, q);
        }
      }
      case OMP -> {
        Omp omp = new Omp(gram, nonzeros);
        for (int j = 0; j < n; j++) {
          omp.solve(c.values, j * m, z.values, j * m);
        }
      }
      case TOPK -> {
        int[] order = new int[m];
        double[] key = new double[m];
        for (int j = 0; j < n; j++) {
          topK(c.values, j * m, z.values, j * m, order, key);
        }
      }
      default -> throw new IllegalStateException(solver.toString());
    }
  }

  /** Lasso coordinate descent for one row: c = Phi^T x at cOff, result into z at zOff (zeroed), q a buffer. */
  private void lasso(double[] c, int cOff, double[] z, int zOff, double[] q) {
    int m = phi.cols;
    double half = lambda / 2;
    double[] g = gram.values;
    System.arraycopy(c, cOff, q, 0, m);
    for (int sweep = 0; sweep < maxSweeps; sweep++) {
      double maxChange = 0;
      for (int j = 0; j < m; j++) {
        double gjj = g[j + j * m];
        if (gjj <= 0) {
          continue;
        }
        double old = z[zOff + j];
        // Minimiser in z_j of gjj z_j^2 - 2 u z_j + lambda |z_j| with u = q_j + gjj z_j (q excludes nothing yet).
        double u = q[j] + gjj * old;
        double v = u > half ? (u - half) / gjj : (!nonnegative && u < -half) ? (u + half) / gjj : 0.0;
        double delta = v - old;
        if (delta != 0) {
          z[zOff + j] = v;
          int off = j * m;
          for (int i = 0; i < m; i++) {
            q[i] -= delta * g[off + i];
          }
          maxChange = Math.max(maxChange, Math.abs(delta));
        }
      }
      if (maxChange <= cdTol) {
        return;
      }
    }
  }

  /** Keeps the {@code nonzeros} correlations of largest magnitude (largest value when nonnegative). */
  private void topK(double[] c, int cOff, double[] z, int zOff, int[] order, double[] key) {
    int m = phi.cols;
    for (int j = 0; j < m; j++) {
      double v = c[cOff + j];
      key[j] = nonnegative ? v : Math.abs(v);
    }
    // Partial selection: nonzeros passes of an arg-max (nonzeros is small); a taken key becomes -infinity.
    for (int t = 0; t < nonzeros; t++) {
      int best = 0;
      for (int j = 1; j < m; j++) {
        if (key[j] > key[best]) {
          best = j;
        }
      }
      key[best] = Double.NEGATIVE_INFINITY;
      order[t] = best;
      double v = c[cOff + best];
      z[zOff + best] = nonnegative ? Math.max(0, v) : v;
    }
  }

  /** ||z||_1 of the first n columns of Z, one entry per column. */
  public static void l1Norms(DenseMatrix z, int n, double[] out) {
    int m = z.rows;
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int i = 0; i < m; i++) {
        s += Math.abs(z.values[j * m + i]);
      }
      out[j] = s;
    }
  }
}
