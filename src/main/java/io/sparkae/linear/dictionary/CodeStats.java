package io.sparkae.linear.dictionary;

import dev.ludovic.netlib.blas.BLAS;
import io.sparkae.data.Block;
import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One round's statistics of the codes of a partition's rows against the broadcast dictionary, merged by addition:
 * the row count n, {@code A = sum_i z_i z_i^T} (m x m, upper triangle filled by dsyrk, then mirrored),
 * {@code B = sum_i x_i z_i^T} (d x m, one dgemm per block), the summed squared error
 * {@code sum_i ||x_i - Phi z_i||_2^2} and l1 norm {@code sum_i ||z_i||_1}, a histogram of nonzeros per code,
 * and the residuals {@code x_i - Phi z_i} of the {@code capacity} worst-reconstructed rows (to replace atoms that
 * fall out of use). A plain final class (not a record) because Kryo ships it between tasks and driver.
 */
public final class CodeStats implements Serializable {
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
  /** Coordinate updates that moved a coefficient (each costs 2m flops). */
  public long updates;
  /** Warm codes: blocks whose codes of the previous round were missing, solved from zero instead. */
  public long coldBlocks;

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
   * The statistics of the blocks against {@code coder}, codes solved from zero to convergence. With
   * {@code fraction < 1} each row is kept with that probability (seeded by {@code seed}: online mode); returns
   * null when no row was kept.
   */
  public static CodeStats of(SparseCoder coder, Iterator<Block> blocks, double fraction, long seed, int capacity) {
    return of(new CodeRound(coder, null, null, 0, coder.maxSweeps(), coder.cdTol()), blocks, fraction, 1, 0, seed,
        capacity);
  }

