package io.sparkae.linear.ppca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;
import io.sparkae.testing.DenseGaussian;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
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

  @Test
  void lossIsTheExactNegativeLogLikelihood() {
    DenseMatrix w = gaussian(D, K, 1.5, 1);
    double s2 = 0.3;
    double[] mu = gaussian(D, 1, 2.0, 2).values;
    PpcaAutoencoder ae = new PpcaAutoencoder(mu, w, s2);
    DenseMatrix c = DenseGaussian.ppcaCovariance(w, s2);
    int n = 50;
    DenseMatrix x = gaussian(D, n, 2.0, 3);
    double[] out = new double[n];
    ae.loss(x, n, out);
    for (int j = 0; j < n; j++) {
      double expected = DenseGaussian.negLogLik(c, mu, x.column(j));
      // Both are double computations on well-conditioned 12 x 12 matrices (condition number of C below 1e3):
      // rounding errors are about 1e-13 of values near 30 nats; 1e-9 leaves four orders of magnitude.
      assertEquals(expected, out[j], 1e-9 * Math.max(1, Math.abs(expected)), "row " + j);
    }
    double[] ones = new double[D];
    assertEquals(DenseGaussian.negLogLik(c, mu, ones), ae.loss(ones), 1e-9 * 30);
  }

  @Test
  void missingEntriesUseTheObservedMarginalAndPosterior() {
    DenseMatrix w = gaussian(D, K, 1.5, 7);
    double s2 = 0.3;
    double[] mu = gaussian(D, 1, 2.0, 8).values;
    PpcaAutoencoder ae = new PpcaAutoencoder(mu, w, s2, true);
    PpcaAutoencoder plain = new PpcaAutoencoder(mu, w, s2);
    assertTrue(ae.acceptsMissing());
    assertTrue(!plain.acceptsMissing());
    DenseMatrix c = DenseGaussian.ppcaCovariance(w, s2);
    int n = 40;
    DenseMatrix x = gaussian(D, n, 2.0, 9);
    DenseMatrix complete = x.copy();
    // Row j misses j mod 13 entries (0: complete; 10 and 11: fewer observed entries than k = 3; 12: none),
    // chosen by a seeded shuffle.
    SplittableRandom r = new SplittableRandom(10);
    for (int j = 0; j < n; j++) {
      int[] order = new int[D];
      for (int i = 0; i < D; i++) {
        order[i] = i;
      }
      for (int i = D - 1; i > 0; i--) {
        int t = r.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[t];
        order[t] = tmp;
      }
      for (int i = 0; i < j % 13; i++) {
        x.values[j * D + order[i]] = Double.NaN;
      }
    }
    double[] loss = new double[n];
    ae.loss(x, n, loss);
    DenseMatrix z = new DenseMatrix(K, n);
    ae.encode(x, n, z);
    DenseMatrix xhat = new DenseMatrix(D, n);
    ae.decode(z, n, xhat);
    double[] plainLoss = new double[n];
    plain.loss(complete, n, plainLoss);
    DenseMatrix plainZ = new DenseMatrix(K, n);
    plain.encode(complete, n, plainZ);
    for (int j = 0; j < n; j++) {
      int col = j;
      int[] o = IntStream.range(0, D).filter(i -> !Double.isNaN(x.get(i, col))).toArray();
      int m = o.length;
      assertEquals(D - j % 13, m);
      if (m == D) {
        // A row without NaN: exactly the complete-data path, bit for bit.
        assertEquals(plainLoss[j], loss[j], 0.0, "complete row " + j);
        for (int a = 0; a < K; a++) {
          assertEquals(plainZ.get(a, j), z.get(a, j), 0.0, "complete row " + j + " code " + a);
        }
        continue;
      }
      if (m == 0) {
        // Nothing observed: the prior mean and log p of nothing, 0.
        assertEquals(0.0, loss[j], 0.0);
        for (int a = 0; a < K; a++) {
          assertEquals(0.0, z.get(a, j), 0.0);
        }
        continue;
      }
      // The reference: the dense observed sub-covariance C_OO = W_O W_O^T + s2 I (m x m) and its Cholesky factor.
      DenseMatrix coo = new DenseMatrix(m, m);
      DenseMatrix wo = new DenseMatrix(m, K);
      double[] muO = new double[m];
      double[] xo = new double[m];
      for (int a = 0; a < m; a++) {
        muO[a] = mu[o[a]];
        xo[a] = x.get(o[a], j);
        for (int b = 0; b < m; b++) {
          coo.set(a, b, c.get(o[a], o[b]));
        }
        for (int t = 0; t < K; t++) {
          wo.set(a, t, w.get(o[a], t));
        }
      }
      double expected = DenseGaussian.negLogLik(coo, muO, xo);
      // Double computations on well-conditioned matrices of size at most 12: rounding about 1e-13 of values below
      // 40 nats; 1e-9 leaves four orders of magnitude.
      assertEquals(expected, loss[j], 1e-9 * Math.max(1, Math.abs(expected)), "row " + j + ", " + m + " observed");
      // E[z | x_O] = W_O^T C_OO^-1 (x_O - mu_O) (push-through identity: equal to M_O^-1 W_O^T (x_O - mu_O)).
      double[] rO = new double[m];
      for (int a = 0; a < m; a++) {
        rO[a] = xo[a] - muO[a];
      }
      double[] l = coo.values.clone();
      intW info = new intW(0);
      Blas.reproducibleLapack().dpotrf("L", m, l, m, info);
      Blas.reproducibleLapack().dpotrs("L", m, 1, l, m, rO, m, info);
      double[] ez = wo.transposeMultiply(rO);
      for (int a = 0; a < K; a++) {
        // Codes of size about 1, the same rounding argument: 1e-10.
        assertEquals(ez[a], z.get(a, j), 1e-10, "row " + j + " code " + a);
      }
      // The reconstruction W z + mu fills every entry, the missing ones included.
      double[] wz = w.multiply(z.column(j));
      for (int i = 0; i < D; i++) {
        assertEquals(mu[i] + wz[i], xhat.get(i, j), 1e-12);
      }
    }
    // The one-row forms agree with the block.
    assertEquals(loss[5], ae.loss(x.column(5)), 0.0);
    // A model without missing entries computes NaN for such a row (the row check refuses it before it gets here).
    assertTrue(Double.isNaN(plain.loss(x.column(5))));
  }

  @Test
  void encoderIsThePosteriorMeanAndDecoderItsMean() {
    DenseMatrix w = gaussian(D, K, 1.0, 4);
    double s2 = 0.5;
    double[] mu = gaussian(D, 1, 1.0, 5).values;
    PpcaAutoencoder ae = new PpcaAutoencoder(mu, w, s2);
    // E[z | x] = W^T C^-1 (x - mu), the same matrix as M^-1 W^T by the push-through identity.
    DenseMatrix c = DenseGaussian.ppcaCovariance(w, s2);
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
    DenseMatrix c = DenseGaussian.ppcaCovariance(w, s2);
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
