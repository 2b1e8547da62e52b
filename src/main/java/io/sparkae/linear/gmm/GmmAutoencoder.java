package io.sparkae.linear.gmm;

import io.sparkae.core.DensityAutoencoder;
import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.util.SplittableRandom;
import org.netlib.util.intW;

/**
 * A mixture of k Gaussians as a probabilistic autoencoder, {@code p(x) = sum_j w_j N(x | mu_j, Sigma_j)}:
 * <pre>
 *   encoder  z_j = r_j(x) = w_j N(x | mu_j, Sigma_j) / p(x)     (the responsibilities: the soft one-hot code)
 *   decoder  x^ = sum_j z_j mu_j                                (the responsibility-weighted mean)
 *   loss     -log p(x) = -log sum_j exp(log w_j + log N(x | mu_j, Sigma_j))   (nats, by log-sum-exp)
 * </pre>
 * with {@code log N(x | mu, Sigma) = -(d log 2 pi + log det Sigma + (x - mu)^T Sigma^-1 (x - mu)) / 2}.
 *
 * <p>Per block X (d x n) the k x n matrix of {@code log w_j + log N(x_i | mu_j, Sigma_j)} is level-3 BLAS:
 * FULL: with {@code Sigma_j = L_j L_j^T} (LAPACK dpotrf and dtrtri, once here), {@code Y = A X} by one gemm for all
 * components over a chunk of columns that stays in cache, A the stacked inverse factors (k d x d), and the
 * Mahalanobis distance {@code ||y_ij - L_j^-1 mu_j||^2}; DIAG: one gemm of {@code [1/s2_j]} against the
 * squares of X and one of {@code [mu_j / s2_j]} against X for all components; SPHERICAL: one gemm of the means
 * against X plus the squared norms. Shapes: means d x k; covariances FULL d x (d k) (component j in columns
 * j d .. j d + d - 1), DIAG d x k, SPHERICAL 1 x k. Immutable and thread-safe.
 */
public final class GmmAutoencoder implements DensityAutoencoder {
  private static final long serialVersionUID = 1L;
  static final double LOG_2PI = Math.log(2 * Math.PI);

  private final CovarianceType type;
  private final double[] weights;
  private final DenseMatrix means;
  private final DenseMatrix covariances;
  /** FULL: the lower Cholesky factors, d x (d k), upper triangles zero. */
  private final DenseMatrix chol;
  /** FULL: the inverse factors stacked, (k d) x d, rows j d .. j d + d - 1 holding L_j^-1. */
  private final DenseMatrix whiten;
  /** FULL: L_j^-1 mu_j (d x k). DIAG: mu_j / s2_j (d x k). SPHERICAL: mu_j / s2_j (d x k). */
  private final DenseMatrix shifted;
  /** DIAG: 1 / s2 (d x k). */
  private final DenseMatrix precisions;
  /** log w_j minus the parts of -log N that do not depend on x (per component). */
  private final double[] constants;
  /** SPHERICAL: 1 / s2_j. */
  private final double[] inverseVariance;

