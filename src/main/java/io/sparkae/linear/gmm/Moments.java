package io.sparkae.linear.gmm;

import io.sparkae.data.Block;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Count, mean and per-feature centred sum of squares {@code M2_t = sum_i (x_it - mean_t)^2} of a set of rows, blocks
 * and partitions merged with the pairwise update of Chan, Golub and LeVeque (1979). Gives the centre of the cached
 * blocks and the scale of the covariance regularisation.
 */
final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;

  long n;
  final double[] mean;
  final double[] m2;

  Moments(int d) {
    mean = new double[d];
    m2 = new double[d];
  }

  static Moments of(Iterator<Block> blocks, int d) {
    if (!blocks.hasNext()) {
      return null;
    }
    Moments acc = new Moments(d);
    Moments b = new Moments(d);
    while (blocks.hasNext()) {
      Block block = blocks.next();
      int size = block.size;
      double[] x = block.dense.values;
      Arrays.fill(b.mean, 0);
      Arrays.fill(b.m2, 0);
      for (int i = 0; i < size; i++) {
        for (int t = 0, o = i * d; t < d; t++) {
          b.mean[t] += x[o + t];
        }
      }
      for (int t = 0; t < d; t++) {
        b.mean[t] /= size;
      }
      for (int i = 0; i < size; i++) {
        for (int t = 0, o = i * d; t < d; t++) {
          double v = x[o + t] - b.mean[t];
          b.m2[t] += v * v;
        }
      }
      b.n = size;
      acc.merge(b);
    }
    return acc;
  }

  Moments merge(Moments o) {
    if (o.n == 0) {
      return this;
    }
    long total = n + o.n;
    for (int t = 0; t < mean.length; t++) {
      double delta = o.mean[t] - mean[t];
      m2[t] += o.m2[t] + delta * delta * ((double) n * o.n / total);
      mean[t] += delta * o.n / total;
    }
    n = total;
    return this;
  }

  /** The mean population variance over the features, {@code sum_t M2_t / (n d)}. */
  double meanVariance() {
    double s = 0;
    for (double v : m2) {
      s += v;
    }
    return mean.length == 0 || n == 0 ? 0 : s / ((double) n * mean.length);
  }

  /** The population variance of each feature. */
  double[] variances() {
    double[] v = new double[m2.length];
    for (int t = 0; t < v.length; t++) {
      v[t] = m2[t] / Math.max(1, n);
    }
    return v;
  }
}
