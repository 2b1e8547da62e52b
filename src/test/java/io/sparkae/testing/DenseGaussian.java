package io.sparkae.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import org.netlib.util.intW;

/** Dense references for Gaussian densities: the d x d computations that the models avoid. */
public final class DenseGaussian {
  private DenseGaussian() {}

  /** {@code W W^T + s2 I}, the probabilistic PCA covariance, as a dense d x d matrix. */
  public static DenseMatrix ppcaCovariance(DenseMatrix w, double s2) {
    DenseMatrix c = DenseMatrix.multiply(w, false, w, true);
    for (int i = 0; i < c.rows; i++) {
      c.values[i * c.rows + i] += s2;
    }
    return c;
  }

  /** {@code -log N(x; mu, C)} by a dense Cholesky factor of C (C is not changed). */
  public static double negLogLik(DenseMatrix c, double[] mu, double[] x) {
    int d = mu.length;
    double[] l = c.values.clone();
    intW info = new intW(0);
    Blas.reproducibleLapack().dpotrf("L", d, l, d, info);
    assertEquals(0, info.val, "the reference covariance is not positive definite");
    double[] r = new double[d];
    for (int i = 0; i < d; i++) {
      r[i] = x[i] - mu[i];
    }
    double[] y = r.clone();
    Blas.reproducibleLapack().dpotrs("L", d, 1, l, d, y, d, info);
    double quad = 0;
    double logDet = 0;
    for (int i = 0; i < d; i++) {
      quad += r[i] * y[i];
      logDet += 2 * Math.log(l[i * d + i]);
    }
    return 0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
  }
}