  /**
   * @param type the covariance shape
   * @param weights w (k, positive, summing to 1 up to rounding)
   * @param means mu (d x k)
   * @param covariances FULL d x (d k), DIAG d x k, SPHERICAL 1 x k (see the class comment)
   * @throws IllegalArgumentException naming the component whose covariance is not positive definite
   */
  public GmmAutoencoder(CovarianceType type, double[] weights, DenseMatrix means, DenseMatrix covariances) {
    int d = means.rows;
    int k = means.cols;
    if (weights.length != k) {
      throw new IllegalArgumentException("Gaussian mixture: " + weights.length + " weights for " + k + " means");
    }
    int[] shape = covarianceShape(type, d, k);
    if (covariances.rows != shape[0] || covariances.cols != shape[1]) {
      throw new IllegalArgumentException("Gaussian mixture: " + type + " covariances are " + covariances.shape()
          + ", expected " + shape[0] + "x" + shape[1]);
    }
    this.type = type;
    this.weights = weights.clone();
    this.means = means.copy();
    this.covariances = covariances.copy();
    this.constants = new double[k];
    this.shifted = new DenseMatrix(d, k);
    for (int j = 0; j < k; j++) {
      if (!(weights[j] > 0)) {
        throw new IllegalArgumentException("Gaussian mixture: component " + j + " has weight " + weights[j]
            + " (weights must be positive)");
      }
      constants[j] = Math.log(weights[j]) - 0.5 * d * LOG_2PI;
    }
    DenseMatrix l = null;
    DenseMatrix a = null;
    DenseMatrix p = null;
    double[] inv = null;
    switch (type) {
      case FULL -> {
        l = this.covariances.copy();
        intW info = new intW(0);
        for (int j = 0; j < k; j++) {
          Blas.reproducibleLapack().dpotrf("L", d, l.values, j * d * d, d, info);
          if (info.val != 0) {
            throw new IllegalArgumentException("Gaussian mixture: the covariance of component " + j + " is not "
                + "positive definite (LAPACK dpotrf: leading minor " + info.val + " of " + d + "); raise reg, lower k "
                + "or use covariance=diag");
          }
          double logDet = 0;
          for (int c = 0; c < d; c++) {
            int base = j * d * d + c * d;
            for (int r = 0; r < c; r++) {
              l.values[base + r] = 0;
            }
            logDet += 2 * Math.log(l.values[base + c]);
          }
          System.arraycopy(this.means.values, j * d, shifted.values, j * d, d);
          if (d > 0) {
            Blas.blas().dtrsv("L", "N", "N", d, l.values, j * d * d, d, shifted.values, j * d, 1);
          }
          constants[j] -= 0.5 * logDet;
        }
        a = stackedInverses(l, d, k);
      }
      case DIAG -> {
        p = new DenseMatrix(d, k);
        for (int j = 0; j < k; j++) {
          double logDet = 0;
          double q = 0;
          for (int i = 0; i < d; i++) {
            double s2 = this.covariances.values[j * d + i];
            requirePositive(s2, j, "variance of feature " + i);
            p.values[j * d + i] = 1 / s2;
            double m = this.means.values[j * d + i];
            shifted.values[j * d + i] = m / s2;
            logDet += Math.log(s2);
            q += m * m / s2;
          }
          constants[j] -= 0.5 * (logDet + q);
        }
      }
      case SPHERICAL -> {
        inv = new double[k];
        for (int j = 0; j < k; j++) {
          double s2 = this.covariances.values[j];
          requirePositive(s2, j, "variance");
          inv[j] = 1 / s2;
          double q = 0;
          for (int i = 0; i < d; i++) {
            double m = this.means.values[j * d + i];
            shifted.values[j * d + i] = m / s2;
            q += m * m;
          }
          constants[j] -= 0.5 * (d * Math.log(s2) + q / s2);
        }
      }
      default -> throw new IllegalStateException();
    }
    this.chol = l;
    this.whiten = a;
    this.precisions = p;
    this.inverseVariance = inv;
  }

  /** The (k d) x d matrix whose rows j d .. j d + d - 1 are L_j^-1 (LAPACK dtrtri on a copy of each factor). */
  private static DenseMatrix stackedInverses(DenseMatrix l, int d, int k) {
    DenseMatrix inv = l.copy();
    DenseMatrix a = new DenseMatrix(k * d, d);
    intW info = new intW(0);
    for (int j = 0; j < k; j++) {
      if (d > 0) {
        Blas.reproducibleLapack().dtrtri("L", "N", d, inv.values, j * d * d, d, info);
      }
      for (int c = 0; c < d; c++) {
        System.arraycopy(inv.values, j * d * d + c * d, a.values, c * k * d + j * d, d);
      }
    }
    return a;
  }

  private static void requirePositive(double s2, int j, String what) {
    if (!(s2 > 0) || Double.isInfinite(s2)) {
      throw new IllegalArgumentException("Gaussian mixture: the " + what + " of component " + j + " is " + s2
          + " (it must be positive and finite); raise reg or lower k");
    }
  }

  /** The covariance array's shape for type, d and k. */
  static int[] covarianceShape(CovarianceType type, int d, int k) {
    return switch (type) {
      case FULL -> new int[] {d, d * k};
      case DIAG -> new int[] {d, k};
      case SPHERICAL -> new int[] {1, k};
    };
  }

  public CovarianceType covarianceType() {
    return type;
  }

  public double[] weights() {
    return weights.clone();
  }

  /** The means, d x k (a copy). */
  public DenseMatrix means() {
    return means.copy();
  }

  /** The covariances in the layout of the class comment (a copy). */
  public DenseMatrix covariances() {
    return covariances.copy();
  }

  /** Component j's covariance as a full d x d matrix. */
  public DenseMatrix covariance(int j) {
    int d = inputSize();
    DenseMatrix c = new DenseMatrix(d, d);
    if (type == CovarianceType.FULL) {
      System.arraycopy(covariances.values, j * d * d, c.values, 0, d * d);
      return c;
    }
    for (int i = 0; i < d; i++) {
      c.values[i * d + i] = type == CovarianceType.DIAG ? covariances.values[j * d + i] : covariances.values[j];
    }
    return c;
  }

