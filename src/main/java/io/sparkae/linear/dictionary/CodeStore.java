package io.sparkae.linear.dictionary;

import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the warm-started codes live between rounds: an executor-side map, per JVM, from (fit id, partition,
 * round) to the codes of that partition's cached blocks after that round (one m x n array per block, in block
 * order). The task of round r reads round r - 1 and stores round r; storing round r drops round r - 2. Keeping
 * two rounds makes a retried or recomputed task of round r start from exactly the same codes as its first attempt,
 * so it repeats its work bit for bit; the first attempt to store a round wins, later attempts (retries,
 * speculative copies) compute the same arrays and are ignored.
 *
 * <p>Why beside the cached blocks and not inside them: cached RDD elements are immutable (a block spilled to disk
 * or recomputed from lineage would silently lose codes written into it), while this map is looked up by the
 * partition's tasks, which Spark schedules where the partition's cached blocks are. Values are soft references:
 * when an executor is short of memory the garbage collector may drop codes, and an executor that is lost or a
 * task scheduled elsewhere finds none. Then that partition solves its codes from zero to convergence for the
 * round (as with {@code exactCodes}), which never gives a larger objective than continuing would (the code
 * problems are convex and solved exactly), so the objective still never increases; only bit-for-bit equality with
 * a run that kept its codes is lost. A fit drops its entries when it ends ({@link #dropFit}).
 */
final class CodeStore {
  private CodeStore() {}

  private static final ConcurrentHashMap<Key, SoftReference<Kept>> CODES = new ConcurrentHashMap<>();

  private record Key(String fit, int partition, int round) {}

  /**
   * A partition's codes after a round, one m x n array per block in block order, and the rows' squared norms
   * {@code ||x_i||^2} per block (they do not change, so a round does not recompute them).
   */
  record Kept(double[][] codes, double[][] squaredNorms) {}

  /** The codes of (fit, partition) after {@code round}, or null when they are not (or no longer) here. */
  static Kept get(String fit, int partition, int round) {
    SoftReference<Kept> ref = CODES.get(new Key(fit, partition, round));
    return ref == null ? null : ref.get();
  }

  /** Stores the codes after {@code round} unless already stored, and drops those of round - 2. */
  static void put(String fit, int partition, int round, Kept codes) {
    Key key = new Key(fit, partition, round);
    SoftReference<Kept> old = CODES.putIfAbsent(key, new SoftReference<>(codes));
    if (old != null && old.get() == null) {
      CODES.put(key, new SoftReference<>(codes));
    }
    CODES.remove(new Key(fit, partition, round - 2));
  }

  /**
   * Removes and returns the codes of (fit, partition) after {@code round}, or null: round r + 2 takes the arrays
   * of round r to write its own codes into, instead of allocating a partition's worth of codes every round. The
   * removal is atomic, so two attempts of the same task never share arrays; an attempt that finds none allocates.
   * Round r + 2 starts only after round r + 1 has ended, the last round that reads round r's codes.
   */
  static Kept take(String fit, int partition, int round) {
    SoftReference<Kept> ref = CODES.remove(new Key(fit, partition, round));
    return ref == null ? null : ref.get();
  }

  /** Drops every entry of {@code fit} (called on each executor when the fit ends). */
  static void dropFit(String fit) {
    CODES.keySet().removeIf(k -> k.fit().equals(fit));
  }

  /** Entries held (for tests). */
  static int size() {
    return CODES.size();
  }
}
