package io.sparkae.linear.ppca;

import io.sparkae.core.DensityAutoencoder;
import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.netlib.util.intW;

/**
 * Probabilistic PCA (Tipping and Bishop 1999) as a probabilistic autoencoder: {@code x = W z + mu + e} with
 * {@code z ~ N(0, I_k)} and {@code e ~ N(0, s2 I_d)}, so {@code x ~ N(mu, C)}, {@code C = W W^T + s2 I}.
 * <pre>
 *   encoder  z = M^-1 W^T (x - mu),  M = W^T W + s2 I   (the posterior mean; its covariance is s2 M^-1)
 *   decoder  x^ = W z + mu                               (the mean of p(x | z))
 *   loss     -log p(x) = (d log 2 pi + log det C + (x - mu)^T C^-1 (x - mu)) / 2               (nats)
 * </pre>
 * The loss never forms C: with {@code r = x - mu} and {@code p = W^T r}, the Woodbury identity gives
 * {@code r^T C^-1 r = (||r||^2 - p^T M^-1 p) / s2} and the matrix determinant lemma
 * {@code log det C = (d - k) log s2 + log det M}. Per block that is one gemm ({@code P = W^T R}, k x n) and a
 * triangular solve with the Cholesky factor of the k x k matrix M, computed once here. W may be any d x k matrix
 * (the closed-form maximum-likelihood solution of {@link #maximumLikelihood} or an EM estimate).
 *
 * <p>Missing entries ({@link #acceptsMissing()}, a model fit with {@code missing=true}): NaN marks a missing entry.
 * A row with observed entries O is encoded by the posterior mean given x_O alone, its loss is the exact marginal
 * of the observed entries, and its reconstruction fills every entry:
 * <pre>
 *   M_O = W_O^T W_O + s2 I,  z = M_O^-1 W_O^T (x_O - mu_O),  x^ = W z + mu
 *   -log p(x_O) = (|O| log 2 pi + (|O| - k) log s2 + log det M_O + (||r_O||^2 - p^T M_O^-1 p) / s2) / 2,
 *                 r_O = x_O - mu_O, p = W_O^T r_O
 * </pre>
 * (Woodbury and the determinant lemma on the observed sub-covariance {@code C_OO = W_O W_O^T + s2 I}; both hold for
 * any |O|, also |O| &lt; k; a row with nothing observed has z = 0 and loss 0). Rows without NaN take the block path
 * above, unchanged. A model without missing entries refuses NaN (the row check of the transform and evaluation).
 * Immutable and thread-safe; arrays are copied in and never exposed.
 */
public final class PpcaAutoencoder implements DensityAutoencoder {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final double[] mean;
  private final DenseMatrix w;
  private final double noiseVariance;
  /** Upper Cholesky factor U of M = U^T U (k x k, column-major, lower triangle zero). */
  private final double[] cholM;
  /** M^-1 W^T (k x d): the encoder's matrix. */
  private final DenseMatrix encoder;
  /** M^-1 W^T mu (k): the encoder's shift. */
  private final double[] encodedMean;
  private final double logDetC;
  /** NaN in a row marks a missing entry (a model fit with missing=true); otherwise NaN is refused. */
  private final boolean missing;

  /**
   * A model that refuses NaN.
   *
   * @param mean mu (d)
   * @param w the loadings W (d x k)
   * @param noiseVariance s2 &gt; 0
   */
  public PpcaAutoencoder(double[] mean, DenseMatrix w, double noiseVariance) {
    this(mean, w, noiseVariance, false);
  }