  @Override
  public int inputSize() {
    return means.rows;
  }

  @Override
  public int codeSize() {
    return means.cols;
  }

  /** Scratch buffers for {@link #logJoint}: one per thread, reused across blocks of up to {@code capacity} rows. */
  static final class Workspace {
    final DenseMatrix scratch;
    final double[] norms;
    /**
     * FULL: the whitened residuals {@code L_j^-1 (x_i - mu_j)} of one chunk, (k d) x chunk, and one spare column:
     * netlib checks a strided operand's bounds as offset + lda * columns, one column past the last entry that
     * component j's d x chunk slice (offset j d, lda k d) reads.
     */
    final DenseMatrix residuals;

    Workspace(int d, int capacity, int kd, int chunk) {
      scratch = new DenseMatrix(d, capacity);
      norms = new double[capacity];
      residuals = new DenseMatrix(kd, chunk == 0 ? 0 : chunk + 1);
    }

    int chunk() {
      return residuals.cols - 1;
    }
  }

  Workspace workspace(int capacity) {
    int d = inputSize();
    if (type == CovarianceType.FULL) {
      int kd = codeSize() * d;
      return new Workspace(0, capacity, kd, Math.max(1, Math.min(capacity, CHUNK_ENTRIES / Math.max(1, kd))));
    }
    return new Workspace(type == CovarianceType.SPHERICAL ? 0 : d, capacity, 0, 0);
  }

  /**
   * FULL: the entries of one chunk's whitened residuals, (k d) x columns, sized to stay in a core's L2 cache
   * (256 K doubles = 2 MiB) while the chunk's responsibilities and scatters use them.
   */
  static final int CHUNK_ENTRIES = 1 << 18;

  /**
   * FULL, for columns [from, from + m) of X: {@code ws.residuals} := the whitened residuals
   * {@code L_j^-1 x_i - L_j^-1 mu_j} (one gemm of the stacked inverse factors against the chunk, then the shift)
   * and {@code out[j, i] := log w_j + log N(x_i | mu_j, Sigma_j)}, the residuals' squared norms.
   */
  void fullChunk(DenseMatrix x, int from, int m, double[] o, Workspace ws) {
    int d = inputSize();
    int k = codeSize();
    int kd = k * d;
    double[] y = ws.residuals.values;
    Blas.blas().dgemm("N", "N", kd, m, d, 1.0, whiten.values, 0, kd, x.values, from * d, d, 0.0, y, 0, kd);
    double[] b = shifted.values;
    for (int i = 0; i < m; i++) {
      int yo = i * kd;
      int oo = (from + i) * k;
      for (int j = 0; j < k; j++) {
        double s = 0;
        int bo = j * d;
        for (int t = 0; t < d; t++) {
          double v = y[yo + bo + t] - b[bo + t];
          y[yo + bo + t] = v;
          s += v * v;
        }
        o[oo + j] = constants[j] - 0.5 * s;
      }
    }
  }

  /** FULL: the lower Cholesky factors, d x (d k) (not a copy: read only). */
  DenseMatrix choleskyFactors() {
    return chol;
  }

