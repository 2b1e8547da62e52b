package io.sparkae.linear.kmeans;

import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Iterator;

/**
 * A cached block of rows for k-means: the dense d x capacity block (row j in column j, the first {@link #size}
 * valid) and the squared norms {@code ||x_j||^2}, computed once when the block is cached, so that a round gets each
 * row's distance from the gemm, {@code ||x||^2 - 2 c^T x + ||c||^2}, without another pass over x. A plain class:
 * cached blocks spill to disk through Kryo.
 */
final class PointBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final DenseMatrix x;
  final int size;
  final double[] norms;

  PointBlock(DenseMatrix x, int size) {
    this.x = x;
    this.size = size;
    this.norms = new double[size];
    int d = x.rows;
    for (int j = 0; j < size; j++) {
      // Four partial sums: no single dependency chain, and the JIT can vectorize.
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int o = j * d;
      int t = 0;
      for (; t + 3 < d; t += 4) {
        s0 += x.values[o + t] * x.values[o + t];
        s1 += x.values[o + t + 1] * x.values[o + t + 1];
        s2 += x.values[o + t + 2] * x.values[o + t + 2];
        s3 += x.values[o + t + 3] * x.values[o + t + 3];
      }
      for (; t < d; t++) {
        s0 += x.values[o + t] * x.values[o + t];
      }
      norms[j] = (s0 + s1) + (s2 + s3);
    }
  }

  /** The blocks of one partition, as the Blocker stacked them (dense), with their norms. */
  static Iterator<PointBlock> of(Iterator<Block> blocks) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return blocks.hasNext();
      }

      @Override
      public PointBlock next() {
        Block b = blocks.next();
        return new PointBlock(b.dense, b.size);
      }
    };
  }
}
