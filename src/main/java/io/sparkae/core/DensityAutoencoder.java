package io.sparkae.core;

/**
 * An autoencoder whose decoder gives a normalised density over x and whose per-row loss is the exact
 * {@code -log p(x)} in nats (probabilistic PCA, Gaussian mixtures): the loss is not a squared error, so reports
 * give no explained variance, and the model draws new rows.
 */
public interface DensityAutoencoder extends Autoencoder, Sampling {

  @Override
  default boolean squaredErrorLoss() {
    return false;
  }

  @Override
  default String lossName() {
    return "-log p(x) (nats)";
  }
}
