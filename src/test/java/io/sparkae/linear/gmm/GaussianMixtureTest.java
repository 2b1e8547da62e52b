package io.sparkae.linear.gmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.kmeans.KMeansModel;
import io.sparkae.testing.Cli;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.distribution.MultivariateGaussian;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaussianMixtureTest extends SparkTest {

  /** Rows from k Gaussians N(mu_c, A_c A_c^T), row t from component t mod k; A_c lower triangular. */
  static final class Planted3 {
    final double[][] rows;
    final int[] labels;
    final double[][] means;
    final DenseMatrix[] covs;

    Planted3(int n, int d, int k, double spread, double scale, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      means = new double[k][d];
      covs = new DenseMatrix[k];
      DenseMatrix[] factors = new DenseMatrix[k];
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < d; i++) {
          means[c][i] = spread * Planted.gaussian(r);
        }
        DenseMatrix a = new DenseMatrix(d, d);
        for (int col = 0; col < d; col++) {
          a.set(col, col, scale * (0.5 + r.nextDouble()));
          for (int row = col + 1; row < d; row++) {
            a.set(row, col, 0.4 * scale * Planted.gaussian(r));
          }
        }
        factors[c] = a;
        covs[c] = DenseMatrix.multiply(a, false, a, true);
      }
      rows = new double[n][d];
      labels = new int[n];
      double[] g = new double[d];
      for (int t = 0; t < n; t++) {
        int c = t % k;
        labels[t] = c;
        for (int i = 0; i < d; i++) {
          g[i] = Planted.gaussian(r);
        }
        double[] x = factors[c].multiply(g);
        for (int i = 0; i < d; i++) {
          rows[t][i] = means[c][i] + x[i];
        }
      }
    }
  }

  private static int[] predictions(GaussianMixtureModel m, double[][] rows) {
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = m.predict(Vectors.dense(rows[i]));
    }
    return out;
  }

  @Test
  void recoversAPlantedWellSeparatedMixture() {
    int n = 6000;
    int k = 3;
    int d = 4;
    Planted3 p = new Planted3(n, d, k, 12.0, 1.0, 7);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 3);
    GaussianMixtureModel m = new GaussianMixture().setK(k).setSeed(3).fit(df);
    assertEquals(1.0, adjustedRandIndex(p.labels, predictions(m, p.rows)), 0.0,
        "means about 12 standard deviations apart: every row is assigned to its own component");
    assertTrue(m.history().converged(), "converged");
    DenseMatrix mu = m.means();
    double[] w = m.weights();
    for (int c = 0; c < k; c++) {
      int j = m.predict(Vectors.dense(p.means[c]));
      int nc = n / k;
      // Weights: each component holds exactly n/k rows and all are assigned with certainty.
      assertEquals(1.0 / k, w[j], 1e-6, "weight of component " + j);
      DenseMatrix s = p.covs[c];
      DenseMatrix est = m.covariance(j);
      for (int a = 0; a < d; a++) {
        // The sample mean's standard error is sqrt(Sigma_aa / n_c); 5 standard errors fail with probability < 1e-6.
        double se = Math.sqrt(s.get(a, a) / nc);
        assertEquals(p.means[c][a], mu.get(a, j), 5 * se, "mean " + a + " of component " + j);
        for (int b = 0; b < d; b++) {
          // The sample covariance's standard error: sqrt((S_aa S_bb + S_ab^2) / n_c) (Gaussian fourth moments).
          double seCov = Math.sqrt((s.get(a, a) * s.get(b, b) + s.get(a, b) * s.get(a, b)) / nc);
          assertEquals(s.get(a, b), est.get(a, b), 5 * seCov, "covariance (" + a + ", " + b + ") of " + j);
        }
      }
    }
    // The transform's columns, MLlib's names included.
    Dataset<Row> out = m.transform(df);
    assertEquals(List.of("features", "code", "prediction", "probability"), List.of(out.columns()));
    for (Row r : out.limit(50).collectAsList()) {
      Vector x = (Vector) r.get(0);
      assertEquals(m.predict(x), r.getInt(2));
      assertArrayEquals(((Vector) r.get(1)).toArray(), ((Vector) r.get(3)).toArray(), 0.0);
    }
    double bic = m.bic();
    long params = (k - 1) + (long) k * d + (long) k * d * (d + 1) / 2;
    assertEquals(-2 * m.logLikelihood() + params * Math.log(n), bic, 1e-9 * Math.abs(bic));
    // The evaluation's mean loss is -log p(x) per row, the negated log-likelihood per row (same model, same rows).
    assertEquals(-m.logLikelihood() / n, m.evaluate(df).meanLoss(), 1e-9 * Math.abs(m.logLikelihood() / n));
  }

  @Test
  void anEmptyComponentIsReseededAtTheWorstExplainedRow() {
    int d = 4;
    int k = 3;
    // Three natural clusters: two Gaussians (1000 rows each, means about 12 standard deviations apart) and 30
    // copies of one point P on the far side of cluster 0 (as far from it as cluster 1 is).
    Planted3 p = new Planted3(2000, d, 2, 12.0, 1.0, 7);
    int copies = 30;
    int n = 2000 + copies;
    double[] far = new double[d];
    for (int t = 0; t < d; t++) {
      far[t] = 2 * p.means[0][t] - p.means[1][t];
    }
    double[][] rows = Arrays.copyOf(p.rows, n);
    int[] labels = Arrays.copyOf(p.labels, n);
    for (int i = 2000; i < n; i++) {
      rows[i] = far.clone();
      labels[i] = 2;
    }
    Dataset<Row> df = Planted.frame(spark(), rows, 3).cache();
    // The start: components 0 and 1 on the Gaussians' means, component 2 a thousand units from every row, all
    // with unit covariances and equal weights. Component 2's responsibility for any row is below exp(-10^5): the
    // first E step leaves it empty (less than one row's worth, MStep.EMPTY).
    DenseMatrix means = new DenseMatrix(d, k);
    DenseMatrix cov = new DenseMatrix(d, d * k);
    for (int t = 0; t < d; t++) {
      means.set(t, 0, p.means[0][t]);
      means.set(t, 1, p.means[1][t]);
      means.set(t, 2, p.means[0][t] + 1000);
      for (int j = 0; j < k; j++) {
        cov.values[j * d * d + t * d + t] = 1;
      }
    }
    GmmAutoencoder start = new GmmAutoencoder(CovarianceType.FULL, new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, means,
        cov);
    // The row the start explains worst (largest -log p(x)): a copy of P, which no component covers.
    int worst = 0;
    for (int i = 1; i < n; i++) {
      if (start.loss(rows[i]) > start.loss(rows[worst])) {
        worst = i;
      }
    }
    assertEquals(2, labels[worst], "the worst explained row is a copy of P");

    // One EM round: the M step re-seeds component 2 at that row, with weight 1 / n before the weights are
    // renormalised (components 0 and 1 hold all n rows): 1 / (n + 1); covariance: the data's variances.
    GaussianMixtureModel one = new GaussianMixture().setK(k).setMaxIter(1).setSeed(5).withInitialModel(start).fit(df);
    // The mean passes through the fit's centring (x - c, then + c): rounding of numbers below 100, 1e-12.
    assertArrayEquals(far, one.means().column(2), 1e-12, "re-seeded at the worst explained row");
    assertEquals(1.0 / (n + 1), one.weights()[2], 1e-15, "re-seeded with weight 1 / n, renormalised");
    DenseMatrix c2 = one.covariance(2);
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        if (a != b) {
          assertEquals(0.0, c2.get(a, b), 0.0, "re-seeded covariance is diagonal (" + a + ", " + b + ")");
        }
      }
      // The data's variance along a: the clusters' means are about 12 apart in every coordinate.
      assertTrue(c2.get(a, a) > 10, "re-seeded with the data's variance, found " + c2.get(a, a));
    }

    // To convergence: the re-seeded component takes P's copies, the fit recovers the three clusters.
    GaussianMixture est = new GaussianMixture().setK(k).setMaxIter(200).setSeed(5).withInitialModel(start);
    GaussianMixtureModel m = est.fit(df);
    assertTrue(m.history().converged(), "converged");
    assertEquals(1.0, adjustedRandIndex(labels, predictions(m, rows)), 0.0, "every row in its own cluster");
    assertEquals(2, m.predict(Vectors.dense(far)), "the re-seeded component holds P");
    // Every row is assigned with certainty (the components are dozens of standard deviations apart): the weights
    // are the clusters' shares, 1000 / n and 30 / n, to 1e-9.
    assertEquals((double) copies / n, m.weights()[2], 1e-9, "weight of the re-seeded component");
    assertArrayEquals(far, m.means().column(2), 1e-9, "its mean: the copies of P");
    for (int c = 0; c < 2; c++) {
      int j = m.predict(Vectors.dense(p.means[c]));
      assertEquals(1000.0 / n, m.weights()[j], 1e-9, "weight of component " + j);
      for (int a = 0; a < d; a++) {
        // 5 standard errors of the sample mean, sqrt(Sigma_aa / 1000): fails with probability < 1e-6.
        assertEquals(p.means[c][a], m.means().get(a, j), 5 * Math.sqrt(p.covs[c].get(a, a) / 1000),
            "mean " + a + " of component " + j);
      }
    }
    // Same seed, same start, same model, bit for bit.
    GaussianMixtureModel again = est.fit(df);
    assertArrayEquals(m.means().values, again.means().values, 0.0);
    assertArrayEquals(m.weights(), again.weights(), 0.0);
    assertArrayEquals(m.autoencoder().covariances().values, again.autoencoder().covariances().values, 0.0);
    assertArrayEquals(m.history().values(), again.history().values(), 0.0);
    df.unpersist();
  }

  @Test
  void fullStatisticsFromWhitenedResidualsEqualTheirDefinition() {
    // k d = 1,000 gives chunks of 262 columns, so a 600-column block takes three chunks (262, 262, 76) and the
    // partly filled second block (400 rows) two: every boundary of the fused E and M step is crossed.
    int d = 20;
    int k = 50;
    Planted3 p = new Planted3(1000, d, k, 3.0, 1.0, 23);
    SplittableRandom r = new SplittableRandom(5);
    double[] w = new double[k];
    double total = 0;
    for (int j = 0; j < k; j++) {
      w[j] = 0.5 + r.nextDouble();
      total += w[j];
    }
    DenseMatrix means = new DenseMatrix(d, k);
    DenseMatrix covs = new DenseMatrix(d, d * k);
    MultivariateGaussian[] g = new MultivariateGaussian[k];
    for (int j = 0; j < k; j++) {
      w[j] /= total;
      System.arraycopy(p.means[j], 0, means.values, j * d, d);
      System.arraycopy(p.covs[j].values, 0, covs.values, j * d * d, d * d);
      g[j] = new MultivariateGaussian(Vectors.dense(p.means[j]), Matrices.dense(d, d, p.covs[j].values));
    }
    GmmAutoencoder model = new GmmAutoencoder(CovarianceType.FULL, w, means, covs);
    double[] zero = new double[d];
    List<GmmBlock> blocks = List.of(block(p.rows, 0, 600, 600, zero), block(p.rows, 600, 400, 600, zero));
    EmStats st = EmStats.of(model, CovarianceType.FULL, false, blocks.iterator());

    double ll = 0;
    double[] counts = new double[k];
    double[][] s2 = new double[k][d * d];
    double[] lj = new double[k];
    for (double[] x : p.rows) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        lj[j] = Math.log(w[j]) + g[j].logpdf(Vectors.dense(x));
        max = Math.max(max, lj[j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(lj[j] - max);
      }
      ll += max + Math.log(sum);
      for (int j = 0; j < k; j++) {
        double rj = Math.exp(lj[j] - max) / sum;
        counts[j] += rj;
        for (int c = 0; c < d; c++) {
          for (int a = 0; a < d; a++) {
            s2[j][c * d + a] += rj * (x[a] - p.means[j][a]) * (x[c] - p.means[j][c]);
          }
        }
      }
    }
    // Both sides are exact up to rounding, here the inverse Cholesky factors and L T L^T, in MLlib an
    // eigendecomposition: measured 5.8e-15 (scatter, relative to (1 + N_j)(1 + max |Sigma_j|)) and 4.6e-16 (log-
    // likelihood) apart with native OpenBLAS; 1e-9 leaves five orders of magnitude for other backends.
    assertEquals(ll, st.logLikelihood, 1e-9 * Math.abs(ll), "log-likelihood");
    assertArrayEquals(counts, st.counts, 1e-9 * p.rows.length, "counts");
    for (int j = 0; j < k; j++) {
      double scale = 1e-9 * (1 + counts[j]) * (1 + Arrays.stream(p.covs[j].values).map(Math::abs).max().getAsDouble());
      for (int c = 0; c < d; c++) {
        for (int a = 0; a <= c; a++) {
          assertEquals(s2[j][c * d + a], st.s2.values[j * d * d + c * d + a], scale,
              "scatter of component " + j + " entry (" + a + ", " + c + ")");
        }
      }
    }
  }

  private static GmmBlock block(double[][] rows, int from, int size, int capacity, double[] center) {
    int d = rows[0].length;
    DenseMatrix x = new DenseMatrix(d, capacity);
    for (int i = 0; i < size; i++) {
      System.arraycopy(rows[from + i], 0, x.values, i * d, d);
    }
    return new GmmBlock(x, size, center, CovarianceType.FULL);
  }

  @Test
  void logDensitiesEqualMllibsMultivariateGaussian() {
    Planted3 p = new Planted3(1500, 3, 3, 2.0, 1.0, 11);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 2).cache();
    for (String cov : new String[] {"full", "diag", "spherical"}) {
      GaussianMixtureModel m = new GaussianMixture().setK(3).setCovariance(cov).setMaxIter(5).fit(df);
      GmmAutoencoder ae = m.autoencoder();
      MultivariateGaussian[] g = new MultivariateGaussian[3];
      for (int j = 0; j < 3; j++) {
        DenseMatrix s = m.covariance(j);
        g[j] = new MultivariateGaussian(Vectors.dense(m.means().column(j)), Matrices.dense(3, 3, s.values));
      }
      double[] w = m.weights();
      for (int i = 0; i < 40; i++) {
        double px = 0;
        for (int j = 0; j < 3; j++) {
          px += w[j] * Math.exp(g[j].logpdf(Vectors.dense(p.rows[i])));
        }
        // Both are exact up to rounding (Cholesky here, an eigendecomposition in MLlib): 1e-9 relative.
        assertEquals(-Math.log(px), ae.loss(p.rows[i]), 1e-9 * (1 + Math.abs(Math.log(px))), cov + " row " + i);
      }
      // Decode: the responsibility-weighted mean.
      double[] z = ae.encode(p.rows[0]);
      double[] xhat = ae.decode(z);
      double[] expect = new double[3];
      for (int j = 0; j < 3; j++) {
        for (int a = 0; a < 3; a++) {
          expect[a] += z[j] * m.means().get(a, j);
        }
      }
      assertArrayEquals(expect, xhat, 1e-12);
    }
    df.unpersist();
  }

  @Test
  void logLikelihoodNeverDecreases() {
    // Overlapping components, so that EM takes many rounds; reg = 0 makes every round an exact EM step, which
    // never lowers the log-likelihood (Dempster, Laird, Rubin 1977); 1e-12 relative allows summation rounding.
    Planted3 p = new Planted3(3000, 3, 4, 1.5, 1.0, 5);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 3).cache();
    for (String cov : new String[] {"full", "diag", "spherical"}) {
      GaussianMixtureModel m = new GaussianMixture().setK(4).setCovariance(cov).setReg(0).setTol(0).setMaxIter(25)
          .fit(df);
      double[] h = m.history().values();
      assertEquals(26, h.length, cov + ": 25 rounds and the final model");
      for (int t = 1; t < h.length; t++) {
        assertTrue(h[t] >= h[t - 1] - 1e-12 * Math.abs(h[t - 1]), cov + " round " + (t + 1) + ": " + h[t] + " < "
            + h[t - 1]);
      }
      assertTrue(h[h.length - 1] > h[0], cov + ": EM improved on the initial model");
      assertEquals(m.logLikelihood() / 3000, h[h.length - 1], 1e-12 * Math.abs(h[h.length - 1]));
    }
    df.unpersist();
  }

  @Test
  void sphericalWithVanishingVarianceIsKMeans() {
    // Overlapping clusters: k-means' boundaries cut through dense regions.
    Planted3 p = new Planted3(2000, 2, 5, 2.0, 1.0, 13);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 2).cache();
    KMeansModel km = new KMeans().setK(5).setSeed(1).fit(df);
    // A spherical mixture with equal weights and a shared variance s2: log w_j + log N(x | c_j, s2 I) is
    // -||x - c_j||^2 / (2 s2) plus a constant, so for s2 -> 0 the responsibilities are k-means' one-hot code.
    double[] w = new double[5];
    Arrays.fill(w, 0.2);
    DenseMatrix s2 = new DenseMatrix(1, 5);
    Arrays.fill(s2.values, 1e-4);
    GmmAutoencoder ae = new GmmAutoencoder(CovarianceType.SPHERICAL, w, km.centers(), s2);
    for (double[] x : p.rows) {
      double[] z = ae.encode(x);
      int j = km.predict(Vectors.dense(x));
      // Ties aside (distances equal to 1e-4 squared units), the code is one-hot at k-means' centre to 1e-12.
      assertEquals(1.0, z[j], 1e-9, Arrays.toString(x));
    }
    df.unpersist();
    // Fitted: tight, separated clusters; the spherical EM ends at k-means' assignment.
    Planted3 tight = new Planted3(2000, 2, 5, 10.0, 1e-3, 17);
    Dataset<Row> t = Planted.frame(spark(), tight.rows, 2);
    GaussianMixtureModel g = new GaussianMixture().setK(5).setCovariance("spherical").setSeed(4).fit(t);
    KMeansModel k2 = new KMeans().setK(5).setSeed(4).fit(t);
    int[] a = predictions(g, tight.rows);
    int[] b = new int[a.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = k2.predict(Vectors.dense(tight.rows[i]));
    }
    assertEquals(1.0, adjustedRandIndex(a, b), 0.0);
    assertEquals(1.0, adjustedRandIndex(tight.labels, a), 0.0);
  }

  @Test
  void logLikelihoodAgreesWithMllib() {
    Planted3 p = new Planted3(4000, 3, 3, 8.0, 1.0, 19);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 3).cache();
    GaussianMixtureModel ours = new GaussianMixture().setK(3).setReg(0).setTol(1e-10).setMaxIter(200).setSeed(2)
        .fit(df);
    org.apache.spark.ml.clustering.GaussianMixtureModel theirs = new org.apache.spark.ml.clustering.GaussianMixture()
        .setK(3).setTol(1e-8).setMaxIter(200).setSeed(2).fit(df);
    double a = ours.logLikelihood();
    double b = theirs.summary().logLikelihood();
    // The same maximum (well-separated components, each fit from its own initialisation and converged to 1e-8
    // in total log-likelihood or better): measured 1.6e-13 relative apart; 1e-9 is a wide margin.
    assertEquals(b, a, 1e-9 * Math.abs(b), "log-likelihood: sparkae " + a + ", MLlib " + b);
    df.unpersist();
  }

  @Test
  void sameEmStepsAsMllibFromTheSameInitialModel() {
    // Overlapping components, so that the 10 rounds move the model a lot.
    Planted3 p = new Planted3(3000, 3, 3, 2.0, 1.0, 29);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 3).cache();
    GaussianMixture est = new GaussianMixture().setK(3).setReg(0).setTol(0).setSeed(6);
    // maxIter 0: the initial model (k-means and one hard M step), which the same seed reproduces below.
    GaussianMixtureModel start = est.copy(new org.apache.spark.ml.param.ParamMap()).setMaxIter(0).fit(df);
    GaussianMixtureModel ours = est.setMaxIter(10).fit(df);
    org.apache.spark.mllib.stat.distribution.MultivariateGaussian[] g =
        new org.apache.spark.mllib.stat.distribution.MultivariateGaussian[3];
    for (int j = 0; j < 3; j++) {
      g[j] = new org.apache.spark.mllib.stat.distribution.MultivariateGaussian(
          org.apache.spark.mllib.linalg.Vectors.dense(start.means().column(j)),
          org.apache.spark.mllib.linalg.Matrices.dense(3, 3, start.covariance(j).values));
    }
    org.apache.spark.mllib.clustering.GaussianMixtureModel init =
        new org.apache.spark.mllib.clustering.GaussianMixtureModel(start.weights(), g);
    org.apache.spark.api.java.JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.select("features").toJavaRDD()
        .map(r -> org.apache.spark.mllib.linalg.Vectors.fromML((Vector) r.get(0)));
    org.apache.spark.mllib.clustering.GaussianMixtureModel theirs = new org.apache.spark.mllib.clustering
        .GaussianMixture().setK(3).setMaxIterations(10).setConvergenceTol(0).setInitialModel(init).run(rdd.rdd());
    // The same 10 EM steps in exact arithmetic; the two differ only by rounding (Cholesky against MLlib's
    // eigendecomposition, sums in other orders): measured 1.4e-12 (weights), 4.6e-12 (means), 1.6e-11
    // (covariances of size about 1): 1e-8 is a wide margin.
    double[] w = ours.weights();
    for (int j = 0; j < 3; j++) {
      assertEquals(theirs.weights()[j], w[j], 1e-8, "weight " + j);
      assertArrayEquals(theirs.gaussians()[j].mu().toArray(), ours.means().column(j), 1e-8, "mean " + j);
      assertArrayEquals(theirs.gaussians()[j].sigma().toArray(), ours.covariance(j).values, 1e-8, "covariance " + j);
    }
    double ll = 0;
    for (double[] x : p.rows) {
      double px = 0;
      for (int j = 0; j < 3; j++) {
        px += theirs.weights()[j] * theirs.gaussians()[j].pdf(org.apache.spark.mllib.linalg.Vectors.dense(x));
      }
      ll += Math.log(px);
    }
    // Measured 1.3e-14 relative.
    assertEquals(ll, ours.logLikelihood(), 1e-10 * Math.abs(ll), "final log-likelihood");
    df.unpersist();
  }

  @Test
  void sameSeedSameModelAndSaveLoad(@TempDir Path dir) {
    Planted3 p = new Planted3(2000, 3, 4, 3.0, 1.0, 23);
    Dataset<Row> df = Planted.frame(spark(), p.rows, 4).cache();
    for (String cov : new String[] {"full", "diag", "spherical"}) {
      GaussianMixture est = new GaussianMixture().setK(4).setCovariance(cov).setSeed(9).setMaxIter(15);
      GaussianMixtureModel a = est.fit(df);
      GaussianMixtureModel b = est.fit(df);
      assertArrayEquals(a.means().values, b.means().values, 0.0, cov + ": bit for bit");
      assertArrayEquals(a.autoencoder().covariances().values, b.autoencoder().covariances().values, 0.0);
      assertArrayEquals(a.history().values(), b.history().values(), 0.0);
      String path = dir.resolve(cov).toString();
      try {
        a.write().save(path);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      GaussianMixtureModel l = GaussianMixtureModel.load(path);
      assertEquals(a.covarianceType(), l.covarianceType());
      assertArrayEquals(a.weights(), l.weights(), 0.0);
      assertArrayEquals(a.means().values, l.means().values, 0.0);
      assertArrayEquals(a.autoencoder().covariances().values, l.autoencoder().covariances().values, 0.0);
      assertArrayEquals(a.history().values(), l.history().values(), 0.0);
      assertEquals(a.history().converged(), l.history().converged());
      assertEquals(a.logLikelihood(), l.logLikelihood(), 0.0);
      assertEquals(a.bic(), l.bic(), 0.0);
      assertEquals(a.autoencoder().loss(p.rows[5]), l.autoencoder().loss(p.rows[5]), 0.0);
      // Sampling: the same seed draws the same rows from the loaded model as from the fitted one.
      DenseMatrix s = l.sample(4000, 3);
      assertArrayEquals(s.values, a.sample(4000, 3).values, 0.0);
    }
    df.unpersist();
  }

  @Test
  void badInputGetsClearErrors() {
    double[][] flat = new double[300][];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < flat.length; i++) {
      flat[i] = new double[] {Planted.gaussian(r), Planted.gaussian(r), 0.0};
    }
    Dataset<Row> df = Planted.frame(spark(), flat, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GaussianMixture().setK(2).setReg(0).fit(df));
    assertTrue(e.getMessage().contains("the covariance of component 0 is not positive definite"), e.getMessage());
    // The default reg makes the same data fit.
    assertEquals(2, new GaussianMixture().setK(2).setMaxIter(3).fit(df).k());
    double[][] wide = new double[12][2000];
    Dataset<Row> w = Planted.frame(spark(), wide, 1);
    e = assertThrows(IllegalArgumentException.class, () -> new GaussianMixture().setK(10).fit(w));
    assertTrue(e.getMessage().contains("use covariance=diag"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GaussianMixture().setK(20).setCovariance("diag")
        .fit(Planted.frame(spark(), Arrays.copyOf(flat, 10), 1)));
    assertTrue(e.getMessage().contains("k = 20 is larger than the number of rows n = 10"), e.getMessage());
  }

  @Test
  void cliFitsGmm(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("gmm");
    Cli.Result r = Cli.run("fit", "gmm", "--input", Cli.MNIST_SAMPLE, "--k", "4", "--covariance", "diag",
        "--max-iter", "5", "--output", out.toString(), "--partitions", "2");
    assertEquals(0, r.code(), r.err());
    GaussianMixtureModel m = GaussianMixtureModel.load(out.resolve("model").toString());
    assertEquals(CovarianceType.DIAG, m.covarianceType());
    assertEquals(4, m.k());
    assertTrue(Files.size(out.resolve("figures/means.png")) > 1000);
    assertTrue(Files.size(out.resolve("figures/log-likelihood.png")) > 1000);
    String metrics = Files.readString(out.resolve("metrics.json"));
    assertTrue(metrics.contains("\"bic\"") && metrics.contains("\"logLikelihood\""), metrics);

    Path codes = dir.resolve("codes");
    r = Cli.run("transform", "--model", out.toString(), "--input", Cli.MNIST_SAMPLE, "--output", codes.toString(),
        "--loss");
    assertEquals(0, r.code(), r.err());
    for (Row row : spark().read().parquet(codes.resolve("data").toString()).select("features", "code", "loss",
        "prediction", "probability").limit(10).collectAsList()) {
      double[] x = ((Vector) row.get(0)).toArray();
      assertArrayEquals(m.autoencoder().encode(x), ((Vector) row.get(1)).toArray(), 1e-12);
      assertEquals(m.autoencoder().loss(x), row.getDouble(2), 1e-9 * Math.abs(row.getDouble(2)));
      assertEquals(m.predict((Vector) row.get(0)), row.getInt(3));
    }
    r = Cli.run("evaluate", "--model", out.toString(), "--input", Cli.MNIST_SAMPLE);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"meanLoss\""), r.out());
    Path samples = dir.resolve("samples");
    r = Cli.run("sample", "--model", out.toString(), "--count", "20", "--output", samples.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(20, spark().read().parquet(samples.resolve("samples.parquet").toString()).count());
  }

  /** The adjusted Rand index of two labelings (Hubert and Arabie 1985): 1 for identical partitions. */
  static double adjustedRandIndex(int[] a, int[] b) {
    int ka = Arrays.stream(a).max().orElse(0) + 1;
    int kb = Arrays.stream(b).max().orElse(0) + 1;
    long[][] table = new long[ka][kb];
    long[] rows = new long[ka];
    long[] cols = new long[kb];
    for (int i = 0; i < a.length; i++) {
      table[a[i]][b[i]]++;
      rows[a[i]]++;
      cols[b[i]]++;
    }
    double index = 0;
    for (long[] row : table) {
      for (long v : row) {
        index += v * (v - 1) / 2.0;
      }
    }
    double sa = 0;
    double sb = 0;
    for (long v : rows) {
      sa += v * (v - 1) / 2.0;
    }
    for (long v : cols) {
      sb += v * (v - 1) / 2.0;
    }
    double expected = sa * sb / (a.length * (a.length - 1.0) / 2);
    double max = (sa + sb) / 2;
    return max == expected ? 1.0 : (index - expected) / (max - expected);
  }
}
