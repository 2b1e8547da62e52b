package io.sparkae.linear.kmeans;

import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;

/**
 * What a k-means round broadcasts: the centers C (d x k, center j in column j) and their squared norms
 * {@code ||c_j||^2}, computed once on the driver. A plain class, not a record: broadcasts go through Kryo.
 */
final class KMeansState implements Serializable {
  private static final long serialVersionUID = 1L;

  final DenseMatrix centers;
  final double[] norms;

  KMeansState(DenseMatrix centers) {
    this.centers = centers;
    this.norms = squaredNorms(centers);
  }

  int dim() {
    return centers.rows;
  }

  int k() {
    return centers.cols;
  }

  static double[] squaredNorms(DenseMatrix c) {
    double[] out = new double[c.cols];
    int d = c.rows;
    for (int j = 0; j < c.cols; j++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        double v = c.values[j * d + i];
        s += v * v;
      }
      out[j] = s;
    }
    return out;
  }
}
