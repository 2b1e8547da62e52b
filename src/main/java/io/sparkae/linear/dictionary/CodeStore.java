package io.sparkae.linear.dictionary;

import io.sparkae.core.PartitionStore;

/**
 * Where the warm-started codes live between rounds: {@link PartitionStore}, keyed by (fit id, partition, round),
 * holding the codes of that partition's cached blocks after that round (one m x n array per block, in block order).
 * A partition that finds none solves its codes from zero to convergence for the round (as with {@code exactCodes}),
 * which never gives a larger objective than continuing would (the code problems are convex and solved exactly), so
 * the objective still never increases; only bit-for-bit equality with a run that kept its codes is lost.
 */
final class CodeStore {
  private CodeStore() {}

  /**
   * A partition's codes after a round, one m x n array per block in block order, and the rows' squared norms
   * {@code ||x_i||^2} per block (they do not change, so a round does not recompute them).
   */
  record Kept(double[][] codes, double[][] squaredNorms) {}

  /** The codes of (fit, partition) after {@code round}, or null when they are not (or no longer) here. */
  static Kept get(String fit, int partition, int round) {
    return PartitionStore.get(fit, partition, round, Kept.class);
  }

  /** Stores the codes after {@code round} unless already stored, and drops those of round - 2. */
  static void put(String fit, int partition, int round, Kept codes) {
    PartitionStore.put(fit, partition, round, codes);
  }

  /** Removes and returns the codes of (fit, partition) after {@code round} (see {@link PartitionStore#take}). */
  static Kept take(String fit, int partition, int round) {
    return PartitionStore.take(fit, partition, round, Kept.class);
  }

  /** Drops every entry of {@code fit} (called on each executor when the fit ends). */
  static void dropFit(String fit) {
    PartitionStore.dropFit(fit);
  }

  /** Entries held (for tests). */
  static int size() {
    return PartitionStore.size();
  }
}
