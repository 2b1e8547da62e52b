package io.sparkae.linear.dictionary.ica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import org.junit.jupiter.api.Test;

/** The driver's FastICA step alone: decorrelation gives an orthogonal matrix; contrasts match their derivatives. */
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
}
