package io.sparkae.linear.dictionary;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import java.util.SplittableRandom;

/** Seeded planted dictionaries and sparse combinations of their atoms, and atom matching for recovery checks. */
final class PlantedDictionary {
  private PlantedDictionary() {}

  /** A d x m matrix of Gaussian columns scaled to unit norm. */
  static DenseMatrix atoms(int d, int m, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DenseMatrix phi = new DenseMatrix(d, m);
    for (int i = 0; i < phi.values.length; i++) {
      phi.values[i] = Planted.gaussian(r);
    }
    DictionaryUpdate.normalizeColumns(phi);
    return phi;
  }

  /**
   * n rows x = Phi z + noise * e: z has k nonzeros at uniformly drawn distinct positions, each a random sign
   * times (1 + |g|) with g standard normal, so every used atom contributes clearly.
   */
  static double[][] rows(DenseMatrix phi, int n, int k, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = phi.rows;
    int m = phi.cols;
    double[][] out = new double[n][d];
    int[] pick = new int[m];
    for (int row = 0; row < n; row++) {
      for (int j = 0; j < m; j++) {
        pick[j] = j;
      }
      for (int t = 0; t < k; t++) {
        int s = t + r.nextInt(m - t);
        int tmp = pick[t];
        pick[t] = pick[s];
        pick[s] = tmp;
        double v = (r.nextBoolean() ? 1 : -1) * (1 + Math.abs(Planted.gaussian(r)));
        for (int i = 0; i < d; i++) {
          out[row][i] += v * phi.get(i, pick[t]);
        }
      }
      for (int i = 0; i < d; i++) {
        out[row][i] += noise * Planted.gaussian(r);
      }
    }
    return out;
  }

  /**
   * The rows as a "features" DataFrame split into {@code partitions} slices in order: unlike a shuffle
   * (repartition), the same rows always land in the same partitions at the same positions, so seeded fits repeat.
   */
  static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame(org.apache.spark.sql.SparkSession spark,
      double[][] rows, int partitions) {
    java.util.List<org.apache.spark.sql.Row> list = new java.util.ArrayList<>();
    for (double[] x : rows) {
      list.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(x)));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
    org.apache.spark.api.java.JavaSparkContext sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
        spark.sparkContext());
    return spark.createDataFrame(sc.parallelize(list, partitions), schema);
  }

  /** Share of planted atoms whose best |cosine| with a learnt atom exceeds {@code threshold}. */
  static double recovered(DenseMatrix planted, DenseMatrix learnt, double threshold) {
    DenseMatrix c = DenseMatrix.multiply(planted, true, learnt, false);
    DenseMatrix pn = DenseMatrix.multiply(planted, true, planted, false);
    DenseMatrix ln = DenseMatrix.multiply(learnt, true, learnt, false);
    int hits = 0;
    for (int i = 0; i < planted.cols; i++) {
      double best = 0;
      for (int j = 0; j < learnt.cols; j++) {
        double cos = Math.abs(c.get(i, j)) / Math.sqrt(pn.get(i, i) * ln.get(j, j));
        best = Math.max(best, cos);
      }
      if (best > threshold) {
        hits++;
      }
    }
    return hits / (double) planted.cols;
  }
}
