package io.sparkae.linear.gmm;

import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A cached block of rows for EM: the dense d x capacity block, centred on the data's mean (so that second moments
 * about the origin lose few digits), and what the covariance type's gemm needs once per block rather than once per
 * round: DIAG the squares of the entries, SPHERICAL the squared norms. A plain class: cached blocks spill through
 * Kryo.
 */
final class GmmBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final DenseMatrix x;
  final int size;
  final DenseMatrix squares;
  final double[] norms;

  GmmBlock(DenseMatrix x, int size, double[] center, CovarianceType type) {
    int d = x.rows;
    this.x = x;
    this.size = size;
    for (int i = 0; i < size; i++) {
      for (int t = 0, o = i * d; t < d; t++) {
        x.values[o + t] -= center[t];
      }
    }
    if (type == CovarianceType.DIAG) {
      squares = new DenseMatrix(d, x.cols);
      for (int t = 0; t < d * size; t++) {
        squares.values[t] = x.values[t] * x.values[t];
      }
    } else {
      squares = null;
    }
    if (type == CovarianceType.SPHERICAL) {
      norms = new double[x.cols];
      GmmAutoencoder.squaredNorms(x, size, norms);
    } else {
      norms = null;
    }
  }

  /** Row i (centred), copied. */
  double[] row(int i) {
    return Arrays.copyOfRange(x.values, i * x.rows, (i + 1) * x.rows);
  }

  static Iterator<GmmBlock> of(Iterator<Block> blocks, double[] center, CovarianceType type) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return blocks.hasNext();
      }

      @Override
      public GmmBlock next() {
        Block b = blocks.next();
        return new GmmBlock(b.dense, b.size, center, type);
      }
    };
  }
}
