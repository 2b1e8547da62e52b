package io.sparkae.linear.dictionary.ica;

import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.pca.PcaAutoencoder;
import java.io.Serializable;
import java.util.Iterator;

/**
 * One FastICA round's sums over a partition's whitened rows w (k; cached once per fit) with y = W w:
 * {@code s = sum_t w_t g(y_t)^T} (k x k, column i is {@code sum_t w_t g(y_it)}, one dgemm per block) and
 * {@code gp_i = sum_t g'(y_it)}; plus the count. A plain final class (Kryo ships it).
 */
public final class IcaStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public long n;
  public double[] s;
  public double[] gp;

  public IcaStats() {}

  /** The whitened blocks (k x n each, {@code w = diag(l)^(-1/2) U^T (x - mu)}) of the row blocks, one by one. */
  static Iterator<DenseMatrix> whiten(PcaAutoencoder pca, Iterator<Block> blocks) {
    int k = pca.codeSize();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return blocks.hasNext();
      }

      @Override
      public DenseMatrix next() {
        Block b = blocks.next();
        DenseMatrix white = new DenseMatrix(k, b.size);
        pca.encode(b.dense, b.size, white);
        return white;
      }
    };
  }

  /** The sums over the whitened blocks for the state's W. */
  static IcaStats of(IcaState state, Iterator<DenseMatrix> blocks) {
    int k = state.w.rows;
    IcaStats st = new IcaStats();
    st.s = new double[k * k];
    st.gp = new double[k];
    DenseMatrix sm = new DenseMatrix(k, k, st.s);
    double[] buffer = new double[0];
    while (blocks.hasNext()) {
      DenseMatrix white = blocks.next();
      int n = white.cols;
      if (buffer.length < k * n) {
        buffer = new double[k * n];
      }
      DenseMatrix y = new DenseMatrix(k, n, buffer);
      DenseMatrix.gemm(1.0, state.w, false, white, false, 0.0, y);
      state.contrast.applyInPlace(y.values, k, n, st.gp);
      DenseMatrix.gemm(1.0, white, false, y, true, 1.0, sm);
      st.n += n;
    }
    return st.n == 0 ? null : st;
  }

  IcaStats merge(IcaStats o) {
    n += o.n;
    for (int i = 0; i < s.length; i++) {
      s[i] += o.s[i];
    }
    for (int i = 0; i < gp.length; i++) {
      gp[i] += o.gp[i];
    }
    return this;
  }

  /** The broadcast state of a round: the current W (k x k, rows w_i) and the contrast. */
  static final class IcaState implements Serializable {
    private static final long serialVersionUID = 1L;
    final DenseMatrix w;
    final Contrast contrast;

    IcaState(DenseMatrix w, Contrast contrast) {
      this.w = w;
      this.contrast = contrast;
    }
  }
}