  /**
   * @param mean mu (d)
   * @param w the loadings W (d x k)
   * @param noiseVariance s2 &gt; 0
   * @param missing read NaN in a row as a missing entry (see the class comment)
   */
  public PpcaAutoencoder(double[] mean, DenseMatrix w, double noiseVariance, boolean missing) {
    this.missing = missing;
    int d = mean.length;
    int k = w.cols;
    if (w.rows != d) {
      throw new IllegalArgumentException("probabilistic PCA: mean has " + d + " entries, W is " + w.shape()
          + "; expected W to have " + d + " rows");
    }
    if (!(noiseVariance > 0) || Double.isInfinite(noiseVariance)) {
      throw new IllegalArgumentException("probabilistic PCA: the noise variance must be positive and finite, found "
          + noiseVariance + " (data with at most k distinct directions has none: lower k)");
    }
    this.mean = mean.clone();
    this.w = w.copy();
    this.noiseVariance = noiseVariance;
    DenseMatrix m = DenseMatrix.multiply(w, true, w, false);
    for (int i = 0; i < k; i++) {
      m.values[i * k + i] += noiseVariance;
    }
    this.cholM = m.values.clone();
    if (k > 0) {
      intW info = new intW(0);
      Blas.reproducibleLapack().dpotrf("U", k, cholM, k, info);
      if (info.val != 0) {
        throw new IllegalArgumentException("probabilistic PCA: M = W^T W + s2 I is not positive definite (LAPACK "
            + "dpotrf info " + info.val + "); W or s2 is not finite");
      }
    }
    for (int j = 0; j < k; j++) {
      for (int i = j + 1; i < k; i++) {
        cholM[j * k + i] = 0;
      }
    }
    double logDetM = 0;
    for (int i = 0; i < k; i++) {
      logDetM += 2 * Math.log(cholM[i * k + i]);
    }
    this.logDetC = (d - k) * Math.log(noiseVariance) + logDetM;
    // M^-1 W^T: solve M Y = W^T (k x d) with the factor.
    DenseMatrix wt = w.transpose();
    solveM(wt.values, d);
    this.encoder = wt;
    this.encodedMean = encoder.multiply(mean);
  }

  /**
   * The maximum-likelihood solution from the eigen-decomposition of the sample covariance (Tipping and Bishop
   * 1999, eq. 7-8): {@code s2} the mean of the d - k discarded eigenvalues, {@code W = U_k (L_k - s2 I)^(1/2)}
   * (rotation R = I). Only the top k eigenpairs and the total variance (the trace) are needed, so the randomized
   * solver's output serves for wide data: {@code s2 = (trace - sum_i lambda_i) / (d - k)}.
   *
   * @param mean mu
   * @param components U_k (d x k, orthonormal columns)
   * @param variances lambda_1 &gt;= ... &gt;= lambda_k
   * @param totalVariance the trace of the sample covariance
   */
  public static PpcaAutoencoder maximumLikelihood(double[] mean, DenseMatrix components, double[] variances,
      double totalVariance) {
    int d = mean.length;
    int k = variances.length;
    if (k >= d) {
      throw new IllegalArgumentException("probabilistic PCA needs k < d to estimate the noise variance, found k = "
          + k + ", d = " + d);
    }
    double kept = 0;
    for (double v : variances) {
      kept += v;
    }
    double s2 = (totalVariance - kept) / (d - k);
    DenseMatrix w = components.copy();
    for (int j = 0; j < k; j++) {
      double f = Math.sqrt(Math.max(0, variances[j] - s2));
      for (int i = 0; i < d; i++) {
        w.values[j * d + i] *= f;
      }
    }
    return new PpcaAutoencoder(mean, w, s2);
  }

  /** Solves {@code M Y = B} in place for B (k x cols, column-major) with the Cholesky factor of M. */
  private void solveM(double[] b, int cols) {
    int k = w.cols;
    if (k == 0 || cols == 0) {
      return;
    }
    Blas.blas().dtrsm("L", "U", "T", "N", k, cols, 1.0, cholM, k, b, k);
    Blas.blas().dtrsm("L", "U", "N", "N", k, cols, 1.0, cholM, k, b, k);
  }

  /** Whether NaN marks a missing entry (the model was fit with missing=true). */
  @Override
  public boolean acceptsMissing() {
    return missing;
  }

