package io.sparkae.linear.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import io.sparkae.testing.Spread;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KMeansTest extends SparkTest {

  /** Predictions of the model for each row of {@code m}, in row order. */
  private static int[] predictions(KMeansModel model, Mixture m) {
    int[] out = new int[m.rows.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = model.predict(Vectors.dense(m.rows[i]));
    }
    return out;
  }

  @Test
  @Tag("stochastic")
  void recoversPlantedClustersExactly() {
    Mixture m = Mixture.gaussian(3000, 10, 6, 10.0, 0.5, Spread.seed(3));
    Dataset<Row> df = Planted.frame(spark(), m.rows, 3);
    KMeansModel model = new KMeans().setK(6).setSeed(Spread.seed(11)).fit(df);
    // Clusters 10 standard deviations apart: every seed and BLAS recovers them exactly (ARI 1 in all 10 runs).
    assertEquals(1.0, Spread.record("kmeans.plantedAri", Mixture.adjustedRandIndex(m.labels, predictions(model, m))),
        0.0);
    // The transform's prediction column agrees with predict().
    List<Row> rows = model.transform(df).select("features", "prediction").collectAsList();
    for (Row r : rows) {
      assertEquals(model.predict((Vector) r.get(0)), r.getInt(1));
    }
    assertTrue(model.summary().converged());
    assertEquals(3000, java.util.Arrays.stream(model.summary().clusterSizes()).sum());
    assertEquals(3000, model.provenance().rows());
  }

  @Test
  void sameSeedGivesSameCenters() {
    Mixture m = Mixture.gaussian(2000, 5, 8, 3.0, 1.0, 5);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 4).cache();
    KMeans est = new KMeans().setK(8).setSeed(42).setMaxIter(30);
    KMeansModel a = est.fit(df);
    KMeansModel b = est.fit(df);
    assertArrayEquals(a.centers().values, b.centers().values, 0.0, "bit-for-bit the same centers");
    assertArrayEquals(a.summary().objectiveHistory(), b.summary().objectiveHistory(), 0.0);
    KMeansModel r1 = new KMeans().setK(8).setSeed(42).setInitMode("random").fit(df);
    KMeansModel r2 = new KMeans().setK(8).setSeed(42).setInitMode("random").fit(df);
    assertArrayEquals(r1.centers().values, r2.centers().values, 0.0);
    KMeans mini = new KMeans().setK(8).setSeed(42).setAlgorithm("minibatch").setMaxIter(10);
    assertArrayEquals(mini.fit(df).centers().values, mini.fit(df).centers().values, 0.0);
    df.unpersist();
  }

  @Test
  void restartsKeepTheLowestCostRunAndEachRunIsAFitWithItsSeed() {
    // Overlapping clusters: random starts end in different local minima.
    Mixture m = Mixture.gaussian(1500, 3, 8, 1.5, 1.0, 31);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 4).cache();
    KMeans est = new KMeans().setK(8).setInitMode("random").setSeed(7);
    KMeansModel best = est.copy(new org.apache.spark.ml.param.ParamMap()).setRestarts(4).fit(df);
    double[] costs = new double[4];
    KMeansModel argmin = null;
    for (int r = 0; r < 4; r++) {
      long seed = r == 0 ? 7 : io.sparkae.core.Seeds.derive(7, "k-means restart " + r);
      KMeansModel one = est.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(seed).fit(df);
      costs[r] = one.summary().trainingCost();
      if (argmin == null || costs[r] < argmin.summary().trainingCost()) {
        argmin = one;
      }
    }
    assertTrue(java.util.Arrays.stream(costs).distinct().count() > 1,
        "the runs end in different minima (else the test shows nothing): " + java.util.Arrays.toString(costs));
    // Each run is exactly the single fit from its seed, so the kept model is the best of them, bit for bit.
    assertEquals(argmin.summary().trainingCost(), best.summary().trainingCost(), 0.0);
    assertArrayEquals(argmin.centers().values, best.centers().values, 0.0);
    // Default maxIter (300) and tol: the fit stops on tol, not on the round limit.
    assertTrue(best.summary().converged(), "converged within the default maxIter");
    df.unpersist();
  }

  @Test
  void lloydCostNeverIncreases() {
    Mixture m = Mixture.gaussian(2500, 4, 10, 2.0, 1.0, 9);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 3);
    KMeansModel model = new KMeans().setK(10).setInitMode("random").setTol(0).setMaxIter(25).setSeed(1).fit(df);
    double[] h = model.summary().objectiveHistory();
    assertTrue(h.length > 3, "several rounds: " + h.length);
    for (int t = 1; t < h.length; t++) {
      assertTrue(h[t] <= h[t - 1] * (1 + 1e-12), "round " + (t + 1) + ": " + h[t] + " > " + h[t - 1]);
    }
    assertTrue(model.trainingCost() <= h[h.length - 1] * (1 + 1e-12));
  }

  @Test
  @Tag("stochastic")
  void miniBatchComesWithinAFewPercentOfLloyd() {
    Mixture m = Mixture.gaussian(6000, 8, 5, 6.0, 1.0, Spread.seed(13));
    Dataset<Row> df = Planted.frame(spark(), m.rows, 3).cache();
    KMeansModel lloyd = new KMeans().setK(5).setSeed(Spread.seed(3)).fit(df);
    KMeansModel mini = new KMeans().setK(5).setSeed(Spread.seed(3)).setAlgorithm("minibatch").setBatchFraction(0.1)
        .setMaxIter(30).fit(df);
    // Measured 1.00016 to 1.00026 over 5 seeds and both BLAS; 1.03 is 100 times that spread.
    double ratio = Spread.record("kmeans.miniBatchOverLloyd", mini.trainingCost() / lloyd.trainingCost());
    assertTrue(ratio >= 1 - 1e-9 && ratio < 1.03, "mini-batch cost / Lloyd cost = " + ratio);
    assertEquals(1.0, Spread.record("kmeans.miniBatchAri", Mixture.adjustedRandIndex(m.labels, predictions(mini, m))),
        1e-3);
    df.unpersist();
  }

  @Test
  void emptyClusterIsReseededWithTheFarthestRow() {
    Mixture m = Mixture.gaussian(900, 2, 3, 8.0, 0.5, 17);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 2);
    double[][] start = {m.means[0], m.means[1], {1e4, 1e4}};
    // Centers 0 and 1 split the data; center 2 is far from everything and gets no row in round 1.
    KMeansModel model = new KMeans().setInitialCenters(start).setMaxIter(20).fit(df);
    for (long size : model.summary().clusterSizes()) {
      assertTrue(size > 0, "no empty cluster at the end: " + java.util.Arrays.toString(
          model.summary().clusterSizes()));
    }
    assertEquals(1.0, Mixture.adjustedRandIndex(m.labels, predictions(model, m)), 0.0);
  }

  @Test
  void kEqualToTheDistinctPointsPutsOneCenterOnEach() {
    double[][] pts = {{0, 0}, {5, 5}, {9, 1}};
    double[][] rows = new double[60][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = pts[i % 3];
    }
    for (String mode : new String[] {"k-means||", "random"}) {
      KMeansModel model = new KMeans().setK(3).setInitMode(mode).fit(Planted.frame(spark(), rows, 3));
      assertEquals(0.0, model.trainingCost(), 0.0, mode);
      assertArrayEquals(new long[] {20, 20, 20}, model.summary().clusterSizes(), mode);
    }
  }

  @Test
  void transformAddsCodePredictionDistanceAndReconstruction() {
    Mixture m = Mixture.gaussian(300, 3, 3, 5.0, 1.0, 21);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 2);
    KMeansModel model = new KMeans().setK(3).setDistanceCol("distance").fit(df).setReconstructionCol("center")
        .setLossCol("loss");
    Dataset<Row> out = model.transform(df);
    assertEquals(List.of("features", "code", "center", "loss", "prediction", "distance"),
        List.of(out.columns()));
    for (Row r : out.collectAsList()) {
      int j = r.getInt(r.fieldIndex("prediction"));
      SparseVector code = (SparseVector) r.get(1);
      assertArrayEquals(new int[] {j}, code.indices());
      assertArrayEquals(new double[] {1.0}, code.values(), 0.0);
      assertArrayEquals(model.clusterCenters()[j].toArray(), ((Vector) r.get(2)).toArray(), 0.0);
      double loss = r.getDouble(3);
      assertEquals(Math.sqrt(loss), r.getDouble(r.fieldIndex("distance")), 1e-12);
      assertEquals(Vectors.sqdist((Vector) r.get(0), model.clusterCenters()[j]), loss, 1e-9 * (1 + loss));
    }
    // MLlib's columns only.
    assertEquals(List.of("features", "prediction"), List.of(model.copy(new org.apache.spark.ml.param.ParamMap())
        .setOutputCol("").setReconstructionCol("").setLossCol("").setDistanceCol("").transform(df).columns()));
    var ev = model.evaluate(df);
    assertEquals(model.trainingCost() / 300, ev.meanLoss(), 1e-9 * ev.meanLoss());
  }

  @Test
  void saveLoadRoundTripKeepsPredictionsAndSummary(@TempDir Path dir) throws Exception {
    Mixture m = Mixture.gaussian(500, 4, 4, 4.0, 1.0, 23);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 2);
    KMeans est = new KMeans().setK(4).setSeed(7).setDistanceCol("dist");
    KMeansModel model = est.fit(df);
    String path = dir.resolve("model").toString();
    model.write().save(path);
    KMeansModel loaded = KMeansModel.load(path);
    assertEquals(model.uid(), loaded.uid());
    assertEquals("dist", loaded.getDistanceCol());
    assertArrayEquals(model.centers().values, loaded.centers().values, 0.0);
    assertArrayEquals(model.summary().objectiveHistory(), loaded.summary().objectiveHistory(), 0.0);
    assertArrayEquals(model.summary().clusterSizes(), loaded.summary().clusterSizes());
    assertEquals(model.trainingCost(), loaded.trainingCost(), 0.0);
    List<Row> a = model.transform(df).orderBy("features").select("prediction", "dist").collectAsList();
    List<Row> b = loaded.transform(df).orderBy("features").select("prediction", "dist").collectAsList();
    assertEquals(a, b);
    // The estimator with given centers round-trips too.
    String epath = dir.resolve("estimator").toString();
    KMeans given = new KMeans().setInitialCenters(model.centers()).setMaxIter(3);
    given.write().save(epath);
    KMeans back = KMeans.load(epath);
    assertEquals("given", back.getInitMode());
    assertEquals(4, back.getK());
    assertArrayEquals(model.centers().column(2), back.getInitialCenters()[2], 0.0);
  }
}
