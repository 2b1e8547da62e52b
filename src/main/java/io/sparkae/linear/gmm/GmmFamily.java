package io.sparkae.linear.gmm;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit gmm}: a Gaussian mixture, the soft k-means, as a probabilistic autoencoder. */
public final class GmmFamily extends Family.Of {
  public GmmFamily() {
    super("gmm", "Gaussian mixture: z = responsibilities, x^ = sum_j z_j mu_j, -log p(x). k-means|| init, EM "
        + "rounds.", GaussianMixture::new, Set.of(), """
        --k*         | k          | number of components
        --covariance | covariance | full, diag or spherical
        --reg        | reg        | added to covariance diagonals, relative to the mean feature variance
        --max-iter   | maxIter    | maximum EM rounds
        --tol        | tol        | stop when the log-likelihood per row rises by less than this (nats)
        """);
  }
}
