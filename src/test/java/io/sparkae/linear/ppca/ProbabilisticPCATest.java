package io.sparkae.linear.ppca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.Orthonormalize;
import io.sparkae.core.RoundLoop;
import io.sparkae.testing.Cli;
import io.sparkae.testing.DenseGaussian;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probabilistic PCA fit on planted PPCA data: exact likelihood, recovery, EM with missing entries, persistence. */
class ProbabilisticPCATest extends SparkTest {
  private static final int D = 20;
  private static final int K = 3;
  /** Planted loadings' column norms 10, 5, 3.33 and noise s2 = 0.25. */
  private static final double S2 = 0.25;

  private static DenseMatrix basis() {
    return Planted.orthonormal(D, K, 5);
  }

  private static double[] scales() {
    double[] s = new double[K];
    for (int j = 0; j < K; j++) {
      s[j] = 10.0 / (j + 1);
    }
    return s;
  }

  /** n rows of x = U diag(scales) g + mu + sqrt(S2) e: PPCA with W = U diag(scales), mean 100 + i. */
  private static double[][] planted(int n, long seed) {
    double[] mu = new double[D];
    for (int i = 0; i < D; i++) {
      mu[i] = 100 + i;
    }
    return Planted.lowRank(n, basis(), scales(), mu, Math.sqrt(S2), seed);
  }