  @Override
  public int inputSize() {
    return mean.length;
  }

  @Override
  public int codeSize() {
    return w.cols;
  }

  public double[] mean() {
    return mean.clone();
  }

  /** The loadings W (d x k), a copy. */
  public DenseMatrix loadings() {
    return w.copy();
  }

  public double noiseVariance() {
    return noiseVariance;
  }

  /** {@code log det C}, C = W W^T + s2 I. */
  public double logDetCovariance() {
    return logDetC;
  }

  /** The posterior covariance of z given any x, {@code s2 M^-1} (k x k). */
  public DenseMatrix posteriorCovariance() {
    int k = w.cols;
    DenseMatrix id = DenseMatrix.identity(k);
    solveM(id.values, k);
    id.scale(noiseVariance);
    return id;
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    int k = codeSize();
    checkBlock(x, n);
    if (z.rows != k || z.cols < n) {
      throw new IllegalArgumentException("encode: Z is " + z.shape() + ", expected " + k + " rows and at least " + n
          + " columns");
    }
    if (n == 0 || k == 0) {
      return;
    }
    Blas.blas().dgemm("N", "N", k, n, inputSize(), 1.0, encoder.values, k, x.values, inputSize(), 0.0, z.values, k);
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        z.values[j * k + i] -= encodedMean[i];
      }
    }
    if (missing) {
      Observed ws = null;
      for (int j = 0; j < n; j++) {
        if (hasNaN(x.values, j * inputSize())) {
          ws = ws == null ? new Observed(inputSize(), k) : ws;
          ws.row(x.values, j * inputSize(), z.values, j * k);
        }
      }
    }
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    int d = inputSize();
    int k = codeSize();
    if (z.rows != k || z.cols < n || xhat.rows != d || xhat.cols < n) {
      throw new IllegalArgumentException("decode: Z is " + z.shape() + ", Xhat is " + xhat.shape() + " for " + n
          + " rows, k = " + k + ", d = " + d);
    }
    for (int j = 0; j < n; j++) {
      System.arraycopy(mean, 0, xhat.values, j * d, d);
    }
    if (n > 0 && k > 0) {
      Blas.blas().dgemm("N", "N", d, n, k, 1.0, w.values, d, z.values, k, 1.0, xhat.values, d);
    }
  }

  /** {@code out[j] = -log p(x_j)} in nats, exact (see the class comment). */
  @Override
  public void loss(DenseMatrix x, int n, double[] out) {
    int d = inputSize();
    int k = codeSize();
    checkBlock(x, n);
    if (n == 0) {
      return;
    }
    DenseMatrix r = new DenseMatrix(d, n);
    double[] rr = new double[n];
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int i = 0, o = j * d; i < d; i++) {
        double v = x.values[o + i] - mean[i];
        r.values[o + i] = v;
        s += v * v;
      }
      rr[j] = s;
    }
    double[] p = new double[k * n];
    if (k > 0) {
      Blas.blas().dgemm("T", "N", k, n, d, 1.0, w.values, d, r.values, d, 0.0, p, k);
      // p^T M^-1 p = ||U^-T p||^2 with M = U^T U: one triangular solve.
      Blas.blas().dtrsm("L", "U", "T", "N", k, n, 1.0, cholM, k, p, k);
    }
    double constant = d * LOG_2PI + logDetC;
    for (int j = 0; j < n; j++) {
      double q = 0;
      for (int i = 0, o = j * k; i < k; i++) {
        q += p[o + i] * p[o + i];
      }
      double mahalanobis = Math.max(0, rr[j] - q) / noiseVariance;
      out[j] = 0.5 * (constant + mahalanobis);
    }
    if (missing) {
      Observed ws = null;
      for (int j = 0; j < n; j++) {
        if (hasNaN(x.values, j * d)) {
          ws = ws == null ? new Observed(d, k) : ws;
          out[j] = ws.row(x.values, j * d, null, 0);
        }
      }
    }
  }

  private boolean hasNaN(double[] x, int offset) {
    for (int i = 0, d = inputSize(); i < d; i++) {
      if (Double.isNaN(x[offset + i])) {
        return true;
      }
    }
    return false;
  }

  /** The posterior mean and the marginal of one row's observed entries; buffers allocated once per block. */
  private final class Observed {
    private final int d;
    private final int k;
    private final double[] m;
    private final double[] p;
    private final intW info = new intW(0);

    Observed(int d, int k) {
      this.d = d;
      this.k = k;
      m = new double[k * k];
      p = new double[k];
    }

    /**
     * For the row {@code x[off, off + d)} with NaN at its missing entries: writes the posterior mean
     * {@code M_O^-1 W_O^T r_O} to {@code z[zOff, zOff + k)} (when z is non-null) and returns {@code -log p(x_O)}.
     */
    double row(double[] x, int off, double[] z, int zOff) {
      Arrays.fill(m, 0.0);
      Arrays.fill(p, 0.0);
      double[] wv = w.values;
      int observed = 0;
      double rr = 0;
      for (int i = 0; i < d; i++) {
        double xi = x[off + i];
        if (Double.isNaN(xi)) {
          continue;
        }
        observed++;
        double r = xi - mean[i];
        rr += r * r;
        for (int a = 0; a < k; a++) {
          double wa = wv[a * d + i];
          p[a] += wa * r;
          for (int b = 0; b <= a; b++) {
            m[a * k + b] += wa * wv[b * d + i]; // upper triangle (column a, row b)
          }
        }
      }
      for (int a = 0; a < k; a++) {
        m[a * k + a] += noiseVariance;
      }
      double logDetM = 0;
      double q = 0;
      if (k > 0) {
        Blas.reproducibleLapack().dpotrf("U", k, m, k, info);
        if (info.val != 0) {
          throw new IllegalStateException("probabilistic PCA: M_O = W_O^T W_O + s2 I is not positive definite "
              + "(LAPACK dpotrf info " + info.val + ")");
        }
        for (int a = 0; a < k; a++) {
          logDetM += 2 * Math.log(m[a * k + a]);
        }
        // p^T M_O^-1 p = ||U^-T p||^2; z = U^-1 (U^-T p).
        Blas.blas().dtrsv("U", "T", "N", k, m, k, p, 1);
        for (double v : p) {
          q += v * v;
        }
        if (z != null) {
          Blas.blas().dtrsv("U", "N", "N", k, m, k, p, 1);
          System.arraycopy(p, 0, z, zOff, k);
        }
      }
      if (observed == 0) {
        return 0;
      }
      return 0.5 * (observed * LOG_2PI + (observed - k) * Math.log(noiseVariance) + logDetM
          + Math.max(0, rr - q) / noiseVariance);
    }
  }

  /** {@code count} draws of x from the model, as columns (d x count): {@code W z + mu + s e}. */
  @Override
  public DenseMatrix sample(int count, long seed) {
    int d = inputSize();
    int k = codeSize();
    SplittableRandom random = new SplittableRandom(seed);
    DenseMatrix z = new DenseMatrix(k, count);
    for (int i = 0; i < z.values.length; i++) {
      z.values[i] = random.nextGaussian();
    }
    DenseMatrix x = new DenseMatrix(d, count);
    decode(z, count, x);
    double s = Math.sqrt(noiseVariance);
    for (int i = 0; i < x.values.length; i++) {
      x.values[i] += s * random.nextGaussian();
    }
    return x;
  }

  private void checkBlock(DenseMatrix x, int n) {
    if (x.rows != inputSize() || x.cols < n) {
      throw new IllegalArgumentException("probabilistic PCA: X is " + x.shape() + " for " + n + " rows, expected "
          + inputSize() + " rows");
    }
  }
}
