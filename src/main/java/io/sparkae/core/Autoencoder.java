package io.sparkae.core;

import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;

/**
 * The contract every fitted sparkae model implements: an encoder f (x to code z), a decoder g (z to a
 * reconstruction, or to the parameters of a distribution over x) and a per-row loss l(x, g(f(x))).
 *
 * <p>The batched forms work on dense blocks: X is d x capacity with data row j in column j, Z is codeSize x
 * capacity, and only the first {@code n} columns are read or written. Implementations are plain arrays and
 * {@code linalg}: no Spark types, so that the same object is broadcast to executors, used in tests and saved.
 * Implementations must be immutable after construction and safe to use from several threads.
 */
public interface Autoencoder extends Serializable {

  /** The input dimension d. */
  int inputSize();

  /** The code dimension. */
  int codeSize();

  /** {@code Z[:, 0..n) := f(X[:, 0..n))}. */
  void encode(DenseMatrix x, int n, DenseMatrix z);

  /** {@code Xhat[:, 0..n) := g(Z[:, 0..n))} (the reconstruction, or the decoder's mean). */
  void decode(DenseMatrix z, int n, DenseMatrix xhat);

  /**
   * Per-row loss {@code out[j] = l(x_j, g(f(x_j)))} for j < n. The default is the squared error
   * {@code ||x - g(f(x))||_2^2}, summed over the d features.
   */
  default void loss(DenseMatrix x, int n, double[] out) {
    DenseMatrix z = new DenseMatrix(codeSize(), n);
    DenseMatrix xhat = new DenseMatrix(inputSize(), n);
    encode(x, n, z);
    decode(z, n, xhat);
    squaredErrors(x, xhat, n, out);
  }

  /** True when the loss is the squared reconstruction error, so that explained variance is meaningful. */
  default boolean squaredErrorLoss() {
    return true;
  }

  /**
   * True when NaN in a row marks a missing entry that encode, decode and loss handle (probabilistic PCA fit with
   * missing entries); then the transform's and the evaluation's row check lets NaN through (infinite values are
   * still refused). False by default: NaN is an error naming the row.
   */
  default boolean acceptsMissing() {
    return false;
  }

  /** A short name for the loss in reports, e.g. "squared error" or "-ELBO (nats)". */
  default String lossName() {
    return "squared error";
  }

  /** f(x) for one row. */
  default double[] encode(double[] x) {
    DenseMatrix z = new DenseMatrix(codeSize(), 1);
    encode(new DenseMatrix(x.length, 1, x), 1, z);
    return z.values;
  }

  /** g(z) for one code. */
  default double[] decode(double[] z) {
    DenseMatrix xhat = new DenseMatrix(inputSize(), 1);
    decode(new DenseMatrix(z.length, 1, z), 1, xhat);
    return xhat.values;
  }

  /** l(x, g(f(x))) for one row. */
  default double loss(double[] x) {
    double[] out = new double[1];
    loss(new DenseMatrix(x.length, 1, x), 1, out);
    return out[0];
  }

  /** {@code out[j] = ||x_j - xhat_j||^2} for the first n columns. */
  static void squaredErrors(DenseMatrix x, DenseMatrix xhat, int n, double[] out) {
    int d = x.rows;
    for (int j = 0; j < n; j++) {
      double s = 0;
      int off = j * d;
      for (int i = 0; i < d; i++) {
        double e = x.values[off + i] - xhat.values[off + i];
        s += e * e;
      }
      out[j] = s;
    }
  }
}
