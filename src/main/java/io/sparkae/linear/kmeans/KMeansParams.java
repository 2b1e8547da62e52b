package io.sparkae.linear.kmeans;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/** The output-column params that the k-means estimator and model share (Spark copies them from one to the other). */
final class KMeansParams {
  private KMeansParams() {}

  static Param<String> predictionCol(Identifiable owner) {
    return new Param<>(owner, "predictionCol",
        "output column for the index of the nearest center (int); empty for none (default: prediction)");
  }

  static Param<String> distanceCol(Identifiable owner) {
    return new Param<>(owner, "distanceCol",
        "output column for the distance to the nearest center (Euclidean, or 1 - cos for the cosine distance); "
        + "empty for none (default: empty)");
  }
}
