package io.sparkae.linear.dictionary.ica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The driver's FastICA step alone: decorrelation gives an orthogonal matrix; contrasts match their derivatives and
 * their fused pass.
 */
class FastIcaStepTest {

  @Test
  void symmetricDecorrelationIsOrthogonalAndKeepsAnOrthogonalMatrix() {
    DenseMatrix w = new DenseMatrix(3, 3, new double[] {2, 0.3, -1, 0.5, 1, 0.2, -0.4, 0.7, 3});
    DenseMatrix q = FastIcaStep.symmetricDecorrelation(w);
    assertTrue(DenseMatrix.multiply(q, false, q, true).maxAbsDiff(DenseMatrix.identity(3)) < 1e-12);
    assertTrue(FastIcaStep.symmetricDecorrelation(q).maxAbsDiff(q) < 1e-12, "a fixed point on orthogonal input");
    assertEquals(0.0, FastIcaStep.change(q, q), 1e-12);
  }

  @Test
  void contrastDerivativesMatchFiniteDifferences() {
    for (Contrast c : Contrast.values()) {
      for (double u : new double[] {-2, -0.3, 0.1, 1.7}) {
        double h = 1e-6;
        assertEquals((c.g(u + h) - c.g(u - h)) / (2 * h), c.gPrime(u), 1e-6, c + " at " + u);
      }
    }
  }

  /** The rounds' fused pass over a block gives g and the sums of g' exactly as the two functions do, entry by entry. */
  @Test
  void fusedContrastPassEqualsGAndGPrime() {
    int k = 3;
    int n = 5;
    SplittableRandom r = new SplittableRandom(11);
    for (Contrast c : Contrast.values()) {
      double[] y = new double[k * n];
      for (int i = 0; i < y.length; i++) {
        y[i] = r.nextDouble(-4, 4);
      }
      double[] expectG = new double[y.length];
      double[] expectGp = {0.25, -1, 2};
      double[] gp = expectGp.clone();
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < k; i++) {
          expectG[t * k + i] = c.g(y[t * k + i]);
          expectGp[i] += c.gPrime(y[t * k + i]);
        }
      }
      c.applyInPlace(y, k, n, gp);
      assertArrayEquals(expectG, y, 0.0, c + ": g");
      assertArrayEquals(expectGp, gp, 0.0, c + ": sums of g' added to gp");
    }
  }
}
