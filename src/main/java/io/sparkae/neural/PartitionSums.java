package io.sparkae.neural;

import java.io.Serializable;

/**
 * What one partition returns from a round of parameter averaging: its parameters theta_p and optimizer state s_p
 * in float (as they were trained: half the bytes of double on the wire), the examples w_p it saw and their summed
 * loss. Merging sums {@code w_p theta_p} and {@code w_p s_p} in double; the first merge turns the left operand into
 * such an accumulator. Plain final class: it goes through Kryo.
 */
public final class PartitionSums implements Serializable {
  private static final long serialVersionUID = 1L;

  private float[] params;
  private float[] optimizer;
  private double[] paramSum;
  private double[] optimizerSum;
  long samples;
  double lossSum;

  PartitionSums(float[] p, float[] opt, LocalTrainer.Stats stats) {
    params = p;
    optimizer = opt;
    samples = stats.samples;
    lossSum = stats.lossSum;
  }

  /** {@code a := a + b}. */
  static PartitionSums merge(PartitionSums a, PartitionSums b) {
    a.accumulate();
    add(a.paramSum, b.paramSum, b.params, b.samples);
    add(a.optimizerSum, b.optimizerSum, b.optimizer, b.samples);
    a.samples += b.samples;
    a.lossSum += b.lossSum;
    return a;
  }

  private void accumulate() {
    if (paramSum == null) {
      paramSum = weighted(params, samples);
      optimizerSum = weighted(optimizer, samples);
      params = null;
      optimizer = null;
    }
  }

  private static double[] weighted(float[] v, long w) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (double) w * v[i];
    }
    return out;
  }

  private static void add(double[] acc, double[] sum, float[] v, long w) {
    if (sum != null) {
      for (int i = 0; i < acc.length; i++) {
        acc[i] += sum[i];
      }
    } else {
      double dw = w;
      for (int i = 0; i < acc.length; i++) {
        acc[i] += dw * v[i];
      }
    }
  }

  /** The sample-weighted average of the parameters, rounded to float. */
  float[] averageParams() {
    return paramSum == null ? params.clone() : average(paramSum);
  }

  float[] averageOptimizer() {
    return optimizerSum == null ? optimizer.clone() : average(optimizerSum);
  }

  private float[] average(double[] sum) {
    float[] out = new float[sum.length];
    double n = samples;
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (sum[i] / n);
    }
    return out;
  }
}