  /**
   * The statistics of partition {@code partition}'s blocks in round {@code round}. With warm codes
   * ({@link CodeRound#warm()}, full batch, lasso or NMF) each block's codes continue from round - 1's (from
   * {@link CodeStore}, scaled per atom by {@link CodeRound#scale}) for {@link CodeRound#sweeps} passes, and are
   * stored for the next round; in round 1 they start from zero for that many plain passes; when round - 1's codes are
   * missing here (lost executor, memory pressure, another executor) the partition solves from zero to convergence
   * and counts its blocks in {@link #coldBlocks}. Otherwise codes are solved from zero to convergence.
   *
   * <p>Per block: one dgemm {@code C = Phi^T X}, the codes in place ({@link SparseCoder#codeBlock}, which leaves
   * {@code Q = C - G Z}), one dsyrk for A and one dgemm for B. The squared error of row i is
   * {@code ||x_i||^2 - 2 z_i^T c_i + z_i^T G z_i = ||x_i||^2 - z_i^T c_i - z_i^T q_i}: no reconstruction; only a
   * row entering the worst-rows list gets its residual, from its nonzero coefficients.
   */
  static CodeStats of(CodeRound round, Iterator<Block> blocks, double fraction, int roundNo, int partition,
      long seed, int capacity) {
    SparseCoder coder = round.coder;
    int d = coder.inputSize();
    int m = coder.atoms();
    boolean warm = round.warm() && fraction >= 1 && coder.solver() == SparseCoder.Solver.LASSO;
    CodeStore.Kept before = warm && roundNo > 1 ? CodeStore.get(round.fit, partition, roundNo - 1) : null;
    double[][] previous = before == null ? null : before.codes();
    double[][] norms = before == null ? null : before.squaredNorms();
    CodeStore.Kept spare = warm && roundNo > 2 ? CodeStore.take(round.fit, partition, roundNo - 2) : null;
    double[][] reuse = spare == null ? null : spare.codes();
    List<double[]> kept = warm ? new ArrayList<>() : null;
    List<double[]> keptNorms = warm ? new ArrayList<>() : null;
    CodeStats st = null;
    SplittableRandom random = new SplittableRandom(seed);
    DenseMatrix sample = null;
    double[] c = new double[0];
    double[] q = new double[0];
    double[] scratch = new double[0];
    double[] zbuf = new double[0];
    double[] xx = new double[0];
    DenseMatrix am = new DenseMatrix(m, m);
    int blockNo = 0;
    long cold = 0;
    while (blocks.hasNext()) {
      Block blk = blocks.next();
      int k = blockNo++;
      DenseMatrix x;
      int n;
      if (fraction >= 1) {
        x = blk.dense;
        n = blk.size;
      } else {
        if (sample == null || sample.cols < blk.size) {
          sample = new DenseMatrix(d, blk.size);
        }
        n = 0;
        for (int j = 0; j < blk.size; j++) {
          if (random.nextDouble() < fraction) {
            System.arraycopy(blk.dense.values, j * d, sample.values, n * d, d);
            n++;
          }
        }
        x = sample;
      }
      if (c.length < m * n) {
        c = new double[m * n];
        q = new double[m * n];
        // The scratch of SparseCoder#correlations' transposed gemm, only where it takes that path (4 m <= d).
        scratch = 4 * m <= d ? new double[m * n] : scratch;
        if (!warm) {
          zbuf = new double[m * n];
          xx = new double[n];
        }
      }
      double[] zv = !warm ? zbuf
          : reuse != null && k < reuse.length && reuse[k].length == m * n ? reuse[k] : new double[m * n];
      boolean start = false;
      if (warm && previous != null && k < previous.length && previous[k].length == m * n) {
        double[] p = previous[k];
        if (round.scale == null) {
          System.arraycopy(p, 0, zv, 0, m * n);
        } else {
          for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
              zv[j * m + i] = p[j * m + i] * round.scale[i];
            }
          }
        }
        start = true;
      }
      boolean haveNorms = start && norms != null && k < norms.length && norms[k].length == n;
      if (warm) {
        xx = haveNorms ? norms[k] : new double[n];
        kept.add(zv);
        keptNorms.add(xx);
      }
      if (n == 0) {
        continue;
      }
      if (st == null) {
        st = new CodeStats(d, m, capacity);
      }
      DenseMatrix cm = new DenseMatrix(m, n, c);
      DenseMatrix qm = new DenseMatrix(m, n, q);
      DenseMatrix zm = new DenseMatrix(m, n, zv);
      coder.correlations(x, n, cm, scratch);
      if (!haveNorms) {
        SparseCoder.squaredNorms(x, n, xx);
      }
      // Warm codes: continue; round 1 starts from zero for the same few passes; missing codes: solve exactly.
      boolean few = start || (warm && roundNo == 1);
      if (warm && !few) {
        cold++;
      }
      st.updates += coder.codeBlock(cm, n, zm, qm, xx, start, few ? round.sweeps : round.exactSweeps, round.tol,
          !few);
      st.addBlock(coder, x, n, zm, c, q, xx, am);
    }
    if (warm) {
      CodeStore.put(round.fit, partition, roundNo, new CodeStore.Kept(kept.toArray(new double[0][]),
          keptNorms.toArray(new double[0][])));
    }
    if (st != null) {
      st.coldBlocks = cold;
      st.finish(am);
    }
    return st;
  }

  private void addBlock(SparseCoder coder, DenseMatrix x, int n, DenseMatrix zs, double[] c, double[] q,
      double[] xx, DenseMatrix am) {
    DenseMatrix xs = new DenseMatrix(d, n, x.values);
    DenseMatrix.syrk(1.0, zs, n, 1.0, am);
    DenseMatrix bm = new DenseMatrix(d, m, b);
    DenseMatrix.gemm(1.0, xs, false, zs, true, 1.0, bm);
    double[] z = zs.values;
    double[] phi = coder.phiView().values;
    BLAS vb = Blas.vectorBlas();
    for (int j = 0; j < n; j++) {
      int off = j * m;
      // Per row, beside the gemms: z^T c, z^T q and ||z||_1 vectorized (see Blas#vectorBlas), the count a plain loop.
      double zc = vb.ddot(m, z, off, 1, c, off, 1);
      double zq = vb.ddot(m, z, off, 1, q, off, 1);
      double s = vb.dasum(m, z, off, 1);
      int nnz = 0;
      for (int i = 0; i < m; i++) {
        nnz += z[off + i] != 0 ? 1 : 0;
      }
      double err = Math.max(0, xx[j] - zc - zq);
      squaredError += err;
      l1 += s;
      nonzeros[nnz]++;
      int slot = worstSlot(err);
      if (slot >= 0) {
        double[] r = worstResidual[slot] == null ? new double[d] : worstResidual[slot];
        System.arraycopy(x.values, j * d, r, 0, d);
        for (int i = 0; i < m; i++) {
          double v = z[off + i];
          if (v != 0) {
            for (int t = 0, po = i * d; t < d; t++) {
              r[t] -= v * phi[po + t];
            }
          }
        }
        worstResidual[slot] = r;
        worstLoss[slot] = err;
      }
    }
    this.n += n;
  }

  /** The slot a row with squared error {@code err} takes among the worst rows, or -1 when it is not among them. */
  private int worstSlot(double err) {
    int cap = worstLoss.length;
    if (cap == 0) {
      return -1;
    }
    if (worstCount < cap) {
      return worstCount++;
    }
    int slot = 0;
    for (int i = 1; i < cap; i++) {
      if (worstLoss[i] < worstLoss[slot]) {
        slot = i;
      }
    }
    return err > worstLoss[slot] ? slot : -1;
  }

  private void keepIfWorst(double err, double[] residual) {
    int slot = worstSlot(err);
    if (slot >= 0) {
      worstResidual[slot] = residual.clone();
      worstLoss[slot] = err;
    }
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
    updates += other.updates;
    coldBlocks += other.coldBlocks;
    for (int i = 0; i < nonzeros.length; i++) {
      nonzeros[i] += other.nonzeros[i];
    }
    for (int k = 0; k < other.worstCount; k++) {
      double[] r = other.worstResidual[k];
      keepIfWorst(other.worstLoss[k], r);
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
