package io.sparkae.neural.vae;

import java.util.Locale;

/**
 * The decoder's distribution p(x|z) over a d-dimensional row, from the decoder network's last (linear) layer a, and
 * its negative log-likelihood with the gradient with respect to a (column j of a block is one row):
 * <pre>
 *   bernoulli    a: d logits          -log p(x|a) = sum_i max(a_i, 0) - a_i x_i + log(1 + exp(-|a_i|))
 *                                      d/da_i = sigmoid(a_i) - x_i;            mean: sigmoid(a)
 *   gaussian     a: d means mu, then d log-variances v
 *                                      -log p(x|a) = (1/2) sum_i [log(2 pi) + v_i + (x_i - mu_i)^2 exp(-v_i)]
 *                                      d/dmu_i = (mu_i - x_i) exp(-v_i);  d/dv_i = (1 - (x_i - mu_i)^2 exp(-v_i)) / 2
 *                                      mean: mu
 *   multinomial  a: d logits, p = softmax(a), N = sum_i x_i
 *                                      -log p(x|a) = -sum_i x_i log p_i   (without the constant log(N! / prod x_i!))
 *                                      d/da_i = N p_i - x_i;                   mean: p (word probabilities)
 * </pre>
 * Bernoulli rows must lie in [0, 1] (the cross-entropy of a grey value is its expected Bernoulli log-likelihood);
 * multinomial rows are nonnegative integer counts, not all zero. The Gaussian log-variance is clamped to
 * [-{@value #MAX_LOG_VARIANCE}, {@value #MAX_LOG_VARIANCE}] (zero gradient outside), which keeps a decoder that
 * fits a constant column from dividing by zero.
 */
public enum Likelihood {
  BERNOULLI, GAUSSIAN, MULTINOMIAL;

  static final float MAX_LOG_VARIANCE = 12f;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  /** Rows of the decoder's last layer for d features. */
  public int outputSize(int d) {
    return this == GAUSSIAN ? 2 * d : d;
  }

  /**
   * Negative log-likelihoods of n rows: row j is {@code x[xOff + j*d ..]}, its decoder output
   * {@code a[aOff + j*o ..]} with o = {@link #outputSize}(d). Writes {@code nll[nllOff + j]} when nll is non-null,
   * and {@code delta := scale * d(-log p)/da} (same layout as a) when delta is non-null. Returns the sum.
   */
  public double negLogLikelihood(float[] a, int aOff, float[] x, int xOff, int d, int n, float[] delta, float scale,
      double[] nll, int nllOff) {
    int o = outputSize(d);
    double total = 0;
    for (int j = 0; j < n; j++) {
      int ao = aOff + j * o;
      int xo = xOff + j * d;
      double s = 0;
      switch (this) {
        case BERNOULLI:
          for (int i = 0; i < d; i++) {
            double ai = a[ao + i];
            double xi = x[xo + i];
            s += Math.max(ai, 0) - ai * xi + Math.log1p(Math.exp(-Math.abs(ai)));
            if (delta != null) {
              delta[ao + i] = scale * (float) (sigmoid(ai) - xi);
            }
          }
          break;
        case GAUSSIAN:
          for (int i = 0; i < d; i++) {
            double mu = a[ao + i];
            double raw = a[ao + d + i];
            double v = Math.max(-MAX_LOG_VARIANCE, Math.min(MAX_LOG_VARIANCE, raw));
            double e = x[xo + i] - mu;
            double prec = Math.exp(-v);
            s += 0.5 * (LOG_2PI + v + e * e * prec);
            if (delta != null) {
              delta[ao + i] = scale * (float) (-e * prec);
              delta[ao + d + i] = raw == v ? scale * (float) (0.5 * (1 - e * e * prec)) : 0f;
            }
          }
          break;
        case MULTINOMIAL:
          double logZ = Softmax.logSumExp(a, ao, d);
          double count = 0;
          for (int i = 0; i < d; i++) {
            double xi = x[xo + i];
            count += xi;
            if (xi != 0) {
              s -= xi * (a[ao + i] - logZ);
            }
          }
          if (delta != null) {
            for (int i = 0; i < d; i++) {
              delta[ao + i] = scale * (float) (count * Math.exp(a[ao + i] - logZ) - x[xo + i]);
            }
          }
          break;
        default:
          throw new AssertionError(this);
      }
      if (nll != null) {
        nll[nllOff + j] = s;
      }
      total += s;
    }
    return total;
  }

  /** The decoder's mean for n rows: {@code mean[j*d + i]} from {@code a[j*o + i]}. */
  public void mean(float[] a, int d, int n, double[] mean) {
    int o = outputSize(d);
    for (int j = 0; j < n; j++) {
      int ao = j * o;
      int mo = j * d;
      switch (this) {
        case BERNOULLI:
          for (int i = 0; i < d; i++) {
            mean[mo + i] = sigmoid(a[ao + i]);
          }
          break;
        case GAUSSIAN:
          for (int i = 0; i < d; i++) {
            mean[mo + i] = a[ao + i];
          }
          break;
        case MULTINOMIAL:
          Softmax.of(a, ao, d, mean, mo);
          break;
        default:
          throw new AssertionError(this);
      }
    }
  }

  /**
   * Null when {@code v} (feature i of a row) is a valid observation for this likelihood, else what is wrong with
   * it.
   */
  String invalid(float v) {
    switch (this) {
      case BERNOULLI:
        return v >= 0f && v <= 1f ? null : "the bernoulli decoder needs values in [0, 1]";
      case MULTINOMIAL:
        return v >= 0f && v == Math.rint(v) ? null
            : "the multinomial decoder needs nonnegative integer counts";
      default:
        return Float.isFinite(v) ? null : "values must be finite";
    }
  }

  static double sigmoid(double a) {
    return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }

  public static Likelihood parse(String name) {
    for (Likelihood l : values()) {
      if (l.name().equalsIgnoreCase(name.trim())) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown likelihood '" + name + "'; expected bernoulli, gaussian or "
        + "multinomial");
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
