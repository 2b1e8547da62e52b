package io.sparkae.linear.kmeans;

import java.io.Serializable;

/**
 * What a k-means fit reports, in the vocabulary of MLlib's KMeansSummary: the number of rounds, the cost per round,
 * whether the centers stopped moving, and the cost and cluster sizes of the final centers on the training data.
 * Immutable; getters return copies.
 */
public final class KMeansSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] objectiveHistory;
  private final boolean converged;
  private final double trainingCost;
  private final long[] clusterSizes;
  private final double initSeconds;

  /**
   * @param objectiveHistory per round, the cost of that round's assignment (Lloyd: the exact cost
   *     {@code sum_i min_j ||x_i - c_j||^2} with the centers that entered the round, MLlib's trainingCost; mini-batch:
   *     the batch's cost scaled to all rows)
   * @param converged whether the fit stopped because no center moved more than tol
   * @param trainingCost the cost of the final centers on the training rows
   * @param clusterSizes training rows nearest to each final center
   * @param initSeconds wall-clock seconds of the initialisation (after the blocks were cached)
   */
  public KMeansSummary(double[] objectiveHistory, boolean converged, double trainingCost, long[] clusterSizes,
      double initSeconds) {
    this.objectiveHistory = objectiveHistory.clone();
    this.converged = converged;
    this.trainingCost = trainingCost;
    this.clusterSizes = clusterSizes.clone();
    this.initSeconds = initSeconds;
  }

  /** Rounds run (MLlib's numIter). */
  public int numIter() {
    return objectiveHistory.length;
  }

  public double[] objectiveHistory() {
    return objectiveHistory.clone();
  }

  public boolean converged() {
    return converged;
  }

  /** Sum of squared distances of the training rows to their nearest final center. */
  public double trainingCost() {
    return trainingCost;
  }

  public long[] clusterSizes() {
    return clusterSizes.clone();
  }

  /** Seconds the initialisation took (k-means||, random or given), not counting the caching of the blocks. */
  public double initSeconds() {
    return initSeconds;
  }

  public int k() {
    return clusterSizes.length;
  }
}
