package io.sparkae.neural.vae;

import java.util.Arrays;

/**
 * The softmax {@code p_i = exp(a_i) / sum_j exp(a_j)} and its log-normaliser, computed stably by subtracting the
 * maximum: the one implementation behind the multinomial decoder, the topic proportions theta = softmax(z) and the
 * prior samples of the topic model.
 */
final class Softmax {
  private Softmax() {}

  /** {@code log sum_i exp(a[off + i])} for i &lt; len. */
  static double logSumExp(float[] a, int off, int len) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = off; i < off + len; i++) {
      max = Math.max(max, a[i]);
    }
    double sum = 0;
    for (int i = off; i < off + len; i++) {
      sum += Math.exp(a[i] - max);
    }
    return max + Math.log(sum);
  }

  /** {@code out[outOff + i] := softmax(a[off .. off + len))_i}. */
  static void of(float[] a, int off, int len, double[] out, int outOff) {
    double logZ = logSumExp(a, off, len);
    for (int i = 0; i < len; i++) {
      out[outOff + i] = Math.exp(a[off + i] - logZ);
    }
  }

  /** {@code out[outOff + i] := softmax(a[off .. off + len))_i}, in float. */
  static void of(float[] a, int off, int len, float[] out, int outOff) {
    double logZ = logSumExp(a, off, len);
    for (int i = 0; i < len; i++) {
      out[outOff + i] = (float) Math.exp(a[off + i] - logZ);
    }
  }

  /** {@code theta[:, c] := softmax(z[:, c])} for the first cols columns of k rows. */
  static void columns(float[] z, float[] theta, int cols, int k) {
    for (int c = 0; c < cols; c++) {
      of(z, c * k, k, theta, c * k);
    }
  }

  /** {@code g := theta * (g - <g, theta>)} per column: the softmax's Jacobian (symmetric) applied to g. */
  static void backward(float[] theta, float[] g, int cols, int k) {
    for (int c = 0; c < cols; c++) {
      int off = c * k;
      double dot = 0;
      for (int i = 0; i < k; i++) {
        dot += (double) g[off + i] * theta[off + i];
      }
      for (int i = 0; i < k; i++) {
        g[off + i] = theta[off + i] * (float) (g[off + i] - dot);
      }
    }
  }

  /** {@code v[off .. off + len) := softmax(v[off .. off + len))}. */
  static void inPlace(double[] v, int off, int len) {
    double max = Arrays.stream(v, off, off + len).max().orElse(Double.NEGATIVE_INFINITY);
    double sum = 0;
    for (int i = off; i < off + len; i++) {
      v[i] = Math.exp(v[i] - max);
      sum += v[i];
    }
    for (int i = off; i < off + len; i++) {
      v[i] /= sum;
    }
  }
}
