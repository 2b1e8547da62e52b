package io.sparkae.linear.kmeans;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit kmeans}: k-means as an autoencoder with one-hot codes. */
public final class KMeansFamily extends Family.Of {
  public KMeansFamily() {
    super("kmeans", "k-means: z = e_j of the nearest centroid, x^ = c_j, squared error. k-means|| init, Lloyd or "
        + "mini-batch rounds.", KMeans::new, Set.of(), """
        --k*             | k             | number of clusters
        --max-iter       | maxIter       | maximum Lloyd (or mini-batch) rounds
        --tol            | tol           | stop when no centre moves more than this
        --init           | initMode      | k-means|| or random
        --init-steps     | initSteps     | k-means|| rounds
        --algorithm      | algorithm     | lloyd or minibatch
        --batch-fraction | batchFraction | mini-batch: fraction of each partition per round
        --restarts       | restarts      | runs from different seeds; the lowest training cost is kept
        --distance       | distanceMeasure | euclidean or cosine (spherical k-means)
        --weight-col     | weightCol     | column of row weights (finite, >= 0), e.g. in Parquet input
        """);
  }
}
