package io.sparkae.linear.ppca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netlib.util.intW;

/** Probabilistic PCA's arithmetic against dense d x d computations and the maximum-likelihood conditions. */
class PpcaAutoencoderTest {
  private static final int D = 12;
  private static final int K = 3;

  private static DenseMatrix gaussian(int rows, int cols, double scale, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DenseMatrix m = new DenseMatrix(rows, cols);
    for (int i = 0; i < m.values.length; i++) {
      m.values[i] = scale * r.nextGaussian();
    }
    return m;
  }

  /** C = W W^T + s2 I, dense. */
  private static DenseMatrix covariance(DenseMatrix w, double s2) {
    DenseMatrix c = DenseMatrix.multiply(w, false, w, true);
    for (int i = 0; i < c.rows; i++) {
      c.values[i * c.rows + i] += s2;
    }
    return c;
  }

  /** -log N(x; mu, C) by a dense Cholesky factor of C: the reference. */
  private static double denseNegLogLik(DenseMatrix c, double[] mu, double[] x) {
    int d = mu.length;
    double[] l = c.values.clone();
    intW info = new intW(0);
    Blas.reproducibleLapack().dpotrf("L", d, l, d, info);
    assertEquals(0, info.val);
    double[] r = new double[d];
    for (int i = 0; i < d; i++) {
      r[i] = x[i] - mu[i];
    }
    Blas.reproducibleLapack().dpotrs("L", d, 1, l, d, r, d, info);
    double quad = 0;
    for (int i = 0; i < d; i++) {
      quad += (x[i] - mu[i]) * r[i];
    }
    double logDet = 0;
    for (int i = 0; i < d; i++) {
      logDet += 2 * Math.log(l[i * d + i]);
    }
    return 0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
  }

  @Test
  void lossIsTheExactNegativeLogLikelihood() {
    DenseMatrix w = gaussian(D, K, 1.5, 1);
    double s2 = 0.3;
    double[] mu = gaussian(D, 1, 2.0, 2).values;
    PpcaAutoencoder ae = new PpcaAutoencoder(mu, w, s2);
    DenseMatrix c = covariance(w, s2);
    int n = 50;
    DenseMatrix x = gaussian(D, n, 2.0, 3);
    double[] out = new double[n];
    ae.loss(x, n, out);
    for (int j = 0; j < n; j++) {
      double expected = denseNegLogLik(c, mu, x.column(j));
      // Both are double computations on well-conditioned 12 x 12 matrices (condition number of C below 1e3):
      // rounding errors are about 1e-13 of values near 30 nats; 1e-9 leaves four orders of magnitude.
      assertEquals(expected, out[j], 1e-9 * Math.max(1, Math.abs(expected)), "row " + j);
    }
    double[] ones = new double[D];
    assertEquals(denseNegLogLik(c, mu, ones), ae.loss(ones), 1e-9 * 30);
  }

  @Test
  void encoderIsThePosteriorMeanAndDecoderItsMean() {
    DenseMatrix w = gaussian(D, K, 1.0, 4);
    double s2 = 0.5;
    double[] mu = gaussian(D, 1, 1.0, 5).values;
    PpcaAutoencoder ae = new PpcaAutoencoder(mu, w, s2);
    // E[z | x] = W^T C^-1 (x - mu), the same matrix as M^-1 W^T by the push-through identity.
    DenseMatrix c = covariance(w, s2);
    double[] x = gaussian(D, 1, 1.0, 6).values;
    double[] r = new double[D];
    for (int i = 0; i < D; i++) {
      r[i] = x[i] - mu[i];
    }
    intW info = new intW(0);
    double[] l = c.values.clone();
    Blas.reproducibleLapack().dpotrf("L", D, l, D, info);
    Blas.reproducibleLapack().dpotrs("L", D, 1, l, D, r, D, info);
    double[] expected = w.transposeMultiply(r);
    double[] z = ae.encode(x);
    for (int i = 0; i < K; i++) {
      assertEquals(expected[i], z[i], 1e-10, "posterior mean " + i);
    }
    double[] xhat = ae.decode(z);
    double[] wz = w.multiply(z);
    for (int i = 0; i < D; i++) {
      assertEquals(mu[i] + wz[i], xhat[i], 1e-12);
    }
    // Posterior covariance s2 M^-1 times M = W^T W + s2 I is s2 I.
    DenseMatrix m = DenseMatrix.multiply(w, true, w, false);
    for (int i = 0; i < K; i++) {
      m.values[i * K + i] += s2;
    }
    DenseMatrix prod = DenseMatrix.multiply(ae.posteriorCovariance(), false, m, false);
    for (int i = 0; i < K; i++) {
      for (int j = 0; j < K; j++) {
        assertEquals(i == j ? s2 : 0, prod.get(i, j), 1e-12);
      }
    }
  }

