package io.sparkae.linalg;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A dense column-major matrix of doubles: entry (i, j) lives at {@code values[i + j * rows]}.
 *
 * <p>Data blocks use the layout d x n, one data row per column, so that a row of the data is one contiguous
 * slice and the Gram matrix of a block is {@code X X^T} (a single {@code dsyrk}). Operations that write into an
 * argument say so in the form {@code C := alpha*op(A)*op(B) + beta*C}. Dimension errors name both shapes.
 */
public final class DenseMatrix implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int rows;
  public final int cols;
  /** Column-major storage, length at least rows * cols. */
  public final double[] values;

  public DenseMatrix(int rows, int cols) {
    this(rows, cols, new double[checkedSize(rows, cols)]);
  }

  public DenseMatrix(int rows, int cols, double[] values) {
    checkedSize(rows, cols);
    if (values.length < (long) rows * cols) {
      throw new IllegalArgumentException(
          "a " + rows + "x" + cols + " matrix needs " + ((long) rows * cols) + " values, found " + values.length);
    }
    this.rows = rows;
    this.cols = cols;
    this.values = values;
  }

  private static int checkedSize(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("matrix dimensions must be nonnegative, found " + rows + "x" + cols);
    }
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix is too large for one array");
    }
    return (int) n;
  }

  public static DenseMatrix identity(int n) {
    DenseMatrix m = new DenseMatrix(n, n);
    for (int i = 0; i < n; i++) {
      m.values[i + i * n] = 1.0;
    }
    return m;
  }

  public double get(int i, int j) {
    return values[i + j * rows];
  }

  public void set(int i, int j, double v) {
    values[i + j * rows] = v;
  }

  public String shape() {
    return rows + "x" + cols;
  }

  public DenseMatrix copy() {
    return new DenseMatrix(rows, cols, Arrays.copyOf(values, rows * cols));
  }

  /** Column j as a new array. */
  public double[] column(int j) {
    return Arrays.copyOfRange(values, j * rows, (j + 1) * rows);
  }

  public DenseMatrix transpose() {
    DenseMatrix t = new DenseMatrix(cols, rows);
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < rows; i++) {
        t.values[j + i * cols] = values[i + j * rows];
      }
    }
    return t;
  }

  /** The first {@code n} columns, copied. */
  public DenseMatrix leadingColumns(int n) {
    if (n > cols) {
      throw new IllegalArgumentException("asked for " + n + " columns of a " + shape() + " matrix");
    }
    return new DenseMatrix(rows, n, Arrays.copyOf(values, rows * n));
  }

  /** {@code this := this + alpha * other}. */
  public void addScaled(double alpha, DenseMatrix other) {
    requireSameShape("addScaled", this, other);
    int n = rows * cols;
    for (int i = 0; i < n; i++) {
      values[i] += alpha * other.values[i];
    }
  }

  public void scale(double alpha) {
    int n = rows * cols;
    for (int i = 0; i < n; i++) {
      values[i] *= alpha;
    }
  }

  /** Squared Frobenius norm. */
  public double squaredNorm() {
    double s = 0;
    int n = rows * cols;
    for (int i = 0; i < n; i++) {
      s += values[i] * values[i];
    }
    return s;
  }

  /** Largest absolute entry-wise difference. */
  public double maxAbsDiff(DenseMatrix other) {
    requireSameShape("maxAbsDiff", this, other);
    double m = 0;
    int n = rows * cols;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, Math.abs(values[i] - other.values[i]));
    }
    return m;
  }

  /** {@code C := alpha*op(A)*op(B) + beta*C} with level-3 BLAS dgemm. */
  public static void gemm(double alpha, DenseMatrix a, boolean transA, DenseMatrix b, boolean transB, double beta,
      DenseMatrix c) {
    int m = transA ? a.cols : a.rows;
    int k = transA ? a.rows : a.cols;
    int kb = transB ? b.cols : b.rows;
    int n = transB ? b.rows : b.cols;
    if (k != kb || c.rows != m || c.cols != n) {
      throw new IllegalArgumentException("gemm: op(A) is " + m + "x" + k + ", op(B) is " + kb + "x" + n
          + ", C is " + c.shape() + " (A is " + a.shape() + (transA ? " transposed" : "") + ", B is " + b.shape()
          + (transB ? " transposed" : "") + ")");
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      c.scale(beta);
      return;
    }
    Blas.blas().dgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, a.values, Math.max(1, a.rows),
        b.values, Math.max(1, b.rows), beta, c.values, Math.max(1, c.rows));
  }

  /** Returns {@code op(A)*op(B)} as a new matrix. */
  public static DenseMatrix multiply(DenseMatrix a, boolean transA, DenseMatrix b, boolean transB) {
    DenseMatrix c = new DenseMatrix(transA ? a.cols : a.rows, transB ? b.rows : b.cols);
    gemm(1.0, a, transA, b, transB, 0.0, c);
    return c;
  }

  /**
   * Symmetric rank-k update of the upper triangle, {@code C := alpha*A*A^T + beta*C} where A is the leading
   * {@code n} columns of {@code a} (so a partly filled block can be used without copying). The lower triangle of C
   * is not touched; call {@link #symmetrizeFromUpper()} when the full matrix is needed.
   */
  public static void syrk(double alpha, DenseMatrix a, int n, double beta, DenseMatrix c) {
    if (c.rows != a.rows || c.cols != a.rows || n > a.cols) {
      throw new IllegalArgumentException("syrk: A is " + a.shape() + " (using " + n + " columns), C is " + c.shape()
          + ", expected C to be " + a.rows + "x" + a.rows);
    }
    if (n == 0 || a.rows == 0) {
      if (beta != 1.0) {
        c.scale(beta);
      }
      return;
    }
    Blas.blas().dsyrk("U", "N", a.rows, n, alpha, a.values, Math.max(1, a.rows), beta, c.values, Math.max(1, c.rows));
  }

  /** Copies the upper triangle onto the lower one. */
  public void symmetrizeFromUpper() {
    if (rows != cols) {
      throw new IllegalArgumentException("symmetrize needs a square matrix, found " + shape());
    }
    for (int j = 0; j < cols; j++) {
      for (int i = j + 1; i < rows; i++) {
        values[i + j * rows] = values[j + i * rows];
      }
    }
  }

  /** {@code y := A x} for a vector x of length cols. */
  public double[] multiply(double[] x) {
    if (x.length != cols) {
      throw new IllegalArgumentException("A is " + shape() + " but x has length " + x.length);
    }
    double[] y = new double[rows];
    for (int j = 0; j < cols; j++) {
      double xj = x[j];
      if (xj == 0) {
        continue;
      }
      int off = j * rows;
      for (int i = 0; i < rows; i++) {
        y[i] += values[off + i] * xj;
      }
    }
    return y;
  }

  /** {@code y := A^T x} for a vector x of length rows. */
  public double[] transposeMultiply(double[] x) {
    if (x.length != rows) {
      throw new IllegalArgumentException("A is " + shape() + " (transposed) but x has length " + x.length);
    }
    double[] y = new double[cols];
    for (int j = 0; j < cols; j++) {
      double s = 0;
      int off = j * rows;
      for (int i = 0; i < rows; i++) {
        s += values[off + i] * x[i];
      }
      y[j] = s;
    }
    return y;
  }

  static void requireSameShape(String op, DenseMatrix a, DenseMatrix b) {
    if (a.rows != b.rows || a.cols != b.cols) {
      throw new IllegalArgumentException(op + ": shapes differ, " + a.shape() + " vs " + b.shape());
    }
  }

  @Override
  public String toString() {
    return "DenseMatrix(" + shape() + ")";
  }
}
