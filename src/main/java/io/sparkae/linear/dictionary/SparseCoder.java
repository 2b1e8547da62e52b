package io.sparkae.linear.dictionary;

import dev.ludovic.netlib.blas.BLAS;
import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

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
 * Arrays and linalg only: no Spark. Immutable and thread-safe (buffers are allocated per call to {@link #encode}
 * and {@link #codeBlock}, never per row).
 */
public final class SparseCoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The code solvers. */
  public enum Solver {
    LASSO, OMP, TOPK;

    /** Parses "lasso", "omp" or "topk". */
    public static Solver parse(String s) {
      return Solver.valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  private final DenseMatrix phi;
  private final DenseMatrix gram;
  /** G_jj = ||phi_j||^2 and ||phi_j||, read once per coordinate update and screening test. */
  private final double[] diag;
  private final double[] norms;
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
    this.diag = new double[m];
    this.norms = new double[m];
    for (int j = 0; j < m; j++) {
      diag[j] = gram.values[j + j * m];
      norms[j] = Math.sqrt(Math.max(0, diag[j]));
    }
    this.solver = solver;
    this.lambda = lambda;
    this.nonzeros = nonzeros;
    this.nonnegative = nonnegative;
    this.maxSweeps = maxSweeps;
    this.cdTol = cdTol;
  }

  /** Default lasso precision: at most 1000 sweeps, stop when no coefficient moves by more than 1e-10. */
  public SparseCoder(DenseMatrix phi, Solver solver, double lambda, int nonzeros, boolean nonnegative) {
    this(phi, solver, lambda, nonzeros, nonnegative, EXACT_SWEEPS, EXACT_TOL);
  }

  /** Most full passes of a lasso solve from zero. */
  public static final int EXACT_SWEEPS = 1000;
  /** A lasso solve stops when a pass moves no coefficient by more than this (absolute). */
  public static final double EXACT_TOL = 1e-10;

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

  /** Most coordinate-descent passes of {@link #encode} (lasso). */
  public int maxSweeps() {
    return maxSweeps;
  }

  /** The lasso stops when a pass moves no coefficient by more than this. */
  public double cdTol() {
    return cdTol;
  }

  /** {@code Z[:, 0..n) := codes of X[:, 0..n)}; Z is m x (>= n). The lasso is solved from zero to convergence. */
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
    correlations(x, n, c);
    if (solver == Solver.LASSO) {
      double[] xx = new double[n];
      squaredNorms(x, n, xx);
      codeBlock(c, n, z, new DenseMatrix(m, n), xx, false, maxSweeps, cdTol);
    } else {
      codeBlock(c, n, z, null, null, false, 0, 0);
    }
  }

  /** {@code C[:, 0..n) := Phi^T X[:, 0..n)} (C is m x (>= n)); a scratch of m n doubles is allocated if needed. */
  void correlations(DenseMatrix x, int n, DenseMatrix c) {
    correlations(x, n, c, 4 * phi.cols > phi.rows ? new double[0] : new double[phi.cols * n]);
  }

  /**
   * {@code C[:, 0..n) := Phi^T X[:, 0..n)}, one dgemm. With few atoms ({@code 4 m <= d}) it is computed as
   * {@code C^T = X^T Phi} into {@code scratch} (n x m, at least m n doubles) and then transposed into C in 16 x 16
   * tiles (m n copies against the dgemm's 2 d m n flops): with m rows, {@code Phi^T X} is too flat for the gemm
   * kernel. Measured on this project's 2-core machine, single-threaded, 784 x 1337 blocks, m = 20: OpenBLAS 24 to
   * 25 GFLOP/s against 17 for {@code Phi^T X} directly, netlib's Java BLAS 13.8 against 10.6. At d = m = 144
   * (sparse coding) the gain is 15% of the gemm, which the transpose costs back, so square shapes stay direct.
   */
  void correlations(DenseMatrix x, int n, DenseMatrix c, double[] scratch) {
    int m = phi.cols;
    int d = phi.rows;
    if (x.rows != d || x.cols < n || c.rows != m || c.cols < n) {
      throw new IllegalArgumentException("correlations: X is " + x.shape() + ", C is " + c.shape() + " for " + n
          + " rows and a dictionary of " + phi.shape());
    }
    if (n == 0) {
      return;
    }
    if (4 * m > d) {
      DenseMatrix xs = x.cols == n ? x : new DenseMatrix(x.rows, n, x.values);
      DenseMatrix cs = c.cols == n ? c : new DenseMatrix(c.rows, n, c.values);
      DenseMatrix.gemm(1.0, phi, true, xs, false, 0.0, cs);
      return;
    }
    if (scratch.length < m * n) {
      throw new IllegalArgumentException("correlations: a scratch of " + scratch.length + " doubles for " + m * n);
    }
    Blas.blas().dgemm("T", "N", n, m, d, 1.0, x.values, 0, d, phi.values, 0, d, 0.0, scratch, 0, n);
    double[] cv = c.values;
    for (int j0 = 0; j0 < n; j0 += TRANSPOSE_TILE) {
      int j1 = Math.min(n, j0 + TRANSPOSE_TILE);
      for (int i0 = 0; i0 < m; i0 += TRANSPOSE_TILE) {
        int i1 = Math.min(m, i0 + TRANSPOSE_TILE);
        for (int j = j0; j < j1; j++) {
          for (int i = i0, o = j * m; i < i1; i++) {
            cv[o + i] = scratch[i * n + j];
          }
        }
      }
    }
  }

  /** Side of the square tiles of the transpose in {@link #correlations}. */
  private static final int TRANSPOSE_TILE = 16;

  /** {@code out[j] = ||x_j||_2^2} for the first n columns of X. */
  static void squaredNorms(DenseMatrix x, int n, double[] out) {
    int d = x.rows;
    double[] v = x.values;
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int i = j * d, e = i + d; i < e; i++) {
        s += v[i] * v[i];
      }
      out[j] = s;
    }
  }

  /**
   * The codes of a block from its correlations {@code C = Phi^T X} (m x n): all arithmetic on the block's arrays,
   * no allocation per row. For the lasso (and NMF, the lasso with lambda = 0 and z >= 0) it runs cyclic
   * coordinate descent on {@code G = Phi^T Phi}, keeping {@code Q = C - G Z} (m x n) up to date:
   * <ul>
   *   <li>{@code warm}: Z holds the start (the previous round's codes) and Q is set to {@code C - G Z} by one
   *       dgemm; exactly {@code sweeps} passes over the coordinates follow (fewer when a pass moves no
   *       coefficient by more than {@code tol}). Each pass is exact minimisation in one coordinate at a time, so
   *       the objective of every row never increases from its start.</li>
   *   <li>cold ({@code warm = false}): Z := 0, Q := C, then passes until no coefficient moves by more than
   *       {@code tol} (at most {@code sweeps} full passes), with an active set: after each full pass, passes over
   *       the nonzero coefficients only until they settle (Friedman, Hastie, Tibshirani 2010, section 2.6).</li>
   * </ul>
   * With lambda > 0 each row first drops from its passes the atoms the gap-safe sphere test (Fercoq, Gramfort,
   * Salmon 2015) proves to be zero at the optimum, among those that are zero now (so dropping them never raises
   * the objective); cold solves repeat the test every {@link #SCREEN_EVERY} full passes. The rows are independent,
   * so the loop runs row by row with the row's code and Q in L1 (each coordinate update touches one column of G
   * and one column of Q). OMP and top-k ignore {@code warm}, sweeps and tol; Q is then {@code C - G Z} by one
   * dgemm (when Q is not null). {@code xx} holds {@code ||x_j||^2} (used by the screening test only).
   *
   * @return the number of coordinate updates that moved a coefficient (each costs 2m flops), 0 for OMP and top-k
   */
  long codeBlock(DenseMatrix c, int n, DenseMatrix z, DenseMatrix q, double[] xx, boolean warm, int sweeps,
      double tol) {
    return codeBlock(c, n, z, q, xx, warm, sweeps, tol, !warm);
  }

  /**
   * As {@link #codeBlock(DenseMatrix, int, DenseMatrix, DenseMatrix, double[], boolean, int, double)}; with
   * {@code converge = false} a start from zero makes only {@code sweeps} plain passes (no active set: the first
   * round of warm codes, a few sweeps from zero that later rounds continue).
   */
  long codeBlock(DenseMatrix c, int n, DenseMatrix z, DenseMatrix q, double[] xx, boolean warm, int sweeps,
      double tol, boolean converge) {
    int m = phi.cols;
    if (n == 0) {
      return 0;
    }
    if (solver != Solver.LASSO) {
      Arrays.fill(z.values, 0, m * n, 0.0);
      if (solver == Solver.OMP) {
        Omp omp = new Omp(gram, nonzeros);
        for (int j = 0; j < n; j++) {
          omp.solve(c.values, j * m, z.values, j * m);
        }
      } else {
        int[] order = new int[m];
        double[] key = new double[m];
        for (int j = 0; j < n; j++) {
          topK(c.values, j * m, z.values, j * m, order, key);
        }
      }
      if (q != null) {
        residualCorrelations(c, n, z, q);
      }
      return 0;
    }
    if (warm) {
      residualCorrelations(c, n, z, q);
    } else {
      Arrays.fill(z.values, 0, m * n, 0.0);
      System.arraycopy(c.values, 0, q.values, 0, m * n);
    }
    if (lambda == 0 && (warm || !converge)) {
      return tiledPasses(z.values, q.values, n, sweeps, tol);
    }
    boolean[] screened = new boolean[m];
    long[] updates = new long[1];
    for (int j = 0; j < n; j++) {
      if (warm || !converge) {
        warmRow(c.values, z.values, q.values, j * m, xx[j], sweeps, tol, screened, updates);
      } else {
        coldRow(c.values, z.values, q.values, j * m, xx[j], sweeps, tol, screened, updates);
      }
    }
    return updates[0];
  }

  /** Cold solves repeat the gap-safe test after this many full passes. */
  static final int SCREEN_EVERY = 10;

  /** {@code Q := C - G Z} over the first n columns, one dgemm. */
  void residualCorrelations(DenseMatrix c, int n, DenseMatrix z, DenseMatrix q) {
    int m = phi.cols;
    System.arraycopy(c.values, 0, q.values, 0, m * n);
    DenseMatrix.gemm(-1.0, gram, false, new DenseMatrix(m, n, z.values), false, 1.0, new DenseMatrix(m, n, q.values));
  }

  private void warmRow(double[] c, double[] z, double[] q, int off, double xx, int sweeps, double tol,
      boolean[] screened, long[] updates) {
    screen(c, z, q, off, xx, screened);
    for (int s = 0; s < sweeps; s++) {
      if (pass(z, q, off, screened, false, updates) <= tol) {
        break;
      }
    }
  }

  private void coldRow(double[] c, double[] z, double[] q, int off, double xx, int sweeps, double tol,
      boolean[] screened, long[] updates) {
    for (int s = 0; s < sweeps; s++) {
      if (s % SCREEN_EVERY == 0) {
        screen(c, z, q, off, xx, screened);
      }
      if (pass(z, q, off, screened, false, updates) <= tol) {
        break;
      }
      // Active set: the nonzero coefficients until they settle, then a full pass checks the others.
      for (int inner = 0; inner < ACTIVE_PASSES; inner++) {
        if (pass(z, q, off, screened, true, updates) <= tol) {
          break;
        }
      }
    }
  }

  /** Rows per tile of {@link #tiledPasses}: a tile's Z and Q (2 m TILE doubles) stay in L1/L2 for m up to ~100. */
  static final int TILE = 64;

  /**
   * {@code sweeps} plain passes over the codes of n rows without screening (lambda = 0: NMF and least squares),
   * vectorised over rows instead of a loop per row: the rows are taken {@link #TILE} at a time, their codes and
   * residual correlations transposed into tiles (one row of the tile per coordinate), and in each pass coordinate
   * i moves in every row of the tile at once, {@code z_i := max(0, z_i + q_i / G_ii)} (or without the max), then
   * {@code Q -= G[:, i] delta^T} as m daxpy of length TILE through {@link Blas#vectorBlas()}. For m = 20 (NMF's
   * rank 20) that replaces TILE daxpy of length 20 by 20 of length 64. Each row sees the same arithmetic as in
   * {@link #pass} (same coordinate order, same products, so still exact minimisation in one coordinate at a time
   * and the objective of every row never increases); only the stop differs: a tile stops when a pass moves no
   * coefficient of any of its rows by more than {@code tol}, so a row that has settled may get a few more passes.
   *
   * @return the number of coordinate updates that moved a coefficient
   */
  private long tiledPasses(double[] z, double[] q, int n, int sweeps, double tol) {
    int m = phi.cols;
    double[] g = gram.values;
    BLAS axpy = Blas.vectorBlas();
    double[] zt = new double[m * TILE];
    double[] qt = new double[m * TILE];
    double[] delta = new double[TILE];
    long updates = 0;
    for (int j0 = 0; j0 < n; j0 += TILE) {
      int w = Math.min(TILE, n - j0);
      for (int jj = 0; jj < w; jj++) {
        for (int i = 0, o = (j0 + jj) * m; i < m; i++) {
          zt[i * TILE + jj] = z[o + i];
          qt[i * TILE + jj] = q[o + i];
        }
      }
      for (int s = 0; s < sweeps; s++) {
        double maxChange = 0;
        for (int i = 0; i < m; i++) {
          double gii = diag[i];
          if (gii <= 0) {
            continue;
          }
          int base = i * TILE;
          boolean moved = false;
          for (int jj = 0; jj < w; jj++) {
            double old = zt[base + jj];
            double u = qt[base + jj] + gii * old;
            double v = u > 0 ? u / gii : !nonnegative && u < 0 ? u / gii : 0.0;
            double dv = v - old;
            delta[jj] = dv;
            if (dv != 0) {
              zt[base + jj] = v;
              updates++;
              moved = true;
              maxChange = Math.max(maxChange, Math.abs(dv));
            }
          }
          if (moved) {
            for (int k = 0; k < m; k++) {
              axpy.daxpy(w, -g[i * m + k], delta, 0, 1, qt, k * TILE, 1);
            }
          }
        }
        if (maxChange <= tol) {
          break;
        }
      }
      for (int jj = 0; jj < w; jj++) {
        for (int i = 0, o = (j0 + jj) * m; i < m; i++) {
          z[o + i] = zt[i * TILE + jj];
          q[o + i] = qt[i * TILE + jj];
        }
      }
    }
    return updates;
  }

  /** Most passes over the nonzero coefficients between two full passes of a cold solve. */
  static final int ACTIVE_PASSES = 100;

  /**
   * One pass of coordinate descent over the row's unscreened coordinates (only the nonzero ones with
   * {@code supportOnly}); returns the largest coefficient change.
   */
  private double pass(double[] z, double[] q, int off, boolean[] screened, boolean supportOnly, long[] count) {
    int m = phi.cols;
    double half = lambda / 2;
    double[] g = gram.values;
    BLAS axpy = Blas.vectorBlas();
    double maxChange = 0;
    long updates = 0;
    for (int i = 0; i < m; i++) {
      double old = z[off + i];
      if (screened[i] || (supportOnly && old == 0)) {
        continue;
      }
      double gii = diag[i];
      if (gii <= 0) {
        continue;
      }
      // Minimiser in z_i of gii z_i^2 - 2 u z_i + lambda |z_i| with u = q_i + gii z_i.
      double u = q[off + i] + gii * old;
      double v = u > half ? (u - half) / gii : (!nonnegative && u < -half) ? (u + half) / gii : 0.0;
      double delta = v - old;
      if (delta != 0) {
        z[off + i] = v;
        // q -= delta G[:, i]: the pass's only O(m) work, vectorized (see Blas#vectorBlas).
        axpy.daxpy(m, -delta, g, i * m, 1, q, off, 1);
        updates++;
        maxChange = Math.max(maxChange, Math.abs(delta));
      }
    }
    count[0] += updates;
    return maxChange;
  }

  /**
   * Gap-safe screening of one row (Fercoq, Gramfort, Salmon 2015, "Mind the duality gap: safer rules for the
   * lasso"). In their scaling the problem is {@code 1/2 ||x - Phi z||^2 + mu ||z||_1} with {@code mu = lambda / 2}.
   * With {@code r = x - Phi z}, {@code q = Phi^T r = c - G z} (kept), {@code ||r||^2 = ||x||^2 - z^T c - z^T q}
   * and {@code r^T x = ||x||^2 - z^T c}, the dual point {@code theta = r / s}, {@code s = max(mu, ||q||_inf)}
   * (the largest q_i when z >= 0), has the dual value {@code D = (mu/s) r^T x - (1/2)(mu/s)^2 ||r||^2}; with the
   * gap {@code P - D} every dual optimum lies within {@code rho = sqrt(2 gap) / mu} of theta, so an atom with
   * {@code |q_i| / s + rho ||phi_i|| < 1} is zero in every solution. Only atoms that are zero now are screened
   * out (a margin of 1e-9 absorbs rounding). O(m) per row, no allocation.
   */
  private void screen(double[] c, double[] z, double[] q, int off, double xx, boolean[] screened) {
    int m = phi.cols;
    double mu = lambda / 2;
    if (!(mu > 0)) {
      Arrays.fill(screened, false);
      return;
    }
    // Vectorized reductions (see Blas#vectorBlas): this test runs once per row and round, beside the row's passes.
    BLAS vb = Blas.vectorBlas();
    double zc = vb.ddot(m, z, off, 1, c, off, 1);
    double zq = vb.ddot(m, z, off, 1, q, off, 1);
    double l1 = vb.dasum(m, z, off, 1);
    double qmax = 0;
    for (int i = 0; i < m; i++) {
      double qi = q[off + i];
      qmax = Math.max(qmax, nonnegative ? qi : Math.abs(qi));
    }
    double rr = Math.max(0, xx - zc - zq);
    double rx = xx - zc;
    double s = Math.max(mu, qmax);
    double t = mu / s;
    double primal = 0.5 * rr + mu * l1;
    double dual = t * rx - 0.5 * t * t * rr;
    double gap = Math.max(0, primal - dual);
    double rho = Math.sqrt(2 * gap) / mu;
    // Branch-free: every entry is written (the test is random per atom, so branches on it mispredict).
    for (int i = 0; i < m; i++) {
      double qi = q[off + i];
      double corr = (nonnegative ? qi : Math.abs(qi)) / s;
      screened[i] = z[off + i] == 0 & corr + rho * norms[i] < 1 - 1e-9;
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
