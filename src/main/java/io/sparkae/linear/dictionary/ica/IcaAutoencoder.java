package io.sparkae.linear.dictionary.ica;

import io.sparkae.core.Autoencoder;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.pca.PcaAutoencoder;

/**
 * ICA as an autoencoder. With the whitening PCA (mean mu, components U d x k, variances l_1..l_k), so that
 * {@code w(x) = diag(l)^(-1/2) U^T (x - mu)} has identity covariance, and the orthogonal unmixing matrix W (k x k):
 * <pre>
 *   encoder  z = W w(x)                          (the estimated independent sources)
 *   decoder  x^ = mu + U diag(l)^(1/2) W^T z     (W^-1 = W^T since W is orthogonal)
 *   loss     ||x - x^||_2^2                      (what the k retained components do not explain)
 * </pre>
 * Immutable.
 */
public final class IcaAutoencoder implements Autoencoder {
  private static final long serialVersionUID = 1L;

  private final PcaAutoencoder pca;
  private final DenseMatrix unmixing;

  public IcaAutoencoder(PcaAutoencoder pca, DenseMatrix unmixing) {
    if (!pca.whiten() || unmixing.rows != pca.codeSize() || unmixing.cols != pca.codeSize()) {
      throw new IllegalArgumentException("ICA needs a whitening PCA with k = W's size; W is " + unmixing.shape()
          + ", PCA k = " + pca.codeSize() + ", whiten = " + pca.whiten());
    }
    this.pca = pca;
    this.unmixing = unmixing.copy();
  }

  public PcaAutoencoder whitening() {
    return pca;
  }

  /** W, k x k, orthogonal: the unmixing of whitened data (a copy). */
  public DenseMatrix unmixing() {
    return unmixing.copy();
  }

  /** The unmixing in data space, {@code W diag(l)^(-1/2) U^T} (k x d): z = that times (x - mu). */
  public DenseMatrix unmixingOfData() {
    DenseMatrix u = pca.components();
    double[] l = pca.variances();
    DenseMatrix k = u.transpose();
    for (int j = 0; j < k.cols; j++) {
      for (int i = 0; i < k.rows; i++) {
        k.values[i + j * k.rows] /= Math.sqrt(l[i]);
      }
    }
    return DenseMatrix.multiply(unmixing, false, k, false);
  }

  @Override
  public int inputSize() {
    return pca.inputSize();
  }

  @Override
  public int codeSize() {
    return unmixing.rows;
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    DenseMatrix white = new DenseMatrix(codeSize(), n);
    pca.encode(x, n, white);
    DenseMatrix.gemm(1.0, unmixing, false, white, false, 0.0, z.cols == n ? z : new DenseMatrix(z.rows, n, z.values));
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    DenseMatrix zs = z.cols == n ? z : new DenseMatrix(z.rows, n, z.values);
    DenseMatrix white = DenseMatrix.multiply(unmixing, true, zs, false);
    pca.decode(white, n, xhat);
  }
}
