package io.sparkae.linalg;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A compressed sparse row matrix, n x d: one data row per row. Used for blocks of wide sparse rows so that a
 * partition is never densified; the products below are what the randomized PCA range finder needs.
 */
public final class CsrMatrix implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int rows;
  public final int cols;
  /** rowPtr[i]..rowPtr[i+1] index the entries of row i. */
  public final int[] rowPtr;
  public final int[] colIdx;
  public final double[] values;

  public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, double[] values) {
    if (rowPtr.length < rows + 1) {
      throw new IllegalArgumentException("rowPtr has " + rowPtr.length + " entries for " + rows + " rows");
    }
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  public String shape() {
    return rows + "x" + cols;
  }

  public int nnz() {
    return rowPtr[rows];
  }

  /**
   * {@code Yt := Qt X^T}: Qt is l x d (the transpose of a d x l basis, so that the row of Q that a nonzero touches
   * is one contiguous column of Qt) and Yt is l x n (column i is {@code Q^T x_i}).
   */
  public void multiplyTransposed(DenseMatrix qt, DenseMatrix yt) {
    if (qt.cols != cols || yt.cols < rows || yt.rows != qt.rows) {
      throw new IllegalArgumentException("Qt X^T: X is " + shape() + ", Qt is " + qt.shape() + ", Yt is " + yt.shape());
    }
    int l = qt.rows;
    Arrays.fill(yt.values, 0, l * rows, 0.0);
    for (int i = 0; i < rows; i++) {
      int yo = i * l;
      for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        int qo = colIdx[p] * l;
        double v = values[p];
        for (int j = 0; j < l; j++) {
          yt.values[yo + j] += v * qt.values[qo + j];
        }
      }
    }
  }

  /** {@code Ct := Ct + Tt X}: Tt is l x n (column i belongs to row i), Ct is l x d. */
  public void addTransposedProduct(DenseMatrix tt, DenseMatrix ct) {
    if (tt.cols < rows || ct.cols != cols || ct.rows != tt.rows) {
      throw new IllegalArgumentException("Tt X: X is " + shape() + ", Tt is " + tt.shape() + ", Ct is " + ct.shape());
    }
    int l = tt.rows;
    for (int i = 0; i < rows; i++) {
      int to = i * l;
      for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        int co = colIdx[p] * l;
        double v = values[p];
        for (int j = 0; j < l; j++) {
          ct.values[co + j] += v * tt.values[to + j];
        }
      }
    }
  }
}
