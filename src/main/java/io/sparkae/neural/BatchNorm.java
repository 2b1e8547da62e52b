package io.sparkae.neural;

import java.util.Arrays;

/**
 * Batch normalisation without a learned scale (Ioffe and Szegedy 2015, with gamma = 1), on column-major blocks of
 * f features x n columns (entry (i, j) at {@code j * f + i}), in double. Training normalises each feature by the
 * batch's mean and biased variance,
 * <pre>
 *   xhat_ij = (x_ij - m_i) s_i,  m_i = (1/n) sum_j x_ij,  s_i = 1 / sqrt(v_i + eps),  v_i = (1/n) sum_j (x_ij - m_i)^2
 * </pre>
 * and its exact backward pass is {@code dx_ij = s_i (g_ij - mean_j g_ij - xhat_ij mean_j (g xhat)_ij)} for g =
 * dJ/dxhat. Inference normalises by running statistics instead, {@code (x - M_i) / sqrt(V_i + eps)}, a fixed affine
 * map, whose backward is {@code dx = s g}. The running statistics are exponential moving averages
 * {@code M := (1 - rho) M + rho m}, {@code V := (1 - rho) V + rho v n / (n - 1)} (the unbiased batch variance, as
 * PyTorch's BatchNorm1d), kept in a float array at given offsets. A learned shift, if any, is the caller's. Knows only
 * arrays; stateless.
 */
public final class BatchNorm {
  private BatchNorm() {}

  /**
   * Training forward, in place: {@code x := xhat} from the batch statistics; the batch mean and biased variance of
   * feature i into {@code mean[i], var[i]} and {@code invStd[i] := 1 / sqrt(var[i] + eps)}. Needs n &gt;= 1 (with n = 1
   * every xhat is 0).
   */
  public static void normalize(double[] x, int f, int n, double eps, double[] mean, double[] var, double[] invStd) {
    for (int i = 0; i < f; i++) {
      mean[i] = 0;
      var[i] = 0;
    }
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        mean[i] += x[o + i];
      }
    }
    for (int i = 0; i < f; i++) {
      mean[i] /= n;
    }
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        double c = x[o + i] - mean[i];
        var[i] += c * c;
      }
    }
    for (int i = 0; i < f; i++) {
      var[i] /= n;
      invStd[i] = 1 / Math.sqrt(var[i] + eps);
    }
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        x[o + i] = (x[o + i] - mean[i]) * invStd[i];
      }
    }
  }

  /**
   * Inference forward, in place: {@code x := (x - M_i) s_i} with the running mean {@code M_i = stats[meanOff + i]},
   * variance {@code V_i = stats[varOff + i]} and {@code invStd[i] := s_i = 1 / sqrt(V_i + eps)}.
   */
  public static void normalizeWith(double[] x, int f, int n, double eps, float[] stats, int meanOff, int varOff,
      double[] invStd) {
    for (int i = 0; i < f; i++) {
      invStd[i] = 1 / Math.sqrt(stats[varOff + i] + eps);
    }
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        x[o + i] = (x[o + i] - stats[meanOff + i]) * invStd[i];
      }
    }
  }

  /**
   * Backward, in place: {@code g := dJ/dx} from {@code g = dJ/dxhat}, with the forward's {@code xhat} and
   * {@code invStd}; {@code batch} says whether the forward used the batch statistics ({@link #normalize}: the full
   * backward through the mean and variance) or running ones ({@link #normalizeWith}: {@code g := s g});
   * {@code sums} is scratch of at least 2f entries.
   */
  public static void backward(double[] g, double[] xhat, double[] invStd, int f, int n, boolean batch,
      double[] sums) {
    if (!batch) {
      for (int j = 0; j < n; j++) {
        int o = j * f;
        for (int i = 0; i < f; i++) {
          g[o + i] *= invStd[i];
        }
      }
      return;
    }
    Arrays.fill(sums, 0, 2 * f, 0.0);
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        sums[i] += g[o + i];
        sums[f + i] += g[o + i] * xhat[o + i];
      }
    }
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        g[o + i] = invStd[i] * (g[o + i] - sums[i] / n - xhat[o + i] * sums[f + i] / n);
      }
    }
  }

  /**
   * The running statistics' update from a batch of n &gt;= 2 columns: {@code M := (1 - rho) M + rho mean},
   * {@code V := (1 - rho) V + rho var n / (n - 1)}.
   */
  public static void updateRunning(float[] stats, int meanOff, int varOff, double[] mean, double[] var, int f, int n,
      double momentum) {
    double unbias = n / (n - 1.0);
    for (int i = 0; i < f; i++) {
      stats[meanOff + i] = (float) ((1 - momentum) * stats[meanOff + i] + momentum * mean[i]);
      stats[varOff + i] = (float) ((1 - momentum) * stats[varOff + i] + momentum * var[i] * unbias);
    }
  }
}
