package io.sparkae.core;

import io.sparkae.linalg.DenseMatrix;

/** A model with a prior to draw new rows from. */
public interface Sampling {
  /** {@code count} new rows (d x count), seeded by {@code seed}. */
  DenseMatrix sample(int count, long seed);
}
