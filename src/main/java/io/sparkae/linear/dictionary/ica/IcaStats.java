package io.sparkae.linear.dictionary.ica;

import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.pca.PcaAutoencoder;
import java.io.Serializable;
import java.util.Iterator;

/**
 * One FastICA round's sums over a partition's rows, with whitened rows w (k) and y = W w:
 * {@code s = sum_t w_t g(y_t)^T} (k x k, column i is {@code sum_t w_t g(y_it)}, one dgemm per block) and
 * {@code gp_i = sum_t g'(y_it)}; plus the count. A plain final class (Kryo ships it).
 */
public final class IcaStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public long n;
  public double[] s;
  public double[] gp;

  public IcaStats() {}

  /** The sums over the blocks for the state (whitening PCA and W). */
  static IcaStats of(IcaState state, Iterator<Block> blocks) {
    int k = state.w.rows;
    IcaStats st = new IcaStats();
    st.s = new double[k * k];
    st.gp = new double[k];
    DenseMatrix sm = new DenseMatrix(k, k, st.s);
    while (blocks.hasNext()) {
      Block b = blocks.next();
      int n = b.size;
      DenseMatrix white = new DenseMatrix(k, n);
      state.pca.encode(b.dense, n, white);
      DenseMatrix y = DenseMatrix.multiply(state.w, false, white, false);
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < k; i++) {
          double u = y.values[t * k + i];
          y.values[t * k + i] = state.contrast.g(u);
          st.gp[i] += state.contrast.gPrime(u);
        }
      }
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

  /** The broadcast state of a round: the whitening PCA, the current W (k x k, rows w_i) and the contrast. */
  static final class IcaState implements Serializable {
    private static final long serialVersionUID = 1L;
    final PcaAutoencoder pca;
    final DenseMatrix w;
    final Contrast contrast;

    IcaState(PcaAutoencoder pca, DenseMatrix w, Contrast contrast) {
      this.pca = pca;
      this.w = w;
      this.contrast = contrast;
    }
  }
}
