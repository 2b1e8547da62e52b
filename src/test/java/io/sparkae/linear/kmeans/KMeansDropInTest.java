package io.sparkae.linear.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.SparkTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.Tuple2;

/**
 * k-means as a drop-in for MLlib's KMeans: row weights, the cosine distance and sparse (CSR) input, each checked
 * against MLlib's RDD-based KMeans from the same initial centers (the DataFrame KMeans has no initial model) and
 * against exact identities (integer weights = repeated rows, weight 0 = absent row, CSR = dense). Tolerances: both
 * sides run Lloyd to the same fixed point in double precision; the centers are means of a few thousand rows and the
 * costs sums of as many terms, whose rounding differs between the two summation orders by about 1e-13 relative (n
 * eps), so 1e-9 is a margin of about 1e4.
 */
class KMeansDropInTest extends SparkTest {

  private static StructType schema() {
    return new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("w", DataTypes.DoubleType, true);
  }

  private Dataset<Row> frame(List<Vector> rows, double[] w, int partitions) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      out.add(RowFactory.create(rows.get(i), w == null ? 1.0 : w[i]));
    }
    return spark().createDataFrame(out, schema()).repartition(partitions).cache();
  }

  private static List<Vector> dense(double[][] rows) {
    List<Vector> out = new ArrayList<>();
    for (double[] r : rows) {
      out.add(Vectors.dense(r));
    }
    return out;
  }

  private static org.apache.spark.mllib.clustering.KMeansModel mllib(Dataset<Row> df, double[][] start, int iters,
      String distance, boolean weighted) {
    JavaRDD<Tuple2<org.apache.spark.mllib.linalg.Vector, Object>> rdd = df.select("features", "w").toJavaRDD()
        .map(r -> new Tuple2<>(org.apache.spark.mllib.linalg.Vectors.fromML((Vector) r.get(0)),
            (Object) (weighted ? r.getDouble(1) : 1.0)));
    org.apache.spark.mllib.linalg.Vector[] init = new org.apache.spark.mllib.linalg.Vector[start.length];
    for (int j = 0; j < start.length; j++) {
      init[j] = org.apache.spark.mllib.linalg.Vectors.dense(start[j]);
    }
    return new org.apache.spark.mllib.clustering.KMeans().setK(start.length).setMaxIterations(iters).setEpsilon(0)
        .setDistanceMeasure(distance).setInitialModel(new org.apache.spark.mllib.clustering.KMeansModel(init))
        .runWithWeight(rdd.rdd(), false, Option.empty());
  }

  /** sum_i w_i cost(x_i, nearest c), with MLlib's cost: squared Euclidean distance, or 1 - cos. */
  private static double cost(List<Vector> rows, double[] w, Vector[] centers, boolean cosine) {
    double total = 0;
    for (int i = 0; i < rows.size(); i++) {
      double[] x = rows.get(i).toArray();
      double best = Double.POSITIVE_INFINITY;
      for (Vector c : centers) {
        double[] cv = c.toArray();
        double v;
        if (cosine) {
          double dot = 0;
          double xx = 0;
          double cc = 0;
          for (int t = 0; t < x.length; t++) {
            dot += x[t] * cv[t];
            xx += x[t] * x[t];
            cc += cv[t] * cv[t];
          }
          v = 1 - dot / Math.sqrt(xx * cc);
        } else {
          v = 0;
          for (int t = 0; t < x.length; t++) {
            v += (x[t] - cv[t]) * (x[t] - cv[t]);
          }
        }
        best = Math.min(best, v);
      }
      total += (w == null ? 1.0 : w[i]) * best;
    }
    return total;
  }

  private static void assertSameCenters(Vector[] expected, Vector[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int j = 0; j < expected.length; j++) {
      double[] e = expected[j].toArray();
      double scale = 0;
      for (double v : e) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertArrayEquals(e, actual[j].toArray(), tol * (1 + scale), "center " + j);
    }
  }

  private static double[] weights(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      // Weights spanning two orders of magnitude, some zero.
      w[i] = i % 17 == 0 ? 0.0 : Math.exp(r.nextDouble(-2.3, 2.3));
    }
    return w;
  }

  @Test
  void weightedLloydEqualsMllibFromTheSameCenters() {
    Mixture m = Mixture.gaussian(3000, 6, 5, 2.5, 1.0, 41);
    double[] w = weights(3000, 42);
    List<Vector> rows = dense(m.rows);
    Dataset<Row> df = frame(rows, w, 3);
    double[][] start = {m.rows[1], m.rows[3], m.rows[5], m.rows[7], m.rows[9]};
    KMeansModel ours = new KMeans().setInitialCenters(start).setWeightCol("w").setMaxIter(100).setTol(0).fit(df);
    org.apache.spark.mllib.clustering.KMeansModel theirs = mllib(df, start, 100, "euclidean", true);
    Vector[] tc = new Vector[start.length];
    for (int j = 0; j < tc.length; j++) {
      tc[j] = theirs.clusterCenters()[j].asML();
    }
    assertTrue(ours.summary().converged(), "converged within 100 rounds");
    assertSameCenters(tc, ours.clusterCenters(), 1e-9);
    double expected = cost(rows, w, tc, false);
    assertEquals(expected, ours.trainingCost(), 1e-9 * expected, "weighted cost of the final centers");
    // MLlib's trainingCost is its last round's weighted cost: the same fixed point.
    assertEquals(theirs.trainingCost(), ours.trainingCost(), 1e-9 * expected, "MLlib's trainingCost");
    df.unpersist();
  }

  @Test
  void integerWeightsEqualRepeatedRowsAndWeightZeroEqualsAnAbsentRow() {
    Mixture m = Mixture.gaussian(1500, 5, 4, 2.0, 1.0, 43);
    SplittableRandom r = new SplittableRandom(44);
    double[] w = new double[m.rows.length];
    List<double[]> repeated = new ArrayList<>();
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextInt(4);
      for (int c = 0; c < w[i]; c++) {
        repeated.add(m.rows[i]);
      }
    }
    double[][] start = {m.rows[2], m.rows[4], m.rows[6], m.rows[8]};
    // bounds off on one side and on (the default) on the other: the weighted bounded round is checked too.
    Dataset<Row> weighted = frame(dense(m.rows), w, 2);
    KMeansModel a = new KMeans().setInitialCenters(start).setWeightCol("w").setMaxIter(100).setTol(0).fit(weighted);
    Dataset<Row> plain = frame(dense(repeated.toArray(new double[0][])), null, 3);
    KMeansModel b = new KMeans().setInitialCenters(start).setMaxIter(100).setTol(0).setBounds(false).fit(plain);
    assertEquals(b.summary().numIter(), a.summary().numIter(), "rounds");
    // Sums of the same terms in different orders and groupings: 1e-12 relative is ~1e4 times their rounding.
    assertSameCenters(b.clusterCenters(), a.clusterCenters(), 1e-12);
    assertEquals(b.trainingCost(), a.trainingCost(), 1e-12 * b.trainingCost());
    // The weighted fit's cluster sizes count rows (as MLlib's summary does), weight-0 rows included.
    assertEquals(m.rows.length, Arrays.stream(a.summary().clusterSizes()).sum());
    weighted.unpersist();
    plain.unpersist();
  }

  @Test
  void weightZeroRowsNeverBecomeCentersOfKMeansParallel() {
    // Three weighted clusters and a far one of weight 0: k-means|| must not spend a center on it, although its rows
    // are the farthest from everything (unweighted, they would be drawn first).
    Mixture m = Mixture.gaussian(2000, 4, 3, 2.0, 0.3, 45);
    List<Vector> rows = dense(m.rows);
    double[] w = new double[2400];
    Arrays.fill(w, 0, 2000, 1.0);
    for (int i = 0; i < 400; i++) {
      double[] far = m.rows[i].clone();
      far[0] += 1000;
      rows.add(Vectors.dense(far));
    }
    Dataset<Row> df = frame(rows, w, 2);
    for (String algorithm : new String[] {"lloyd", "minibatch"}) {
      KMeansModel model = new KMeans().setK(3).setSeed(7).setWeightCol("w").setAlgorithm(algorithm)
          .setBatchFraction(0.5).fit(df);
      for (Vector c : model.clusterCenters()) {
        assertTrue(Math.abs(c.apply(0)) < 100, algorithm + ": a center at " + c + " sits on the weight-0 rows");
      }
    }
    df.unpersist();
  }

  @Test
  void cosineEqualsMllibFromTheSameCenters() {
    // Directions matter, not lengths: each row scaled by a random factor in [0.2, 5].
    Mixture m = Mixture.gaussian(3000, 6, 5, 3.0, 1.0, 47);
    SplittableRandom r = new SplittableRandom(48);
    double[][] x = new double[m.rows.length][];
    for (int i = 0; i < x.length; i++) {
      double s = Math.exp(r.nextDouble(-1.6, 1.6));
      x[i] = m.rows[i].clone();
      for (int t = 0; t < x[i].length; t++) {
        x[i][t] = (x[i][t] + 4) * s;
      }
    }
    double[] w = weights(x.length, 49);
    List<Vector> rows = dense(x);
    Dataset<Row> df = frame(rows, w, 3);
    double[][] start = new double[5][];
    for (int j = 0; j < 5; j++) {
      double[] c = x[j * 11];
      double n = Math.sqrt(Arrays.stream(c).map(v -> v * v).sum());
      start[j] = Arrays.stream(c).map(v -> v / n).toArray();
    }
    for (boolean weighted : new boolean[] {false, true}) {
      KMeans km = new KMeans().setInitialCenters(start).setDistanceMeasure("cosine").setMaxIter(100).setTol(0);
      KMeansModel ours = (weighted ? km.setWeightCol("w") : km).fit(df);
      org.apache.spark.mllib.clustering.KMeansModel theirs = mllib(df, start, 100, "cosine", weighted);
      Vector[] tc = new Vector[5];
      for (int j = 0; j < 5; j++) {
        tc[j] = theirs.clusterCenters()[j].asML();
      }
      assertEquals("cosine", ours.distanceMeasure());
      assertSameCenters(tc, ours.clusterCenters(), 1e-9);
      double expected = cost(rows, weighted ? w : null, tc, true);
      assertEquals(expected, ours.trainingCost(), 1e-9 * expected, "cost sum w (1 - cos), weighted " + weighted);
      int[] predicted = ours.transform(df).select("prediction").as(org.apache.spark.sql.Encoders.INT())
          .collectAsList().stream().mapToInt(Integer::intValue).toArray();
      List<Row> feats = df.select("features").collectAsList();
      for (int i = 0; i < predicted.length; i++) {
        assertEquals(theirs.predict(org.apache.spark.mllib.linalg.Vectors.fromML((Vector) feats.get(i).get(0))),
            predicted[i], "prediction of row " + i);
      }
    }
    df.unpersist();
  }

  /** n sparse rows of size d, k planted clusters, each owning 40 features; 12 nonzeros per row. */
  private static List<Vector> sparseRows(int n, int d, int k, long seed, int[] labels) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] owned = new int[k][40];
    for (int c = 0; c < k; c++) {
      for (int t = 0; t < 40; t++) {
        owned[c][t] = r.nextInt(d);
      }
    }
    List<Vector> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(k);
      labels[i] = c;
      java.util.TreeMap<Integer, Double> entries = new java.util.TreeMap<>();
      while (entries.size() < 12) {
        int f = entries.size() < 10 ? owned[c][r.nextInt(40)] : r.nextInt(d);
        entries.put(f, 1 + r.nextDouble() * 3);
      }
      int[] idx = entries.keySet().stream().mapToInt(Integer::intValue).toArray();
      double[] val = entries.values().stream().mapToDouble(Double::doubleValue).toArray();
      out.add(Vectors.sparse(d, idx, val));
    }
    return out;
  }

  @Test
  void sparseBlocksGiveTheDenseFitAndMllibs() {
    int n = 2000;
    int d = 600;
    int[] labels = new int[n];
    List<Vector> sparse = sparseRows(n, d, 5, 51, labels);
    List<Vector> asDense = new ArrayList<>();
    for (Vector v : sparse) {
      asDense.add(v.toDense());
    }
    double[] w = weights(n, 52);
    Dataset<Row> s = frame(sparse, w, 3);
    Dataset<Row> dd = frame(asDense, w, 3);
    double[][] start = new double[5][];
    for (int j = 0; j < 5; j++) {
      start[j] = sparse.get(j).toArray();
    }
    for (String distance : new String[] {"euclidean", "cosine"}) {
      KMeans km = new KMeans().setInitialCenters(start).setWeightCol("w").setDistanceMeasure(distance)
          .setMaxIter(100).setTol(0);
      KMeansModel fromSparse = km.fit(s);
      KMeansModel fromDense = km.fit(dd);
      assertEquals(fromDense.summary().numIter(), fromSparse.summary().numIter(), distance + ": rounds");
      assertSameCenters(fromDense.clusterCenters(), fromSparse.clusterCenters(), 1e-9);
      assertEquals(fromDense.trainingCost(), fromSparse.trainingCost(), 1e-9 * fromDense.trainingCost());
      double[][] unit = start;
      if (distance.equals("cosine")) {
        unit = new double[5][];
        for (int j = 0; j < 5; j++) {
          double nn = Math.sqrt(Arrays.stream(start[j]).map(v -> v * v).sum());
          unit[j] = Arrays.stream(start[j]).map(v -> v / nn).toArray();
        }
      }
      org.apache.spark.mllib.clustering.KMeansModel theirs = mllib(s, unit, 100, distance, true);
      Vector[] tc = new Vector[5];
      for (int j = 0; j < 5; j++) {
        tc[j] = theirs.clusterCenters()[j].asML();
      }
      assertSameCenters(tc, fromSparse.clusterCenters(), 1e-9);
    }
    s.unpersist();
    dd.unpersist();
  }

  @Test
  void veryWideSparseRowsAreNeverDensifiedAndKMeansParallelFindsThePlantedClusters() {
    // 3000 rows of size 500,000: dense blocks would need 12 GB; CSR blocks hold 36,000 nonzeros.
    int n = 3000;
    int[] labels = new int[n];
    List<Vector> rows = sparseRows(n, 500_000, 4, 53, labels);
    Dataset<Row> df = frame(rows, null, 2);
    KMeansModel model = new KMeans().setK(4).setSeed(3).setDistanceMeasure("cosine").fit(df);
    assertEquals(4, model.k());
    assertTrue(model.summary().converged(), "converged");
    // Clusters share no owned features: the planted partition is the only good one (adjusted Rand index 1 up to
    // a handful of rows whose random features outweigh their cluster's; measured 1.0 with seeds 3, 4, 5).
    int[] predicted = new int[n];
    List<Row> feats = df.select("features").collectAsList();
    int[] planted = new int[n];
    java.util.Map<Vector, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(rows.get(i), labels[i]);
    }
    for (int i = 0; i < n; i++) {
      Vector v = (Vector) feats.get(i).get(0);
      planted[i] = index.get(v);
      predicted[i] = model.predict(v);
    }
    assertTrue(Mixture.adjustedRandIndex(planted, predicted) > 0.99, "adjusted Rand index");
    df.unpersist();
  }

  @Test
  void badWeightsAndZeroRowsAreClearErrors() {
    List<Vector> rows = dense(new double[][] {{1, 2}, {3, 4}, {5, 6}, {0, 0}});
    Dataset<Row> negative = frame(rows, new double[] {1, -2, 1, 1}, 1);
    Exception e = assertThrows(Exception.class, () -> new KMeans().setK(2).setWeightCol("w").fit(negative));
    assertTrue(rootMessage(e).contains("weight column 'w'") && rootMessage(e).contains("-2.0"), rootMessage(e));
    Exception missing = assertThrows(IllegalArgumentException.class,
        () -> new KMeans().setK(2).setWeightCol("nope").fit(negative));
    assertTrue(missing.getMessage().contains("weight column 'nope' not found"), missing.getMessage());
    Dataset<Row> ok = frame(rows, null, 1);
    Exception zero = assertThrows(Exception.class, () -> new KMeans().setK(2).setDistanceMeasure("cosine").fit(ok));
    assertTrue(rootMessage(zero).contains("row 3 is the zero vector"), rootMessage(zero));
    Dataset<Row> wide = frame(sparseRows(50, 1000, 2, 5, new int[50]), null, 1);
    Exception mb = assertThrows(IllegalArgumentException.class,
        () -> new KMeans().setK(2).setAlgorithm("minibatch").fit(wide));
    assertTrue(mb.getMessage().contains("needs dense rows"), mb.getMessage());
    negative.unpersist();
    ok.unpersist();
    wide.unpersist();
  }

  private static String rootMessage(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
      if (c instanceof SparkException && c.getCause() == null) {
        break;
      }
    }
    return all.toString();
  }

  @Test
  void cosineModelSavesAndLoadsItsDistance(@TempDir Path dir) throws Exception {
    Mixture m = Mixture.gaussian(500, 4, 3, 3.0, 1.0, 55);
    double[][] x = new double[m.rows.length][];
    for (int i = 0; i < x.length; i++) {
      x[i] = Arrays.stream(m.rows[i]).map(v -> v + 5).toArray();
    }
    Dataset<Row> df = frame(dense(x), null, 2);
    KMeansModel model = new KMeans().setK(3).setSeed(1).setDistanceMeasure("cosine").setDistanceCol("dist").fit(df);
    String path = dir.resolve("km").toString();
    model.save(path);
    KMeansModel loaded = KMeansModel.load(path);
    assertEquals("cosine", loaded.distanceMeasure());
    List<Row> a = model.transform(df).select("prediction", "dist").collectAsList();
    List<Row> b = loaded.setDistanceCol("dist").transform(df).select("prediction", "dist").collectAsList();
    assertEquals(a, b);
    // The distance column is 1 - cos, in [0, 2].
    for (Row row : a) {
      assertTrue(row.getDouble(1) >= -1e-12 && row.getDouble(1) <= 2, "distance " + row.getDouble(1));
    }
    df.unpersist();
  }
}
