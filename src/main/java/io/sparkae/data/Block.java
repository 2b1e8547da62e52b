package io.sparkae.data;

import io.sparkae.linalg.CsrMatrix;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;

/**
 * A block of consecutive rows of one partition, stacked for level-3 BLAS. Exactly one of {@link #dense} (d x
 * capacity, data row j in column j, only the first {@link #size} columns valid) and {@link #sparse} (size x d
 * CSR) is set. Dense blocks are the rule; sparse blocks hold wide sparse rows that must not be densified.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Number of valid rows in this block. */
  public final int size;
  /** Number of features d. */
  public final int dim;
  public final DenseMatrix dense;
  public final CsrMatrix sparse;

  private Block(int size, int dim, DenseMatrix dense, CsrMatrix sparse) {
    this.size = size;
    this.dim = dim;
    this.dense = dense;
    this.sparse = sparse;
  }

  public static Block dense(DenseMatrix x, int size) {
    return new Block(size, x.rows, x, null);
  }

  public static Block sparse(CsrMatrix x) {
    return new Block(x.rows, x.cols, null, x);
  }

  public boolean isSparse() {
    return sparse != null;
  }

  /** The dense view, trimmed to {@link #size} columns (a copy only when the block is partly filled). */
  public DenseMatrix denseTrimmed() {
    if (dense == null) {
      throw new IllegalStateException("block is sparse (" + sparse.shape() + ")");
    }
    return dense.cols == size ? dense : dense.leadingColumns(size);
  }
}
