package io.sparkae.neural;

import java.util.Locale;

/**
 * Reconstruction losses per example, summed over the d features, with their gradient with respect to the network's
 * last pre-activation a (d x n, column j is example j):
 * <pre>
 *   squared error            l(x, y) = sum_i (y_i - x_i)^2,  y = f_out(a)     dl/dy = 2 (y - x)
 *   binary cross-entropy     l(x, a) = sum_i max(a_i, 0) - a_i x_i + log(1 + exp(-|a_i|))
 *     from logits a          (= -x log sigmoid(a) - (1 - x) log(1 - sigmoid(a)), stable form)
 *                            dl/da = sigmoid(a) - x
 * </pre>
 * For cross-entropy the network's last layer is linear (it emits the logits) and the reconstruction is sigmoid(a);
 * x should lie in [0, 1].
 */
public enum Loss {
  SQUARED_ERROR, CROSS_ENTROPY;

  /**
   * Per-example losses of the first n columns into {@code perExample} (may be null) and their sum; with
   * {@code delta} non-null also {@code delta := scale * dl/dy} (squared error: with respect to the output y, the
   * caller applies f_out') or {@code scale * dl/da} (cross-entropy). {@code out} holds y or a respectively.
   */
  public double evaluate(float[] out, float[] x, int d, int n, float[] delta, float scale, double[] perExample) {
    double total = 0;
    for (int j = 0; j < n; j++) {
      double s = 0;
      int off = j * d;
      if (this == SQUARED_ERROR) {
        for (int i = off; i < off + d; i++) {
          float e = out[i] - x[i];
          s += (double) e * e;
          if (delta != null) {
            delta[i] = scale * 2f * e;
          }
        }
      } else {
        for (int i = off; i < off + d; i++) {
          double a = out[i];
          s += Math.max(a, 0) - a * x[i] + Math.log1p(Math.exp(-Math.abs(a)));
          if (delta != null) {
            delta[i] = scale * (Activation.sigmoid(out[i]) - x[i]);
          }
        }
      }
      if (perExample != null) {
        perExample[j] = s;
      }
      total += s;
    }
    return total;
  }

  /** By name: squared (squared_error, mse) or bce (cross_entropy). */
  public static Loss parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (n) {
      case "squared": case "squared_error": case "mse":
        return SQUARED_ERROR;
      case "bce": case "cross_entropy": case "binary_cross_entropy":
        return CROSS_ENTROPY;
      default:
        throw new IllegalArgumentException("unknown loss '" + name + "'; expected squared or bce");
    }
  }

  /** The name used in reports. */
  public String displayName() {
    return this == SQUARED_ERROR ? "squared error" : "binary cross-entropy (nats)";
  }

  public String shortName() {
    return this == SQUARED_ERROR ? "squared" : "bce";
  }
}
