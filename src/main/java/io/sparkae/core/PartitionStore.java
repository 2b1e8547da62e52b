package io.sparkae.core;

import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a fit keeps on an executor between its rounds, beside the cached blocks: a map, per JVM, from (fit id,
 * partition, round) to that partition's state after that round (warm-started codes, k-means distance bounds). The
 * task of round r reads round r - 1 and stores round r; storing round r drops round r - 2. Keeping two rounds makes
 * a retried or recomputed task of round r start from exactly what its first attempt started from, so it repeats its
 * work bit for bit; the first attempt to store a round wins, later attempts (retries, speculative copies) compute
 * the same values and are ignored.
 *
 * <p>Why beside the cached blocks and not inside them: cached RDD elements are immutable (a block spilled to disk or
 * recomputed from lineage would silently lose what was written into it), while this map is looked up by the
 * partition's tasks, which Spark schedules where the partition's cached blocks are. Values are soft references: an
 * executor short of memory may drop them, and an executor that is lost or a task scheduled elsewhere finds none.
 * Every user must therefore be able to do its round without the kept state (from zero), and say what that costs.
 * A fit drops its entries when it ends ({@link #dropFit}).
 */
public final class PartitionStore {
  private PartitionStore() {}

  private static final ConcurrentHashMap<Key, SoftReference<Object>> KEPT = new ConcurrentHashMap<>();

  private record Key(String fit, int partition, int round) {}

  /** What (fit, partition) kept after {@code round}, or null when it is not (or no longer) here. */
  public static <V> V get(String fit, int partition, int round, Class<V> type) {
    SoftReference<Object> ref = KEPT.get(new Key(fit, partition, round));
    return ref == null ? null : type.cast(ref.get());
  }

  /** Stores the state after {@code round} unless already stored, and drops that of round - 2. */
  public static void put(String fit, int partition, int round, Object value) {
    Key key = new Key(fit, partition, round);
    SoftReference<Object> old = KEPT.putIfAbsent(key, new SoftReference<>(value));
    if (old != null && old.get() == null) {
      KEPT.put(key, new SoftReference<>(value));
    }
    KEPT.remove(new Key(fit, partition, round - 2));
  }

  /**
   * Removes and returns what (fit, partition) kept after {@code round}, or null: round r + 2 may take the arrays of
   * round r to write its own state into, instead of allocating a partition's worth every round. The removal is
   * atomic, so two attempts of the same task never share arrays; an attempt that finds none allocates. Round r + 2
   * starts only after round r + 1 has ended, the last round that reads round r.
   */
  public static <V> V take(String fit, int partition, int round, Class<V> type) {
    SoftReference<Object> ref = KEPT.remove(new Key(fit, partition, round));
    return ref == null ? null : type.cast(ref.get());
  }

  /** Drops every entry of {@code fit} (called on each executor when the fit ends). */
  public static void dropFit(String fit) {
    KEPT.keySet().removeIf(k -> k.fit().equals(fit));
  }

  /** Entries held (for tests). */
  public static int size() {
    return KEPT.size();
  }
}
