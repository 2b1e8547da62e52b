package io.sparkae.neural.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariationalAutoencoderTest extends SparkTest {
  private static final int D = 8;
  private static final double[] SCALES = {3.0, 2.0};
  private static final double NOISE = 0.5;

  private static double[] mean() {
    double[] mu = new double[D];
    for (int i = 0; i < D; i++) {
      mu[i] = 0.5 * i - 1;
    }
    return mu;
  }

  /** Exact mean log N(x; mu, U S^2 U^T + noise^2 I) of rows, by Cholesky. */
  private static double exactMeanLogLikelihood(double[][] rows, DenseMatrix u) {
    double[][] c = new double[D][D];
    for (int a = 0; a < D; a++) {
      for (int b = 0; b < D; b++) {
        double s = a == b ? NOISE * NOISE : 0;
        for (int j = 0; j < SCALES.length; j++) {
          s += u.get(a, j) * u.get(b, j) * SCALES[j] * SCALES[j];
        }
        c[a][b] = s;
      }
    }
    double[][] l = new double[D][D];
    double logDet = 0;
    for (int i = 0; i < D; i++) {
      for (int j = 0; j <= i; j++) {
        double s = c[i][j];
        for (int t = 0; t < j; t++) {
          s -= l[i][t] * l[j][t];
        }
        l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
      }
      logDet += 2 * Math.log(l[i][i]);
    }
    double[] mu = mean();
    double total = 0;
    double[] y = new double[D];
    for (double[] x : rows) {
      double q = 0;
      for (int i = 0; i < D; i++) {
        double s = x[i] - mu[i];
        for (int t = 0; t < i; t++) {
          s -= l[i][t] * y[t];
        }
        y[i] = s / l[i][i];
        q += y[i] * y[i];
      }
      total += -0.5 * (D * Math.log(2 * Math.PI) + logDet + q);
    }
    return total / rows.length;
  }

  @Test
  void linearGaussianVaeReachesTheExactLikelihoodOfProbabilisticPca() {
    DenseMatrix u = Planted.orthonormal(D, 2, 41);
    double[][] train = Planted.lowRank(6000, u, SCALES, mean(), NOISE, 42);
    double[][] test = Planted.lowRank(2000, u, SCALES, mean(), NOISE, 43);
    Dataset<Row> trainDf = Planted.frame(spark(), train, 2).cache();
    Dataset<Row> testDf = Planted.frame(spark(), test, 2).cache();
    VariationalAutoencoderModel m = new VariationalAutoencoder().setLatentSize(2).setHiddenLayers()
        .setLikelihood("gaussian").setActivation("identity").setEpochs(40).setBatchSize(32).setAveragingFrequency(32)
        .setLearningRate(0.01).setLearningRateDecay(0.85).setDecayEvery(4).setSeed(7).fit(trainDf);
    double exact = exactMeanLogLikelihood(test, u);
    VaeEvaluation.Result r = m.evaluateLikelihood(testDf, 200);
    trainDf.unpersist();
    testDf.unpersist();
    // A linear VAE can represent the PPCA posterior exactly (Lucas et al. 2019), so its ELBO is tight at the optimum.
    assertTrue(Math.abs(-r.negElbo() - exact) < 0.1, "test ELBO " + (-r.negElbo()) + " vs exact log p " + exact);
    assertTrue(Math.abs(r.logLikelihood() - exact) < 0.1, "IW log p " + r.logLikelihood() + " vs exact " + exact);
  }
}
