package io.sparkae.linear.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import io.sparkae.testing.Spread;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PCATest extends SparkTest {

  private static double[][] planted(int n, int d, int k, double noise, long seed, DenseMatrix[] basisOut) {
    DenseMatrix u = Planted.orthonormal(d, k, seed);
    if (basisOut != null) {
      basisOut[0] = u;
    }
    double[] scales = new double[k];
    for (int j = 0; j < k; j++) {
      scales[j] = 10.0 / (j + 1);
    }
    double[] mu = new double[d];
    for (int i = 0; i < d; i++) {
      mu[i] = 100 + i;
    }
    return Planted.lowRank(n, u, scales, mu, noise, seed + 1);
  }

  @Test
  void recoversPlantedSubspaceOnNoiselessData() {
    DenseMatrix[] u = new DenseMatrix[1];
    double[][] rows = planted(2000, 30, 4, 0.0, 7, u);
    PCAModel m = new PCA().setK(4).fit(Planted.frame(spark(), rows, 3));
    double sine = Planted.largestPrincipalAngleSine(u[0], m.components());
    assertTrue(sine < 1e-6, "largest principal angle sine " + sine);
    double[] ratio = m.explainedVarianceRatio();
    double total = 0;
    for (double r : ratio) {
      total += r;
    }
    assertEquals(1.0, total, 1e-9, "noiseless rank-4 data: 4 components explain everything");
    DenseMatrix wtw = DenseMatrix.multiply(m.components(), true, m.components(), false);
    assertTrue(wtw.maxAbsDiff(DenseMatrix.identity(4)) < 1e-10, "components orthonormal");
  }

  @Test
  void eigenvaluesMatchDenseExactSolverDespiteLargeMean() {
    double[][] rows = planted(1500, 20, 5, 0.3, 11, null);
    PCAModel m = new PCA().setK(5).setBlockSize(64).fit(Planted.frame(spark(), rows, 4));
    // Two-pass covariance on the driver, then LAPACK on it: the reference.
    int n = rows.length;
    int d = rows[0].length;
    double[] mean = new double[d];
    for (double[] r : rows) {
      for (int i = 0; i < d; i++) {
        mean[i] += r[i] / n;
      }
    }
    DenseMatrix c = new DenseMatrix(d, d);
    for (double[] r : rows) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          c.values[a + b * d] += (r[a] - mean[a]) * (r[b] - mean[b]) / (n - 1);
        }
      }
    }
    SymmetricEigen ref = SymmetricEigen.top(c, 5);
    double[] got = m.explainedVariance();
    for (int j = 0; j < 5; j++) {
      assertEquals(ref.values[j], got[j], 1e-9 * ref.values[0], "eigenvalue " + j);
    }
    assertArrayEquals(mean, m.mean(), 1e-9);
    assertTrue(ref.vectors.maxAbsDiff(m.components()) < 1e-7, "components equal the reference (same sign rule)");
  }

  @Test
  void agreesWithSparkMllibPca() {
    double[][] rows = planted(3000, 25, 6, 0.5, 23, null);
    Dataset<Row> df = Planted.frame(spark(), rows, 3).cache();
    PCAModel ours = new PCA().setK(6).fit(df);
    org.apache.spark.ml.feature.PCAModel theirs = new org.apache.spark.ml.feature.PCA().setInputCol("features")
        .setOutputCol("p").setK(6).fit(df);
    double[] ratio = ours.explainedVarianceRatio();
    double[] mllibRatio = theirs.explainedVariance().toArray();
    for (int j = 0; j < 6; j++) {
      assertEquals(mllibRatio[j], ratio[j], 1e-8 * mllibRatio[j], "explained variance ratio " + j);
    }
    org.apache.spark.ml.linalg.DenseMatrix pc = theirs.pc();
    DenseMatrix w = ours.components();
    for (int j = 0; j < 6; j++) {
      double dot = 0;
      for (int i = 0; i < 25; i++) {
        dot += w.get(i, j) * pc.apply(i, j);
      }
      double sign = Math.signum(dot);
      for (int i = 0; i < 25; i++) {
        assertEquals(pc.apply(i, j) * sign, w.get(i, j), 1e-8, "component " + j + " entry " + i);
      }
    }
    df.unpersist();
  }

  @Test
  @Tag("stochastic")
  void randomizedSolverStaysCloseToExact() {
    double[][] rows = planted(2000, 300, 5, 0.05, Spread.seed(31), null);
    Dataset<Row> df = Planted.frame(spark(), rows, 2).cache();
    PCAModel exact = new PCA().setK(5).setSolver("exact").fit(df);
    PCAModel rand = new PCA().setK(5).setSolver("randomized").setPowerIterations(3).setSeed(Spread.seed(32)).fit(df);
    double[] a = exact.explainedVariance();
    double[] b = rand.explainedVariance();
    double worst = 0;
    for (int j = 0; j < 5; j++) {
      worst = Math.max(worst, Math.abs(a[j] - b[j]) / a[j]);
      assertEquals(a[j], b[j], 1e-6 * a[j], "eigenvalue " + j);
    }
    // Measured: eigenvalues within 1e-14 relative and angle sines below 5e-8 over 5 seeds and both BLAS.
    Spread.record("pca.randomizedEigenvalueRelativeError", worst);
    double sine = Spread.record("pca.randomizedAngleSine",
        Planted.largestPrincipalAngleSine(exact.components(), rand.components()));
    assertTrue(sine < 1e-4);
    assertEquals(exact.totalVariance(), rand.totalVariance(), 1e-9 * exact.totalVariance());
    df.unpersist();
  }

  @Test
  void saveLoadAndTransformGiveIdenticalCodes(@TempDir Path dir) throws Exception {
    double[][] rows = planted(500, 12, 3, 0.1, 41, null);
    Dataset<Row> df = Planted.frame(spark(), rows, 2);
    PCAModel m = new PCA().setK(3).setWhiten(true).fit(df);
    String path = dir.resolve("model").toString();
    m.write().save(path);
    PCAModel loaded = PCAModel.load(path);
    assertEquals(m.uid(), loaded.uid());
    assertEquals(500, loaded.provenance().rows());
    assertEquals(12, loaded.provenance().features());
    List<Row> a = m.transform(df).orderBy("features").select("code").collectAsList();
    List<Row> b = loaded.transform(df).orderBy("features").select("code").collectAsList();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(((Vector) a.get(i).get(0)).toArray(), ((Vector) b.get(i).get(0)).toArray(), 0.0);
    }
    // Whitened codes have unit variance on the training data.
    double[] var = new double[3];
    for (Row r : a) {
      double[] z = ((Vector) r.get(0)).toArray();
      for (int j = 0; j < 3; j++) {
        var[j] += z[j] * z[j] / (a.size() - 1);
      }
    }
    assertArrayEquals(new double[] {1, 1, 1}, var, 1e-9);
    assertThrows(java.io.IOException.class, () -> m.write().save(path), "no silent overwrite");
    m.write().overwrite().save(path);
    assertTrue(Files.exists(dir.resolve("model/metadata/part-00000")));
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary folder left");
    }
  }

  @Test
  void reconstructionErrorEqualsDiscardedVariance() {
    double[][] rows = planted(800, 10, 4, 0.2, 51, null);
    Dataset<Row> df = Planted.frame(spark(), rows, 2);
    PCAModel m = new PCA().setK(2).fit(df);
    var ev = m.evaluate(df);
    double[] all = new PCA().setK(10).fit(df).explainedVariance();
    double discarded = 0;
    for (int j = 2; j < 10; j++) {
      discarded += all[j];
    }
    // mean squared error per row = (n-1)/n * sum of discarded eigenvalues
    assertEquals(discarded * 799 / 800, ev.meanLoss(), 1e-8 * discarded);
    double ratio = m.explainedVarianceRatio()[0] + m.explainedVarianceRatio()[1];
    assertEquals(ratio, ev.explainedVariance(), 1e-9);
  }

  @Test
  @Tag("stochastic")
  void sparseWideRowsTakeTheCsrPathAndMatchTheExactSolver() {
    // 1500 columns; each row is g times one of 4 planted sparse directions (8 fixed columns each) plus two small
    // noise entries elsewhere: sparse rows with a clear rank-4 structure.
    java.util.SplittableRandom r = new java.util.SplittableRandom(Spread.seed(77));
    int d = 1500;
    java.util.List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      int j = r.nextInt(4);
      double g = Planted.gaussian(r) * (4 - j);
      java.util.TreeMap<Integer, Double> m = new java.util.TreeMap<>();
      for (int c = 0; c < 8; c++) {
        m.put(j * 100 + c * 7, g * (1 + 0.1 * c));
      }
      m.put(1000 + r.nextInt(250), 0.05 * Planted.gaussian(r));
      m.put(1250 + r.nextInt(250), 0.05 * Planted.gaussian(r));
      rows.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.sparse(d,
          m.keySet().stream().mapToInt(Integer::intValue).toArray(),
          m.values().stream().mapToDouble(Double::doubleValue).toArray())));
    }
    Dataset<Row> df = spark().createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("features",
        org.apache.spark.ml.linalg.SQLDataTypes.VectorType())).repartition(2).cache();
    PCAModel exact = new PCA().setK(4).setSolver("exact").fit(df);
    PCA randomized = new PCA().setK(4).setRandomizedThreshold(1000).setPowerIterations(3).setSeed(Spread.seed(78));
    assertTrue(randomized.usesRandomized(d));
    PCAModel rand = randomized.fit(df);
    PCAModel again = randomized.fit(df);
    double worst = 0;
    for (int j = 0; j < 4; j++) {
      worst = Math.max(worst, Math.abs(exact.explainedVariance()[j] - rand.explainedVariance()[j]));
      assertEquals(exact.explainedVariance()[j], rand.explainedVariance()[j], 1e-9 * exact.explainedVariance()[0]);
    }
    // Measured: errors below 4e-15 of the largest eigenvalue and angle sines below 5e-8 over 5 seeds and both BLAS.
    Spread.record("pca.sparseEigenvalueErrorOverLargest", worst / exact.explainedVariance()[0]);
    assertEquals(exact.totalVariance(), rand.totalVariance(), 1e-9 * exact.totalVariance());
    double sine = Spread.record("pca.sparseAngleSine",
        Planted.largestPrincipalAngleSine(exact.components(), rand.components()));
    assertTrue(sine < 1e-6);
    assertEquals(0.0, rand.components().maxAbsDiff(again.components()), "same seed, same model");
    df.unpersist();
  }
}
