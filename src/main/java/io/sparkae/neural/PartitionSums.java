package io.sparkae.neural;

/**
 * What one partition returns from a round of parameter averaging, already weighted so that results merge by
 * addition: {@code sum_p w_p theta_p} and {@code sum_p w_p s_p} in double (parameters and optimizer state, with
 * w_p the examples partition p saw), {@code sum_p w_p}, and the summed minibatch loss. Plain final class: it goes
 * through Kryo.
 */
public final class PartitionSums implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  final double[] params;
  final double[] optimizer;
  long samples;
  double lossSum;

  PartitionSums(float[] p, float[] opt, LocalTrainer.Stats stats) {
    double w = stats.samples;
    params = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      params[i] = w * p[i];
    }
    optimizer = new double[opt.length];
    for (int i = 0; i < opt.length; i++) {
      optimizer[i] = w * opt[i];
    }
    samples = stats.samples;
    lossSum = stats.lossSum;
  }

  /** {@code a := a + b}. */
  static PartitionSums merge(PartitionSums a, PartitionSums b) {
    for (int i = 0; i < a.params.length; i++) {
      a.params[i] += b.params[i];
    }
    for (int i = 0; i < a.optimizer.length; i++) {
      a.optimizer[i] += b.optimizer[i];
    }
    a.samples += b.samples;
    a.lossSum += b.lossSum;
    return a;
  }

  /** The sample-weighted average of the parameters, rounded to float. */
  float[] averageParams() {
    return average(params);
  }

  float[] averageOptimizer() {
    return average(optimizer);
  }

  private float[] average(double[] sum) {
    float[] out = new float[sum.length];
    double n = samples;
    for (int i = 0; i < out.length; i++) {
      // With one partition, (w * p) / w is exactly p: averaging then equals plain minibatch training bit for bit.
      out[i] = (float) (sum[i] / n);
    }
    return out;
  }
}
