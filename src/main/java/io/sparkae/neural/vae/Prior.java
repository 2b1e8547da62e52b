package io.sparkae.neural.vae;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A diagonal Gaussian prior p(z) = N(m, diag s^2) on the k-dimensional latent, and the closed-form KL divergence
 * from a diagonal Gaussian posterior q = N(mu, diag sigma^2), sigma^2 = exp(v):
 * <pre>
 *   KL(q || p) = (1/2) sum_i [ (sigma_i^2 + (mu_i - m_i)^2) / s_i^2 - 1 + log s_i^2 - v_i ]
 *   dKL/dmu_i = (mu_i - m_i) / s_i^2          dKL/dv_i = (sigma_i^2 / s_i^2 - 1) / 2
 * </pre>
 * (Kingma and Welling 2014, appendix B, for m = 0, s = 1). Two priors: the standard normal N(0, I) of the VAE, and
 * the Laplace approximation, in the softmax basis, of a symmetric Dirichlet(alpha) on theta = softmax(z) (MacKay
 * 1998; Srivastava and Sutton 2017, eq. 3):
 * <pre>
 *   m_i = log alpha_i - (1/k) sum_j log alpha_j
 *   s_i^2 = (1/alpha_i) (1 - 2/k) + (1/k^2) sum_j 1/alpha_j
 * </pre>
 * Immutable, plain (broadcast through Kryo).
 */
public final class Prior implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final double[] mean;
  private final double[] variance;
  private final double alpha;

  private Prior(double[] mean, double[] variance, double alpha) {
    this.mean = mean;
    this.variance = variance;
    this.alpha = alpha;
  }

  /** N(0, I_k). */
  public static Prior standardNormal(int k) {
    double[] v = new double[k];
    Arrays.fill(v, 1.0);
    return new Prior(new double[k], v, 0);
  }

  /** The logistic-normal approximation of a symmetric Dirichlet(alpha) over k topics (k >= 2, alpha > 0). */
  public static Prior dirichletLaplace(int k, double alpha) {
    if (k < 2) {
      throw new IllegalArgumentException("a Dirichlet prior needs at least 2 topics, found " + k);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("docConcentration = " + alpha + " must be finite and > 0");
    }
    double[] m = new double[k];
    double[] v = new double[k];
    Arrays.fill(v, (1 / alpha) * (1 - 2.0 / k) + (1.0 / (k * (double) k)) * (k / alpha));
    return new Prior(m, v, alpha);
  }

  public int size() {
    return mean.length;
  }

  /** The Dirichlet concentration this prior approximates, or 0 for the standard normal. */
  public double alpha() {
    return alpha;
  }

  public double mean(int i) {
    return mean[i];
  }

  public double variance(int i) {
    return variance[i];
  }

  /**
   * KL(q || p) for one row whose posterior mean and log-variance are {@code h[off .. off+k)} and
   * {@code h[off+k .. off+2k)}; with {@code grad} non-null also {@code grad[off..] := scale * dKL/d(mu, v)}
   * (added to what is there).
   */
  public double kl(float[] h, int off, float[] grad, float scale) {
    int k = mean.length;
    double s = 0;
    for (int i = 0; i < k; i++) {
      double mu = h[off + i];
      double v = clampLogVariance(h[off + k + i]);
      double var = Math.exp(v);
      double dm = mu - mean[i];
      double pv = variance[i];
      s += 0.5 * ((var + dm * dm) / pv - 1 + Math.log(pv) - v);
      if (grad != null) {
        grad[off + i] += scale * (float) (dm / pv);
        grad[off + k + i] += v == h[off + k + i] ? scale * (float) (0.5 * (var / pv - 1)) : 0f;
      }
    }
    return s;
  }

  /** log p(z) for the k values {@code z[off .. off+k)}. */
  public double logDensity(float[] z, int off) {
    double s = 0;
    for (int i = 0; i < mean.length; i++) {
      double e = z[off + i] - mean[i];
      s -= 0.5 * (LOG_2PI + Math.log(variance[i]) + e * e / variance[i]);
    }
    return s;
  }

  /** The posterior log-variance as used everywhere: clamped to [-20, 20] for exp's sake. */
  static double clampLogVariance(float v) {
    return Math.max(-20f, Math.min(20f, v));
  }
}
