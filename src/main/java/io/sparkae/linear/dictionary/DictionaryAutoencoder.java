package io.sparkae.linear.dictionary;

import io.sparkae.core.Autoencoder;
import io.sparkae.linalg.DenseMatrix;

/**
 * A dictionary as an autoencoder (sparse coding and NMF). With the dictionary Phi (d x m, unit-norm atoms):
 * <pre>
 *   encoder  z = the code of x from the {@link SparseCoder} (lasso, OMP, top-k; NMF: nonnegative least squares)
 *   decoder  x^ = Phi z
 *   loss     ||x - Phi z||_2^2 + lambda ||z||_1     (lambda counts only for the lasso; ||z||_1 = sum_j |z_j|)
 * </pre>
 * Immutable; the dictionary is copied in and out.
 */
public final class DictionaryAutoencoder implements Autoencoder {
  private static final long serialVersionUID = 1L;

  private final SparseCoder coder;
  private final double penalty;

  public DictionaryAutoencoder(SparseCoder coder) {
    this.coder = coder;
    this.penalty = coder.solver() == SparseCoder.Solver.LASSO ? coder.lambda() : 0.0;
  }

  public SparseCoder coder() {
    return coder;
  }

  /** The dictionary Phi, d x m (a copy). */
  public DenseMatrix dictionary() {
    return coder.dictionary();
  }

  @Override
  public int inputSize() {
    return coder.inputSize();
  }

  @Override
  public int codeSize() {
    return coder.atoms();
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    coder.encode(x, n, z);
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    DenseMatrix zs = z.cols == n ? z : new DenseMatrix(z.rows, n, z.values);
    DenseMatrix xs = xhat.cols == n ? xhat : new DenseMatrix(xhat.rows, n, xhat.values);
    DenseMatrix.gemm(1.0, coder.phiView(), false, zs, false, 0.0, xs);
  }

  /** {@code out[j] = ||x_j - Phi z_j||_2^2 + lambda ||z_j||_1} (the l1 term only for the lasso). */
  @Override
  public void loss(DenseMatrix x, int n, double[] out) {
    DenseMatrix z = new DenseMatrix(codeSize(), n);
    DenseMatrix xhat = new DenseMatrix(inputSize(), n);
    encode(x, n, z);
    decode(z, n, xhat);
    Autoencoder.squaredErrors(x, xhat, n, out);
    if (penalty > 0) {
      double[] l1 = new double[n];
      SparseCoder.l1Norms(z, n, l1);
      for (int j = 0; j < n; j++) {
        out[j] += penalty * l1[j];
      }
    }
  }

  @Override
  public boolean squaredErrorLoss() {
    return penalty == 0;
  }

  @Override
  public String lossName() {
    return penalty == 0 ? "squared error" : "squared error + lambda * l1";
  }
}
