package io.sparkae.linear.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkae.data.IdxImages;
import io.sparkae.data.IdxReader;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Agreement with Spark MLlib. Spark 4.2's DataFrame KMeans has no initial-model param, so the same initial centers
 * go to the RDD-based {@code org.apache.spark.mllib.clustering.KMeans.setInitialModel}, the engine behind the
 * DataFrame KMeans's "row" solver. With tol = 0 both stop at the same round.
 */
class KMeansMllibTest extends SparkTest {

  private static org.apache.spark.mllib.clustering.KMeansModel mllib(Dataset<Row> df, double[][] start, int iters) {
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.select("features").toJavaRDD()
        .map(r -> org.apache.spark.mllib.linalg.Vectors.fromML((Vector) r.get(0)));
    org.apache.spark.mllib.linalg.Vector[] init = new org.apache.spark.mllib.linalg.Vector[start.length];
    for (int j = 0; j < start.length; j++) {
      init[j] = org.apache.spark.mllib.linalg.Vectors.dense(start[j]);
    }
    return new org.apache.spark.mllib.clustering.KMeans().setK(start.length).setMaxIterations(iters).setEpsilon(0)
        .setInitialModel(new org.apache.spark.mllib.clustering.KMeansModel(init)).run(rdd.rdd());
  }

  private static void assertSameAsMllib(Dataset<Row> df, double[][] start, int iters) {
    KMeansModel ours = new KMeans().setInitialCenters(start).setMaxIter(iters).setTol(0).fit(df);
    org.apache.spark.mllib.clustering.KMeansModel theirs = mllib(df, start, iters);
    assertEquals(theirs.numIter(), ours.summary().numIter(), "rounds");
    double[] h = ours.summary().objectiveHistory();
    // MLlib's trainingCost is the cost of its last round's assignment, as our objective history records it.
    assertEquals(theirs.trainingCost(), h[h.length - 1], 1e-9 * theirs.trainingCost(), "last round's cost");
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.select("features").toJavaRDD()
        .map(r -> org.apache.spark.mllib.linalg.Vectors.fromML((Vector) r.get(0)));
    double finalCost = theirs.computeCost(rdd.rdd());
    assertEquals(finalCost, ours.trainingCost(), 1e-9 * finalCost, "cost of the final centers");
    for (int j = 0; j < start.length; j++) {
      double[] c = theirs.clusterCenters()[j].toArray();
      assertArrayEquals(c, ours.clusterCenters()[j].toArray(), 1e-9 * (1 + Math.abs(c[0])), "center " + j);
    }
  }

  @Test
  void sameCostAsMllibFromTheSameCenters() {
    Mixture m = Mixture.gaussian(4000, 8, 7, 2.5, 1.0, 31);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 3).cache();
    double[][] start = new double[7][];
    for (int j = 0; j < 7; j++) {
      start[j] = m.rows[j * 13];
    }
    assertSameAsMllib(df, start, 12);
    df.unpersist();
  }

  @Test
  void silhouetteMatchesMllibClusteringEvaluator() {
    Mixture m = Mixture.gaussian(3000, 5, 4, 3.0, 1.0, 37);
    Dataset<Row> df = Planted.frame(spark(), m.rows, 3).cache();
    KMeansModel model = new KMeans().setK(4).setSeed(5).fit(df);
    ClusteringMetrics ours = model.clusteringMetrics(df);
    double theirs = new ClusteringEvaluator().setFeaturesCol("features").setPredictionCol("prediction")
        .evaluate(model.transform(df));
    assertEquals(theirs, ours.silhouette(), 1e-9);
    assertEquals(model.trainingCost(), ours.inertia(), 1e-9 * ours.inertia());
    assertEquals(3000, ours.rows());
    df.unpersist();
  }

  /** The first MNIST digits, if the repository's sample is there (data/mnist-sample after the data merge). */
  @Test
  void sameCostAsMllibOnMnistSample() throws IOException {
    String base = System.getProperty("sparkae.mnistSample",
        System.getProperty("sparkae.basedir", ".") + "/data/mnist-sample");
    Path images = Paths.get(base, "train-images-idx3-ubyte.gz");
    Assumptions.assumeTrue(Files.exists(images), "no MNIST sample at " + images);
    double[][] rows = readIdxImages(images, 3000);
    Dataset<Row> df = Planted.frame(spark(), rows, 2).cache();
    double[][] start = new double[10][];
    for (int j = 0; j < 10; j++) {
      start[j] = rows[j];
    }
    assertSameAsMllib(df, start, 8);
    df.unpersist();
  }

  /** The first {@code limit} images of an IDX3 file (read by data/IdxReader), scaled to [0, 1]. */
  static double[][] readIdxImages(Path file, int limit) {
    IdxImages images = IdxReader.readImages(file.toString());
    int n = Math.min(limit, images.count());
    int d = images.pixelsPerImage();
    double[][] out = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        out[i][t] = (images.pixels()[i * d + t] & 0xff) / 255.0;
      }
    }
    return out;
  }
}