  /**
   * {@code out[j, i] := log w_j + log N(x_i | mu_j, Sigma_j)} for the first n columns of X (out k x capacity).
   * {@code squares} (DIAG: X elementwise squared) and {@code norms} (SPHERICAL: ||x_i||^2) may be given
   * precomputed (cached blocks) or null, then they are computed into the workspace.
   */
  void logJoint(DenseMatrix x, int n, DenseMatrix squares, double[] norms, DenseMatrix out, Workspace ws) {
    int d = inputSize();
    int k = codeSize();
    if (x.rows != d || x.cols < n || out.rows != k || out.cols < n) {
      throw new IllegalArgumentException("Gaussian mixture: X is " + x.shape() + ", out is " + out.shape() + " for "
          + n + " rows, expected d = " + d + ", k = " + k);
    }
    if (n == 0) {
      return;
    }
    double[] o = out.values;
    switch (type) {
      case FULL -> {
        for (int from = 0; from < n; from += ws.chunk()) {
          fullChunk(x, from, Math.min(ws.chunk(), n - from), o, ws);
        }
      }
      case DIAG -> {
        DenseMatrix sq = squares;
        if (sq == null) {
          sq = ws.scratch;
          for (int t = 0; t < d * n; t++) {
            sq.values[t] = x.values[t] * x.values[t];
          }
        }
        // out = -1/2 P^T X^2 + (mu/s2)^T X + constants
        Blas.blas().dgemm("T", "N", k, n, d, -0.5, precisions.values, d, sq.values, d, 0.0, o, k);
        Blas.blas().dgemm("T", "N", k, n, d, 1.0, shifted.values, d, x.values, d, 1.0, o, k);
        addConstants(o, n, k);
      }
      case SPHERICAL -> {
        double[] nn = norms;
        if (nn == null) {
          nn = ws.norms;
          squaredNorms(x, n, nn);
        }
        // out = (mu/s2)^T X - ||x||^2 / (2 s2) + constants
        Blas.blas().dgemm("T", "N", k, n, d, 1.0, shifted.values, d, x.values, d, 0.0, o, k);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < k; j++) {
            o[i * k + j] += constants[j] - 0.5 * nn[i] * inverseVariance[j];
          }
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  private void addConstants(double[] o, int n, int k) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        o[i * k + j] += constants[j];
      }
    }
  }

  static void squaredNorms(DenseMatrix x, int n, double[] out) {
    int d = x.rows;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int t = 0, o = i * d; t < d; t++) {
        s += x.values[o + t] * x.values[o + t];
      }
      out[i] = s;
    }
  }

  /**
   * Turns the log joints of {@link #logJoint} (k x n) into responsibilities in place, by log-sum-exp, and writes
   * {@code logp[i] = log p(x_i)}.
   */
  static void responsibilities(DenseMatrix l, int n, double[] logp) {
    responsibilities(l, 0, n, logp);
  }

  /** {@link #responsibilities(DenseMatrix, int, double[])} for columns [from, to) only. */
  static void responsibilities(DenseMatrix l, int from, int to, double[] logp) {
    int k = l.rows;
    double[] v = l.values;
    for (int i = from; i < to; i++) {
      int o = i * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, v[o + j]);
      }
      double s = 0;
      for (int j = 0; j < k; j++) {
        double e = Math.exp(v[o + j] - max);
        v[o + j] = e;
        s += e;
      }
      double inv = 1 / s;
      for (int j = 0; j < k; j++) {
        v[o + j] *= inv;
      }
      logp[i] = max + Math.log(s);
    }
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    logJoint(x, n, null, null, z, workspace(n));
    responsibilities(z, n, new double[n]);
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    int d = inputSize();
    int k = codeSize();
    if (z.rows != k || z.cols < n || xhat.rows != d || xhat.cols < n) {
      throw new IllegalArgumentException("decode: Z is " + z.shape() + ", Xhat is " + xhat.shape() + " for " + n
          + " rows, k = " + k + ", d = " + d);
    }
    if (n > 0 && d > 0) {
      Blas.blas().dgemm("N", "N", d, n, k, 1.0, means.values, d, z.values, k, 0.0, xhat.values, d);
    }
  }

  /** {@code out[i] = -log p(x_i)} in nats. */
  @Override
  public void loss(DenseMatrix x, int n, double[] out) {
    DenseMatrix l = new DenseMatrix(codeSize(), n);
    logJoint(x, n, null, null, l, workspace(n));
    responsibilities(l, n, out);
    for (int i = 0; i < n; i++) {
      out[i] = -out[i];
    }
  }

  /** {@code count} draws from the mixture as columns (d x count): a component by its weight, then its Gaussian. */
  @Override
  public DenseMatrix sample(int count, long seed) {
    int d = inputSize();
    int k = codeSize();
    SplittableRandom random = new SplittableRandom(seed);
    DenseMatrix x = new DenseMatrix(d, count);
    double[] g = new double[d];
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    for (int s = 0; s < count; s++) {
      double u = random.nextDouble() * total;
      int j = 0;
      while (j < k - 1 && (u -= weights[j]) >= 0) {
        j++;
      }
      for (int i = 0; i < d; i++) {
        g[i] = random.nextGaussian();
      }
      int o = s * d;
      System.arraycopy(means.values, j * d, x.values, o, d);
      switch (type) {
        case FULL -> {
          Blas.blas().dgemv("N", d, d, 1.0, chol.values, j * d * d, d, g, 0, 1, 1.0, x.values, o, 1);
        }
        case DIAG -> {
          for (int i = 0; i < d; i++) {
            x.values[o + i] += Math.sqrt(covariances.values[j * d + i]) * g[i];
          }
        }
        case SPHERICAL -> {
          double sd = Math.sqrt(covariances.values[j]);
          for (int i = 0; i < d; i++) {
            x.values[o + i] += sd * g[i];
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    return x;
  }
}
