package io.sparkae.linear.kmeans;

import io.sparkae.data.Block;
import io.sparkae.linalg.CsrMatrix;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A cached block of rows for k-means: either dense (d x capacity, row j in column j, the first {@link #size} valid)
 * or sparse ({@link #csr}, size x d, for wide sparse input that is never densified); the squared norms
 * {@code ||x_j||^2}, computed once when the block is cached, so that a round gets each row's distance from the
 * gemm, {@code ||x||^2 - 2 c^T x + ||c||^2}, without another pass over x; and the rows' weights (null when every
 * row weighs 1). For the cosine distance the rows are scaled to unit norm when the block is built. A plain class:
 * cached blocks spill to disk through Kryo.
 */
final class PointBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The dense rows, or null when the block is sparse. */
  final DenseMatrix x;
  /** The sparse rows, or null when the block is dense. */
  final CsrMatrix csr;
  final int size;
  final int dim;
  final double[] norms;
  /** Weight of row j (finite, >= 0), or null: every row weighs 1. */
  final double[] weights;

  PointBlock(DenseMatrix x, int size) {
    this(x, null, size, x.rows, null);
  }

  private PointBlock(DenseMatrix x, CsrMatrix csr, int size, int dim, double[] weights) {
    this.x = x;
    this.csr = csr;
    this.size = size;
    this.dim = dim;
    this.weights = weights;
    this.norms = new double[size];
    for (int j = 0; j < size; j++) {
      norms[j] = x != null ? squaredNorm(x.values, j * dim, dim)
          : squaredNorm(csr.values, csr.rowPtr[j], csr.rowPtr[j + 1] - csr.rowPtr[j]);
    }
  }

  /** Four partial sums: no single dependency chain, and the JIT can vectorize. */
  static double squaredNorm(double[] v, int o, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int t = 0;
    for (; t + 3 < len; t += 4) {
      s0 += v[o + t] * v[o + t];
      s1 += v[o + t + 1] * v[o + t + 1];
      s2 += v[o + t + 2] * v[o + t + 2];
      s3 += v[o + t + 3] * v[o + t + 3];
    }
    for (; t < len; t++) {
      s0 += v[o + t] * v[o + t];
    }
    return (s0 + s1) + (s2 + s3);
  }

  boolean sparse() {
    return csr != null;
  }

  /** Columns of the dense buffer (its capacity), or the row count of a sparse block. */
  int capacity() {
    return x != null ? x.cols : size;
  }

  /** The weight of row j (1 when the block has no weights). */
  double weight(int j) {
    return weights == null ? 1.0 : weights[j];
  }

  /** Writes row j, dense, into {@code dst[offset, offset + d)}. */
  void copyRow(int j, double[] dst, int offset) {
    if (x != null) {
      System.arraycopy(x.values, j * dim, dst, offset, dim);
      return;
    }
    Arrays.fill(dst, offset, offset + dim, 0.0);
    for (int p = csr.rowPtr[j]; p < csr.rowPtr[j + 1]; p++) {
      dst[offset + csr.colIdx[p]] = csr.values[p];
    }
  }

  /** Row j as a new dense array. */
  double[] row(int j) {
    double[] out = new double[dim];
    copyRow(j, out, 0);
    return out;
  }

  /**
   * The blocks of one partition as the Blocker stacked them (dense or CSR), with their norms; the weights of each
   * block from {@code weights} (null: unweighted); with {@code cosine} every row scaled to unit norm (a zero row
   * is an error naming the column, partition and row, as cosine distance is not defined for it).
   */
  static Iterator<PointBlock> of(Iterator<Block> blocks, WeightTap weights, boolean cosine, String column,
      int partition) {
    return new Iterator<>() {
      private long position;

      @Override
      public boolean hasNext() {
        return blocks.hasNext();
      }

      @Override
      public PointBlock next() {
        Block b = blocks.next();
        double[] w = weights == null ? null : weights.take(b.size);
        if (cosine) {
          normalize(b);
        }
        position += b.size;
        return b.isSparse() ? new PointBlock(null, b.sparse, b.size, b.dim, w)
            : new PointBlock(b.dense, null, b.size, b.dim, w);
      }

      private void normalize(Block b) {
        for (int j = 0; j < b.size; j++) {
          double[] v = b.isSparse() ? b.sparse.values : b.dense.values;
          int o = b.isSparse() ? b.sparse.rowPtr[j] : j * b.dim;
          int len = b.isSparse() ? b.sparse.rowPtr[j + 1] - o : b.dim;
          double n2 = squaredNorm(v, o, len);
          if (!(n2 > 0)) {
            throw new IllegalArgumentException("input column '" + column + "', partition " + partition + ", row "
                + (position + j) + " is the zero vector: the cosine distance is not defined for it (drop such rows "
                + "or use distanceMeasure euclidean)");
          }
          double s = 1.0 / Math.sqrt(n2);
          for (int t = 0; t < len; t++) {
            v[o + t] *= s;
          }
        }
      }
    };
  }
}
