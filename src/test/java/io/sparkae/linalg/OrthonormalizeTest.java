package io.sparkae.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shifted CholeskyQR3: orthonormal to working precision and spanning the input's range, up to kappa = 1e12. */
class OrthonormalizeTest {
  /** A = U diag(s) V^T with s log-spaced from 1 down to 1 / kappa. */
  private static DenseMatrix conditioned(int m, int n, double kappa, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DenseMatrix g = new DenseMatrix(m, n);
    DenseMatrix h = new DenseMatrix(n, n);
    for (int i = 0; i < g.values.length; i++) {
      g.values[i] = r.nextGaussian();
    }
    for (int i = 0; i < h.values.length; i++) {
      h.values[i] = r.nextGaussian();
    }
    DenseMatrix u = Orthonormalize.householder(g);
    DenseMatrix v = Orthonormalize.householder(h);
    for (int j = 0; j < n; j++) {
      double s = Math.pow(kappa, -j / (double) (n - 1));
      for (int i = 0; i < m; i++) {
        u.set(i, j, u.get(i, j) * s);
      }
    }
    return DenseMatrix.multiply(u, false, v, true);
  }

  @Test
  void orthonormalAndSameRangeUpToKappa1e12() {
    for (double kappa : new double[] {1, 1e6, 1e12}) {
      DenseMatrix a = conditioned(3000, 40, kappa, 5);
      DenseMatrix q = Orthonormalize.q(a);
      DenseMatrix qtq = DenseMatrix.multiply(q, true, q, false);
      double worst = 0;
      for (int j = 0; j < 40; j++) {
        for (int i = 0; i < 40; i++) {
          worst = Math.max(worst, Math.abs(qtq.get(i, j) - (i == j ? 1 : 0)));
        }
      }
      // CholeskyQR2 after a shifted pass is orthogonal to O(u) (Fukaya et al. 2020, Theorem 4.2); 40 columns of
      // 3000 rows give about 1e-15 here, 1e-12 leaves a factor of 1000.
      assertTrue(worst < 1e-12, "kappa " + kappa + ": |Q^T Q - I| = " + worst);
      // Residual of the projection: ||A - Q Q^T A||_F / ||A||_F is O(u) too.
      DenseMatrix p = DenseMatrix.multiply(q, false, DenseMatrix.multiply(q, true, a, false), false);
      double num = 0;
      double den = 0;
      for (int i = 0; i < a.values.length; i++) {
        num += (a.values[i] - p.values[i]) * (a.values[i] - p.values[i]);
        den += a.values[i] * a.values[i];
      }
      assertTrue(Math.sqrt(num / den) < 1e-12, "kappa " + kappa + ": residual " + Math.sqrt(num / den));
      assertArrayEquals(q.values, Orthonormalize.q(a).values, 0.0, "the same input gives the same bits");
      DenseMatrix qt = Orthonormalize.qTransposed(a.transpose());
      double diff = 0;
      for (int i = 0; i < 3000; i++) {
        for (int j = 0; j < 40; j++) {
          diff = Math.max(diff, Math.abs(qt.get(j, i) - q.get(i, j)));
        }
      }
      // The same arithmetic in the other layout: equal up to rounding (Q itself is well conditioned).
      assertTrue(diff < 1e-12, "kappa " + kappa + ": transposed layout differs by " + diff);
    }
  }

  @Test
  void zeroMatrixFallsBackToHouseholder() {
    DenseMatrix q = Orthonormalize.q(new DenseMatrix(10, 3));
    DenseMatrix qtq = DenseMatrix.multiply(q, true, q, false);
    for (int i = 0; i < 3; i++) {
      assertTrue(Math.abs(qtq.get(i, i) - 1) < 1e-12);
    }
  }
}