  /** The rows with each entry replaced by NaN with probability {@code p}. */
  private static double[][] withMissing(double[][] rows, double p, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] out = new double[rows.length][];
    for (int n = 0; n < rows.length; n++) {
      out[n] = rows[n].clone();
      for (int i = 0; i < D; i++) {
        if (r.nextDouble() < p) {
          out[n][i] = Double.NaN;
        }
      }
    }
    return out;
  }

  private static double angleSine(DenseMatrix w) {
    return Planted.largestPrincipalAngleSine(basis(), Orthonormalize.q(w));
  }

  /** -log N(x; mu, W W^T + s2 I) by a dense Cholesky factor of the d x d covariance: the reference. */
  private static double denseNegLogLik(DenseMatrix w, double s2, double[] mu, double[] x) {
    return DenseGaussian.negLogLik(DenseGaussian.ppcaCovariance(w, s2), mu, x);
  }

  @Test
  void closedFormRecoversPlantedModelWithExactLikelihood() {
    int n = 4000;
    Dataset<Row> df = Planted.frame(spark(), planted(n, 11), 3);
    ProbabilisticPCAModel m = new ProbabilisticPCA().setK(K).fit(df);
    DenseMatrix w = m.loadings();
    // Per-row loss against the dense d x d computation. Both are double computations on a covariance of condition
    // number about 400: rounding is near 1e-13 of values near 30 nats; 1e-9 leaves four orders of magnitude.
    List<Row> rows = m.setLossCol("nll").transform(df.limit(200)).select("features", "nll").collectAsList();
    for (Row r : rows) {
      double expected = denseNegLogLik(w, m.noiseVariance(), m.mean(), ((Vector) r.get(0)).toArray());
      assertEquals(expected, r.getDouble(1), 1e-9 * Math.abs(expected));
    }
    // The closed-form log-likelihood (tr(C^-1 S) = d at the maximum) equals the mean exact loss over the data.
    double meanLoss = m.evaluate(df).meanLoss();
    assertEquals(-meanLoss, m.logLikelihoodPerRow(), 1e-9 * Math.abs(meanLoss));
    // s2: the mean of n (d - k) = 68,000 squared noise projections, relative sd sqrt(2 / 68,000) = 0.54%; 3% is
    // more than 5 sd (the bias from the discarded eigenvalues' spread is of the same order, -1%).
    assertEquals(S2, m.noiseVariance(), 0.03 * S2);
    // Subspace: first-order perturbation, sin theta ~ sqrt(s2 lambda_k / (lambda_k - s2)^2 (d - k) / n) = 0.01
    // for lambda_k = 11.1 + 0.25; 0.05 is five times that.
    double sine = angleSine(w);
    assertTrue(sine < 0.05, "largest principal angle sine " + sine);
    // Column norms^2 = planted variances: sample eigenvalues have relative sd sqrt(2 / n) = 2.2%; 10% is 4.5 sd.
    double[] v = m.variances();
    for (int j = 0; j < K; j++) {
      double planted = scales()[j] * scales()[j];
      assertEquals(planted, v[j] - m.noiseVariance(), 0.1 * planted, "variance " + j);
    }
    assertTrue(m.history().rounds() == 0, "closed form: no rounds");
  }

  @Test
  void emWithTwentyPercentMissingRecoversSubspaceAndNeverLowersTheLikelihood() {
    double[][] full = planted(3000, 21);
    Dataset<Row> df = Planted.frame(spark(), withMissing(full, 0.2, 22), 3);
    ProbabilisticPCA est = new ProbabilisticPCA().setK(K).setMissing(true).setMaxIter(300).setTol(1e-10);
    ProbabilisticPCAModel m = est.fit(df);
    double[] ll = m.history().values();
    assertTrue(ll.length >= 2, "EM ran rounds");
    for (int t = 1; t < ll.length; t++) {
      // EM's observed-data likelihood cannot decrease; rounding in sums of 48,000 terms is below 1e-12 relative.
      assertTrue(ll[t] >= ll[t - 1] - 1e-11 * Math.abs(ll[t]), "round " + (t + 1) + ": " + ll[t - 1] + " -> " + ll[t]);
    }
    assertTrue(ll[ll.length - 1] > ll[0], "EM improves on the mean-imputed start");
    assertEquals(Boolean.TRUE, m.history().converged());
    // 80% of the entries: the complete-data angle (about 0.011 at n = 3000) grows by about sqrt(1 / 0.8); 0.06 is
    // more than 4 times that.
    double sine = angleSine(m.loadings());
    assertTrue(sine < 0.06, "largest principal angle sine " + sine);
    // 48,000 observed noise terms: relative sd 0.65%; 4% is 6 sd.
    assertEquals(S2, m.noiseVariance(), 0.04 * S2);
    // Against the mean-imputed closed form, which shrinks the variances by about 20% and inflates s2.
    ProbabilisticPCAModel imputedStart = new ProbabilisticPCA().setK(K).setMissing(true).setMaxIter(1).fit(df);
    assertEquals(ll[0], imputedStart.logLikelihoodPerRow(), 1e-12 * Math.abs(ll[0]));
    assertTrue(angleSine(imputedStart.loadings()) >= 0, "start measured");
    // Same seed, same model.
    ProbabilisticPCAModel again = est.fit(df);
    assertEquals(0.0, m.loadings().maxAbsDiff(again.loadings()));
    assertEquals(m.noiseVariance(), again.noiseVariance(), 0.0);
  }

  @Test
  void emOnCompleteDataConvergesToTheClosedForm() {
    Dataset<Row> df = Planted.frame(spark(), planted(2000, 31), 2).cache();
    ProbabilisticPCAModel closed = new ProbabilisticPCA().setK(K).fit(df);
    // From the closed form itself (the start on complete data): a fixed point of EM.
    ProbabilisticPCAModel em = new ProbabilisticPCA().setK(K).setMissing(true).setTol(1e-12).fit(df);
    assertEquals(closed.logLikelihoodPerRow(), em.history().values()[0], 1e-10 * Math.abs(closed.logLikelihoodPerRow()));
    assertEquals(closed.noiseVariance(), em.noiseVariance(), 1e-8 * closed.noiseVariance());
    assertTrue(closed.loadings().maxAbsDiff(em.loadings()) < 1e-6, "W equals the closed form");
    // From a perturbed start (W rotated and shrunk, s2 doubled, mean shifted): EM climbs to the closed form.
    ProbabilisticPCA est = new ProbabilisticPCA().setK(K).setTol(1e-12).setMaxIter(300);
    JavaRDD<MissingBlocks.Rows> blocks = ProbabilisticPCA.blocks(df, "features", D, 0);
    try {
      DenseMatrix w0 = closed.loadings();
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < w0.values.length; i++) {
        w0.values[i] = 0.5 * w0.values[i] + 2 * r.nextGaussian();
      }
      double[] centre = closed.mean();
      double[] offset = new double[D];
      offset[0] = 1.0;
      RoundLoop.Result<EmStep.State> res = est.em(blocks, new EmStep.State(centre, w0, offset, 2 * S2), 2000);
      double[] ll = res.objectives();
      for (int t = 1; t < ll.length; t++) {
        assertTrue(ll[t] >= ll[t - 1] - 1e-11 * Math.abs(ll[t]), "round " + (t + 1));
      }
      assertTrue(res.converged(), "converged in " + res.rounds() + " rounds");
      // Convergence is linear with rate about s2 / lambda_k = 0.02 per round; at a relative change of 1e-12
      // the parameters are within about 1e-6 of the maximum.
      assertEquals(closed.logLikelihoodPerRow(), ll[ll.length - 1], 1e-10 * Math.abs(ll[ll.length - 1]));
      EmStep.State s = res.state();
      assertEquals(closed.noiseVariance(), s.s2, 1e-6 * closed.noiseVariance());
      DenseMatrix wwt = DenseMatrix.multiply(s.w, false, s.w, true);
      DenseMatrix ref = DenseMatrix.multiply(closed.loadings(), false, closed.loadings(), true);
      assertTrue(wwt.maxAbsDiff(ref) < 1e-5 * 100, "W W^T equals the closed form's: " + wwt.maxAbsDiff(ref));
      assertArrayEquals(closed.mean(), s.mean(), 1e-6);
    } finally {
      blocks.unpersist(false);
      df.unpersist();
    }
  }

  @Test
  void saveLoadRoundTripAndSampling(@TempDir Path dir) throws Exception {
    Dataset<Row> df = Planted.frame(spark(), withMissing(planted(600, 41), 0.1, 42), 2);
    ProbabilisticPCAModel m = new ProbabilisticPCA().setK(K).setMissing(true).setMaxIter(20).fit(df);
    String path = dir.resolve("model").toString();
    m.write().save(path);
    ProbabilisticPCAModel loaded = ProbabilisticPCAModel.load(path);
    assertEquals(m.uid(), loaded.uid());
    assertEquals(0.0, m.loadings().maxAbsDiff(loaded.loadings()));
    assertArrayEquals(m.mean(), loaded.mean(), 0.0);
    assertEquals(m.noiseVariance(), loaded.noiseVariance(), 0.0);
    assertEquals(m.logLikelihoodPerRow(), loaded.logLikelihoodPerRow(), 0.0);
    assertArrayEquals(m.history().values(), loaded.history().values(), 0.0);
    assertEquals(m.history().converged(), loaded.history().converged());
    assertEquals(0.0, m.sample(7, 3).maxAbsDiff(loaded.sample(7, 3)), "same seed, same samples");
    // Samples follow the model: the mean of 20,000 draws is mu within 4 sd (sd sqrt(C_ii / 20,000) < 0.08).
    DenseMatrix x = loaded.sample(20000, 9);
    double[] mu = m.mean();
    for (int i = 0; i < D; i++) {
      double s = 0;
      for (int j = 0; j < x.cols; j++) {
        s += x.get(i, j);
      }
      assertEquals(mu[i], s / x.cols, 0.32, "sample mean " + i);
    }
    ProbabilisticPCAModel closed = new ProbabilisticPCA().setK(K).fit(Planted.frame(spark(), planted(300, 43), 2));
    closed.write().save(dir.resolve("closed").toString());
    ProbabilisticPCAModel closedLoaded = ProbabilisticPCAModel.load(dir.resolve("closed").toString());
    assertEquals(0, closedLoaded.history().rounds());
    assertEquals(closed.bic(), closedLoaded.bic(), 0.0);
  }

  @Test
  void missingModelTransformsAndEvaluatesRowsWithNaN(@TempDir Path dir) throws Exception {
    double[][] holey = withMissing(planted(600, 61), 0.1, 62);
    Dataset<Row> df = Planted.frame(spark(), holey, 2).cache();
    ProbabilisticPCAModel m = new ProbabilisticPCA().setK(K).setMissing(true).setMaxIter(30).fit(df);
    PpcaAutoencoder ae = m.autoencoder();
    assertTrue(ae.acceptsMissing(), "an EM fit reads NaN as missing");
    List<Row> out = m.setReconstructionCol("xhat").setLossCol("nll").transform(df)
        .select("features", "code", "xhat", "nll").collectAsList();
    assertEquals(600, out.size());
    int withNaN = 0;
    double total = 0;
    for (Row r : out) {
      double[] x = ((Vector) r.get(0)).toArray();
      withNaN += Arrays.stream(x).anyMatch(Double::isNaN) ? 1 : 0;
      double[] z = ((Vector) r.get(1)).toArray();
      double[] xhat = ((Vector) r.get(2)).toArray();
      double nll = r.getDouble(3);
      // The block path and the one-row path: the same arithmetic up to the BLAS kernel's order, 1e-12.
      assertArrayEquals(ae.encode(x), z, 1e-12);
      assertArrayEquals(ae.decode(z), xhat, 1e-12);
      assertTrue(Arrays.stream(xhat).noneMatch(Double::isNaN), "the reconstruction fills every entry");
      assertEquals(ae.loss(x), nll, 1e-12 * Math.abs(nll));
      total += nll;
    }
    // 20 entries missing with probability 0.1 each: 1 - 0.9^20 = 88% of the rows miss one; fewer than half would
    // be a broken test.
    assertTrue(withNaN > 300, "rows with NaN: " + withNaN);
    // The evaluation's mean loss is -log p(x_O) per row, the training log-likelihood of the observed entries EM
    // reported for the same parameters (the final rotation of W leaves it unchanged): 1e-9 relative.
    double meanLoss = m.evaluate(df).meanLoss();
    assertEquals(total / 600, meanLoss, 1e-12 * Math.abs(meanLoss));
    assertEquals(-m.logLikelihoodPerRow(), meanLoss, 1e-9 * Math.abs(meanLoss));
    // Saved and loaded, the model still reads NaN as missing.
    m.write().save(dir.resolve("em").toString());
    ProbabilisticPCAModel loaded = ProbabilisticPCAModel.load(dir.resolve("em").toString());
    assertTrue(loaded.autoencoder().acceptsMissing());
    assertEquals(meanLoss, loaded.evaluate(df).meanLoss(), 0.0);

    // A closed-form model refuses NaN, in evaluate and in transform, with the row check's error.
    ProbabilisticPCAModel closed = new ProbabilisticPCA().setK(K).fit(Planted.frame(spark(), planted(300, 63), 2));
    assertTrue(!closed.autoencoder().acceptsMissing());
    Exception e = assertThrows(IllegalArgumentException.class, () -> closed.evaluate(df));
    assertTrue(e.getMessage().contains("holds NaN") && e.getMessage().contains("NaN and infinite values are not "
        + "allowed"), e.getMessage());
    e = assertThrows(Exception.class, () -> closed.transform(df).collectAsList());
    Throwable t = e;
    while (t.getCause() != null && !(t instanceof IllegalArgumentException)) {
      t = t.getCause();
    }
    assertTrue(String.valueOf(t.getMessage()).contains("NaN and infinite values are not allowed"), e.toString());
    closed.write().save(dir.resolve("closed").toString());
    assertTrue(!ProbabilisticPCAModel.load(dir.resolve("closed").toString()).autoencoder().acceptsMissing());
    df.unpersist();
  }

  @Test
  void cliTransformsRowsWithNaNWithAMissingModel(@TempDir Path dir) throws Exception {
    String input = dir.resolve("holey.parquet").toString();
    // One partition, one file: a refused transform below fails its only task (no sibling task still reading the
    // file when the temporary folder goes).
    Planted.frame(spark(), withMissing(planted(400, 71), 0.1, 72), 1).write().parquet(input);
    Path fit = dir.resolve("fit");
    Cli.Result r = Cli.run("fit", "ppca", "--input", input, "--k", "3", "--missing", "--max-iter", "20", "--output",
        fit.toString());
    assertEquals(0, r.code(), r.err());
    ProbabilisticPCAModel m = ProbabilisticPCAModel.load(fit.resolve("model").toString());
    Path codes = dir.resolve("codes");
    r = Cli.run("transform", "--model", fit.toString(), "--input", input, "--output", codes.toString(), "--loss",
        "--reconstruction");
    assertEquals(0, r.code(), r.err());
    List<Row> rows = spark().read().parquet(codes.resolve("data").toString()).collectAsList();
    assertEquals(400, rows.size());
    int withNaN = 0;
    for (Row row : rows) {
      double[] x = ((Vector) row.getAs("features")).toArray();
      withNaN += Arrays.stream(x).anyMatch(Double::isNaN) ? 1 : 0;
      assertArrayEquals(m.autoencoder().encode(x), ((Vector) row.getAs("code")).toArray(), 1e-12);
      double nll = row.getAs("loss");
      assertEquals(m.autoencoder().loss(x), nll, 1e-12 * Math.abs(nll));
    }
    assertTrue(withNaN > 200, "rows with NaN: " + withNaN);
    r = Cli.run("evaluate", "--model", fit.toString(), "--input", input);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"logLikelihoodPerRow\""), r.out());
    // A closed-form model (fit on complete rows) on the same file: the row check's error, naming NaN.
    String complete = dir.resolve("complete.parquet").toString();
    Planted.frame(spark(), planted(300, 73), 1).write().parquet(complete);
    Path closed = dir.resolve("closed");
    r = Cli.run("fit", "ppca", "--input", complete, "--k", "3", "--output", closed.toString());
    assertEquals(0, r.code(), r.err());
    r = Cli.run("transform", "--model", closed.toString(), "--input", input, "--output",
        dir.resolve("refused").toString(), "--loss");
    assertTrue(r.code() != 0, "a closed-form model refuses NaN");
    assertTrue(r.err().contains("NaN and infinite values are not allowed"), r.err());
  }

  @Test
  void badInputGivesClearErrors() {
    double[][] rows = withMissing(planted(100, 51), 0.05, 52);
    Dataset<Row> df = Planted.frame(spark(), rows, 2);
    Exception e = assertThrows(IllegalArgumentException.class, () -> new ProbabilisticPCA().setK(K).fit(df));
    assertTrue(e.getMessage().contains("holds NaN") && e.getMessage().contains("missing=true"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ProbabilisticPCA().setK(D).fit(df));
    assertTrue(e.getMessage().contains("k = 20 must be smaller than the number of features d = 20"), e.getMessage());
    double[][] holey = planted(50, 53);
    for (double[] r : holey) {
      r[4] = Double.NaN;
    }
    e = assertThrows(IllegalArgumentException.class,
        () -> new ProbabilisticPCA().setK(K).setMissing(true).fit(Planted.frame(spark(), holey, 2)));
    assertTrue(e.getMessage().contains("feature 4 of column 'features' has no observed value in 50 rows"),
        e.getMessage());
  }

  @Test
  void cliFitsPpcaOnMnistAndSamples(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("ppca");
    Cli.Result r = Cli.run("fit", "ppca", "--input", Cli.MNIST_SAMPLE, "--k", "8", "--output", fit.toString());
    assertEquals(0, r.code(), r.err());
    String metrics = Files.readString(fit.resolve("metrics.json"));
    for (String key : new String[] {"\"logLikelihoodPerRow\"", "\"noiseVariance\"", "\"bic\""}) {
      assertTrue(metrics.contains(key), key + " in " + metrics);
    }
    for (String f : new String[] {"scree.png", "components.png"}) {
      assertTrue(Files.size(fit.resolve("figures/" + f)) > 1000, f);
    }
    ProbabilisticPCAModel m = ProbabilisticPCAModel.load(fit.resolve("model").toString());
    assertEquals(28, m.provenance().imageHeight());
    assertEquals(8, m.k());
    r = Cli.run("sample", "--model", fit.toString(), "--count", "20", "--output", dir.resolve("s").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.size(dir.resolve("s/samples.png")) > 1000);
    List<String> args = new ArrayList<>(List.of("evaluate", "--model", fit.toString(), "--input", Cli.MNIST_SAMPLE,
        "--max-rows", "500"));
    r = Cli.run(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"logLikelihoodPerRow\""), r.out());
  }
}