  @Test
  void maximumLikelihoodSatisfiesItsStationaryConditions() {
    // Planted PPCA data: W0 (12 x 3), s2 = 0.2.
    int n = 4000;
    DenseMatrix w0 = gaussian(D, K, 2.0, 7);
    DenseMatrix z = gaussian(K, n, 1.0, 8);
    DenseMatrix x = DenseMatrix.multiply(w0, false, z, false);
    DenseMatrix noise = gaussian(D, n, Math.sqrt(0.2), 9);
    x.addScaled(1.0, noise);
    double[] mu = new double[D];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < D; i++) {
        mu[i] += x.values[j * D + i] / n;
      }
    }
    DenseMatrix centred = x.copy();
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < D; i++) {
        centred.values[j * D + i] -= mu[i];
      }
    }
    DenseMatrix s = DenseMatrix.multiply(centred, false, centred, true);
    s.scale(1.0 / n);
    SymmetricEigen all = SymmetricEigen.top(s, D);
    double trace = 0;
    for (double v : all.values) {
      trace += v;
    }
    double[] top = java.util.Arrays.copyOf(all.values, K);
    PpcaAutoencoder ml = PpcaAutoencoder.maximumLikelihood(mu, all.vectors.leadingColumns(K), top, trace);
    double discarded = 0;
    for (int i = K; i < D; i++) {
      discarded += all.values[i];
    }
    assertEquals(discarded / (D - K), ml.noiseVariance(), 1e-12, "s2 is the mean discarded eigenvalue");
    // Planted noise 0.2; with n = 4000 the estimate's standard error is about 0.2 sqrt(2 / (n (d - k))) = 0.0015.
    assertEquals(0.2, ml.noiseVariance(), 0.02);
    // At the maximum, tr(C^-1 S) = d (Tipping and Bishop 1999): the mean Mahalanobis term over the rows is d, so
    // the mean loss is (d log 2 pi + log det C + d) / 2.
    double[] out = new double[n];
    ml.loss(x, n, out);
    double mean = 0;
    for (double v : out) {
      mean += v / n;
    }
    double atMax = 0.5 * (D * Math.log(2 * Math.PI) + ml.logDetCovariance() + D);
    assertEquals(atMax, mean, 1e-9 * Math.abs(atMax));
    // And any other (W, s2) nearby fits worse.
    DenseMatrix wml = ml.loadings();
    for (long seed = 10; seed < 15; seed++) {
      DenseMatrix w = wml.copy();
      w.addScaled(0.05, gaussian(D, K, 1.0, seed));
      for (double f : new double[] {0.9, 1.0, 1.1}) {
        PpcaAutoencoder other = new PpcaAutoencoder(mu, w, ml.noiseVariance() * f);
        other.loss(x, n, out);
        double m2 = 0;
        for (double v : out) {
          m2 += v / n;
        }
        assertTrue(m2 > mean, "perturbed model (seed " + seed + ", s2 x " + f + ") has mean loss " + m2
            + ", the maximum " + mean);
      }
    }
  }

  @Test
  void samplesHaveTheModelsCovariance() {
    DenseMatrix w = gaussian(D, K, 1.0, 20);
    double s2 = 0.4;
    double[] mu = gaussian(D, 1, 1.0, 21).values;
    PpcaAutoencoder ae = new PpcaAutoencoder(mu, w, s2);
    int n = 40000;
    DenseMatrix x = ae.sample(n, 22);
    DenseMatrix c = covariance(w, s2);
    double[] m = new double[D];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < D; i++) {
        m[i] += x.values[j * D + i] / n;
      }
    }
    for (int i = 0; i < D; i++) {
      // Standard error of a mean: sqrt(C_ii / n); 6 of them.
      assertEquals(mu[i], m[i], 6 * Math.sqrt(c.get(i, i) / n), "mean " + i);
    }
    for (int a = 0; a < D; a++) {
      for (int b = 0; b < D; b++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += (x.values[j * D + a] - m[a]) * (x.values[j * D + b] - m[b]);
        }
        s /= n;
        // Standard error of a Gaussian sample covariance entry: sqrt((C_aa C_bb + C_ab^2) / n); 6 of them keeps
        // the chance that any of the 144 entries fails below 1e-6.
        double se = Math.sqrt((c.get(a, a) * c.get(b, b) + c.get(a, b) * c.get(a, b)) / n);
        assertEquals(c.get(a, b), s, 6 * se, "covariance " + a + "," + b);
      }
    }
    assertEquals(x.maxAbsDiff(ae.sample(n, 22)), 0.0, "same seed, same samples");
  }

  @Test
  void badSettingsAreRefused() {
    DenseMatrix w = gaussian(D, K, 1.0, 30);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new PpcaAutoencoder(new double[D], w, 0))
        .getMessage().contains("noise variance"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new PpcaAutoencoder(new double[D + 1], w, 1))
        .getMessage().contains("W is 12x3"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PpcaAutoencoder.maximumLikelihood(new double[2],
        DenseMatrix.identity(2), new double[] {1, 1}, 2)).getMessage().contains("k < d"));
  }
}
