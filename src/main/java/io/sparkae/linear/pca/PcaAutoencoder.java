package io.sparkae.linear.pca;

import io.sparkae.core.Autoencoder;
import io.sparkae.linalg.DenseMatrix;

/**
 * PCA as an autoencoder. With mean mu (d), orthonormal components W (d x k) and component variances
 * lambda_1 >= ... >= lambda_k:
 * <pre>
 *   encoder  z = W^T (x - mu)            (whitened: z_i /= sqrt(lambda_i))
 *   decoder  x^ = W z + mu               (whitened: z_i *= sqrt(lambda_i) first)
 *   loss     ||x - x^||_2^2
 * </pre>
 * Immutable; arrays are copied in and never exposed.
 */
public final class PcaAutoencoder implements Autoencoder {
  private static final long serialVersionUID = 1L;

  private final double[] mean;
  private final DenseMatrix components;
  private final double[] variances;
  private final boolean whiten;
  /** W^T mu, so that encode is one gemm and a column shift. */
  private final double[] projectedMean;
  private final double[] scale;

  public PcaAutoencoder(double[] mean, DenseMatrix components, double[] variances, boolean whiten) {
    if (components.rows != mean.length || components.cols != variances.length) {
      throw new IllegalArgumentException("PCA: mean has " + mean.length + " entries, components are "
          + components.shape() + ", variances have " + variances.length + " entries");
    }
    this.mean = mean.clone();
    this.components = components.copy();
    this.variances = variances.clone();
    this.whiten = whiten;
    this.projectedMean = components.transposeMultiply(mean);
    this.scale = new double[variances.length];
    for (int i = 0; i < scale.length; i++) {
      // A zero-variance component whitens to 0 rather than infinity.
      scale[i] = !whiten ? 1.0 : variances[i] > 0 ? 1.0 / Math.sqrt(variances[i]) : 0.0;
    }
  }

  @Override
  public int inputSize() {
    return mean.length;
  }

  @Override
  public int codeSize() {
    return variances.length;
  }

  public double[] mean() {
    return mean.clone();
  }

  public DenseMatrix components() {
    return components.copy();
  }

  public double[] variances() {
    return variances.clone();
  }

  public boolean whiten() {
    return whiten;
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    int k = codeSize();
    DenseMatrix xs = x.cols == n ? x : new DenseMatrix(x.rows, n, x.values);
    DenseMatrix zs = z.cols == n ? z : new DenseMatrix(z.rows, n, z.values);
    DenseMatrix.gemm(1.0, components, true, xs, false, 0.0, zs);
    for (int j = 0; j < n; j++) {
      int off = j * k;
      for (int i = 0; i < k; i++) {
        z.values[off + i] = (z.values[off + i] - projectedMean[i]) * scale[i];
      }
    }
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    int k = codeSize();
    int d = inputSize();
    DenseMatrix zs = z;
    if (whiten) {
      zs = new DenseMatrix(k, n);
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < k; i++) {
          zs.values[j * k + i] = scale[i] == 0 ? 0 : z.values[j * k + i] / scale[i];
        }
      }
    } else if (z.cols != n) {
      zs = new DenseMatrix(k, n, z.values);
    }
    DenseMatrix xs = xhat.cols == n ? xhat : new DenseMatrix(d, n, xhat.values);
    for (int j = 0; j < n; j++) {
      System.arraycopy(mean, 0, xhat.values, j * d, d);
    }
    DenseMatrix.gemm(1.0, components, false, zs, false, 1.0, xs);
  }
}
