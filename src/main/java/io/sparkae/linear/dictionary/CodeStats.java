package io.sparkae.linear.dictionary;

import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * One round's statistics of the codes of a partition's rows against the broadcast dictionary, merged by addition:
 * the row count n, {@code A = sum_i z_i z_i^T} (m x m, upper triangle filled by dsyrk, then mirrored),
 * {@code B = sum_i x_i z_i^T} (d x m, one dgemm per block), the summed squared error
 * {@code sum_i ||x_i - Phi z_i||_2^2} and l1 norm {@code sum_i ||z_i||_1}, a histogram of nonzeros per code,
 * and the residuals {@code x_i - Phi z_i} of the {@code capacity} worst-reconstructed rows (to replace atoms that
 * fall out of use). A plain final class (not a record) because Kryo ships it between tasks and driver.
 */
public final class CodeStats implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public long n;
  public int d;
  public int m;
  public double[] a;
  public double[] b;
  public double squaredError;
  public double l1;
  /** nonzeros[k] = rows whose code has k nonzeros, k = 0..m. */
  public long[] nonzeros;
  /** Squared errors of the kept worst rows (size worstCount). */
  public double[] worstLoss;
  /** Residuals of the kept worst rows, d each. */
  public double[][] worstResidual;
  public int worstCount;

  public CodeStats() {}

  CodeStats(int d, int m, int capacity) {
    this.d = d;
    this.m = m;
    this.a = new double[m * m];
    this.b = new double[d * m];
    this.nonzeros = new long[m + 1];
    this.worstLoss = new double[capacity];
    this.worstResidual = new double[capacity][];
  }

  /**
   * The statistics of the blocks against {@code coder}. With {@code fraction < 1} each row is kept with that
   * probability (seeded by {@code seed}: online mode); returns null when no row was kept.
   */
  public static CodeStats of(SparseCoder coder, Iterator<Block> blocks, double fraction, long seed, int capacity) {
    int d = coder.inputSize();
    int m = coder.atoms();
    CodeStats st = null;
    SplittableRandom random = new SplittableRandom(seed);
    DenseMatrix x = null;
    DenseMatrix z = null;
    DenseMatrix xhat = null;
    DenseMatrix am = new DenseMatrix(m, m);
    while (blocks.hasNext()) {
      Block blk = blocks.next();
      DenseMatrix src = blk.dense;
      if (x == null || x.cols < blk.size) {
        x = new DenseMatrix(d, blk.size);
        z = new DenseMatrix(m, blk.size);
        xhat = new DenseMatrix(d, blk.size);
      }
      int n = 0;
      for (int j = 0; j < blk.size; j++) {
        if (fraction >= 1 || random.nextDouble() < fraction) {
          System.arraycopy(src.values, j * d, x.values, n * d, d);
          n++;
        }
      }
      if (n == 0) {
        continue;
      }
      if (st == null) {
        st = new CodeStats(d, m, capacity);
      }
      st.addBlock(coder, x, z, xhat, n, am);
    }
    if (st != null) {
      st.finish(am);
    }
    return st;
  }

  private void addBlock(SparseCoder coder, DenseMatrix x, DenseMatrix z, DenseMatrix xhat, int n, DenseMatrix am) {
    coder.encode(x, n, z);
    DenseMatrix xs = new DenseMatrix(d, n, x.values);
    DenseMatrix zs = new DenseMatrix(m, n, z.values);
    DenseMatrix.syrk(1.0, zs, n, 1.0, am);
    DenseMatrix bm = new DenseMatrix(d, m, b);
    DenseMatrix.gemm(1.0, xs, false, zs, true, 1.0, bm);
    DenseMatrix.gemm(1.0, coder.phiView(), false, zs, false, 0.0, new DenseMatrix(d, n, xhat.values));
    for (int j = 0; j < n; j++) {
      double err = 0;
      int off = j * d;
      for (int i = 0; i < d; i++) {
        double e = x.values[off + i] - xhat.values[off + i];
        err += e * e;
      }
      int nnz = 0;
      double s = 0;
      for (int i = 0; i < m; i++) {
        double v = z.values[j * m + i];
        if (v != 0) {
          nnz++;
          s += Math.abs(v);
        }
      }
      squaredError += err;
      l1 += s;
      nonzeros[nnz]++;
      keepIfWorst(err, x.values, xhat.values, off);
    }
    this.n += n;
  }

  private void keepIfWorst(double err, double[] x, double[] xhat, int off) {
    int cap = worstLoss.length;
    if (cap == 0) {
      return;
    }
    int slot;
    if (worstCount < cap) {
      slot = worstCount++;
    } else {
      slot = 0;
      for (int i = 1; i < cap; i++) {
        if (worstLoss[i] < worstLoss[slot]) {
          slot = i;
        }
      }
      if (!(err > worstLoss[slot])) {
        return;
      }
    }
    double[] r = worstResidual[slot] == null ? new double[d] : worstResidual[slot];
    for (int i = 0; i < d; i++) {
      r[i] = x[off + i] - xhat[off + i];
    }
    worstResidual[slot] = r;
    worstLoss[slot] = err;
  }

  private void finish(DenseMatrix am) {
    am.symmetrizeFromUpper();
    System.arraycopy(am.values, 0, a, 0, m * m);
  }

  /** Adds {@code other} into this (keeping the worst rows of both) and returns this. */
  public CodeStats merge(CodeStats other) {
    n += other.n;
    for (int i = 0; i < a.length; i++) {
      a[i] += other.a[i];
    }
    for (int i = 0; i < b.length; i++) {
      b[i] += other.b[i];
    }
    squaredError += other.squaredError;
    l1 += other.l1;
    for (int i = 0; i < nonzeros.length; i++) {
      nonzeros[i] += other.nonzeros[i];
    }
    for (int k = 0; k < other.worstCount; k++) {
      double[] r = other.worstResidual[k];
      keepIfWorst(other.worstLoss[k], r, new double[d], 0);
    }
    return this;
  }

  public DenseMatrix gramOfCodes() {
    return new DenseMatrix(m, m, a.clone());
  }

  public DenseMatrix crossProducts() {
    return new DenseMatrix(d, m, b.clone());
  }
}
