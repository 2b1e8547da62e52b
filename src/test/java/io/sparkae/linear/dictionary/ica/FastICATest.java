package io.sparkae.linear.dictionary.ica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import io.sparkae.testing.Spread;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastICATest extends SparkTest {

  /**
   * Normalised Amari distance of P = (estimated unmixing) x (true mixing), k x k: 0 exactly when P is a scaled
   * permutation, at most 1. (Amari, Cichocki, Yang 1996.)
   */
  static double amari(DenseMatrix p) {
    int k = p.rows;
    double rows = 0;
    double cols = 0;
    for (int i = 0; i < k; i++) {
      double max = 0;
      double sum = 0;
      for (int j = 0; j < k; j++) {
        double a = Math.abs(p.get(i, j));
        max = Math.max(max, a);
        sum += a;
      }
      rows += sum / max - 1;
    }
    for (int j = 0; j < k; j++) {
      double max = 0;
      double sum = 0;
      for (int i = 0; i < k; i++) {
        double a = Math.abs(p.get(i, j));
        max = Math.max(max, a);
        sum += a;
      }
      cols += sum / max - 1;
    }
    return (rows + cols) / (2.0 * k * (k - 1));
  }

  @Test
  @Tag("stochastic")
  void unmixesUniformAndLaplaceSources(@TempDir Path dir) throws Exception {
    int n = 3000;
    SplittableRandom r = new SplittableRandom(Spread.seed(5));
    DenseMatrix mixing = new DenseMatrix(3, 3);
    for (int i = 0; i < 9; i++) {
      mixing.values[i] = Planted.gaussian(r);
    }
    double[][] rows = new double[n][3];
    for (double[] x : rows) {
      double[] s = {(r.nextDouble() * 2 - 1) * Math.sqrt(3), laplace(r), (r.nextDouble() * 2 - 1) * Math.sqrt(3)};
      for (int i = 0; i < 3; i++) {
        x[i] = 10 + mixing.get(i, 0) * s[0] + mixing.get(i, 1) * s[1] + mixing.get(i, 2) * s[2];
      }
    }
    Dataset<Row> df = Planted.frame(spark(), rows, 2).cache();
    ICAModel m = new FastICA().setK(3).setContrast("logcosh").setTol(1e-5).setMaxIter(50).setSeed(Spread.seed(7)).fit(df);
    // Measured 0.007 to 0.023 (median 0.012) over 5 seeds and both BLAS: the bound is the median plus 3 spreads.
    double distance = Spread.record("ica.amari", amari(DenseMatrix.multiply(m.unmixing(), false, mixing, false)));
    assertTrue(distance < 0.06, "Amari distance " + distance);
    Spread.record("ica.rounds", m.history().values().length); // measured 3 to 6
    assertTrue(m.history().values().length < 50, "converged in " + m.history().values().length + " rounds");
    // k = d: decoding inverts encoding exactly.
    assertTrue(m.evaluate(df).meanLoss() < 1e-18 * n, "lossless with k = d");
    String path = dir.resolve("ica").toString();
    m.write().save(path);
    ICAModel loaded = ICAModel.load(path);
    assertEquals(0.0, m.unmixing().maxAbsDiff(loaded.unmixing()));
    assertArrayEquals(m.history().values(), loaded.history().values(), 0.0);
    df.unpersist();
  }

  private static double laplace(SplittableRandom r) {
    double u = r.nextDouble() - 0.5;
    return -Math.signum(u) * Math.log(1 - 2 * Math.abs(u)) / Math.sqrt(2);
  }
}
