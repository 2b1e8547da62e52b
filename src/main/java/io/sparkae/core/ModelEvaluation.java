package io.sparkae.core;

import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;

/**
 * Sums for {@link AutoencoderModel#evaluate}: row count, loss sum, the data mean and the centred sum of squares
 * {@code sum ||x - mean||^2}, merged with Chan, Golub and LeVeque's pairwise update (no E[x^2] - E[x]^2
 * cancellation). Packed as one array [n, lossSum, unused, ss, mean_1..mean_d] so that it ships cheaply.
 */
final class ModelEvaluation {
  private final int d;
  private double n;
  private double lossSum;
  private double ss;
  private final double[] mean;
  private final double[] blockMean;

  ModelEvaluation(int d) {
    this.d = d;
    this.mean = new double[d];
    this.blockMean = new double[d];
  }

  /** Adds the first {@code size} rows of block x (d x capacity) with their losses. */
  void add(DenseMatrix x, int size, double[] loss) {
    Arrays.fill(blockMean, 0.0);
    for (int j = 0; j < size; j++) {
      lossSum += loss[j];
      int off = j * d;
      for (int i = 0; i < d; i++) {
        blockMean[i] += x.values[off + i];
      }
    }
    for (int i = 0; i < d; i++) {
      blockMean[i] /= size;
    }
    double blockSs = 0;
    for (int j = 0; j < size; j++) {
      int off = j * d;
      for (int i = 0; i < d; i++) {
        double e = x.values[off + i] - blockMean[i];
        blockSs += e * e;
      }
    }
    mergeInto(size, blockMean, blockSs);
  }

  private void mergeInto(double nb, double[] meanB, double ssB) {
    double total = n + nb;
    double delta2 = 0;
    for (int i = 0; i < d; i++) {
      double delta = meanB[i] - mean[i];
      delta2 += delta * delta;
      mean[i] += delta * nb / total;
    }
    ss += ssB + delta2 * n * nb / total;
    n = total;
  }

  double[] toArray() {
    double[] out = new double[4 + d];
    out[0] = n;
    out[1] = lossSum;
    out[3] = ss;
    System.arraycopy(mean, 0, out, 4, d);
    return out;
  }

  /** Merges two packed arrays into {@code a}. */
  static double[] merge(double[] a, double[] b) {
    double n = a[0] + b[0];
    if (b[0] == 0) {
      return a;
    }
    if (a[0] == 0) {
      return b;
    }
    double delta2 = 0;
    int d = a.length - 4;
    for (int i = 0; i < d; i++) {
      double delta = b[4 + i] - a[4 + i];
      delta2 += delta * delta;
      a[4 + i] += delta * b[0] / n;
    }
    a[3] += b[3] + delta2 * a[0] * b[0] / n;
    a[1] += b[1];
    a[0] = n;
    return a;
  }
}
