package io.sparkae.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;

/**
 * The one distributed pattern of sparkae: a loop of rounds on the driver. Each round (1) broadcasts the current
 * state, (2) lets every partition compute a small result from its rows and the state, (3) tree-aggregates the
 * results (never collecting them all on the driver), and (4) updates the state on the driver, logs progress and
 * decides whether to stop. Every partition's step receives a seed derived from (seed, round, partition), so a
 * retried task repeats its work exactly.
 *
 * @param <T> the element type of the partitioned data (rows, or cached blocks)
 * @param <S> the broadcast state
 * @param <R> the per-partition result, merged associatively
 */
public final class RoundLoop<T, S, R> {

  /** What each partition computes in a round. Returns null for a partition with nothing to contribute. */
  @FunctionalInterface
  public interface Step<T, S, R> extends java.io.Serializable {
    R compute(S state, Iterator<T> rows, RoundContext context);
  }

  /** Associative merge of two partition results; may modify and return {@code a}. */
  @FunctionalInterface
  public interface Merge<R> extends java.io.Serializable {
    R merge(R a, R b);
  }

  /** The driver's update from the aggregated result of a round. */
  @FunctionalInterface
  public interface Update<S, R> {
    Outcome<S> update(S state, R result, int round);
  }

  /** Where a partition's step runs: the round (from 1), the partition and its derived seed. */
  public record RoundContext(int round, int partition, long seed) implements java.io.Serializable {}

  /** The new state, its objective (logged and kept in the history) and whether the fit converged. */
  public record Outcome<S>(S state, double objective, boolean converged) {}

  /** The state after the last round, the objective per round and whether convergence stopped the loop. */
  public record Result<S>(S state, double[] objectives, int rounds, boolean converged) {}

  private final JavaRDD<T> data;
  private final Step<T, S, R> step;
  private final Merge<R> merge;
  private final long seed;
  private final int depth;

  public RoundLoop(JavaRDD<T> data, long seed, Step<T, S, R> step, Merge<R> merge) {
    this.data = data;
    this.seed = seed;
    this.step = step;
    this.merge = merge;
    this.depth = data.getNumPartitions() > 16 ? 3 : 2;
  }

  /** Runs one round from {@code state} and returns the aggregated result (null if no partition contributed). */
  public R round(S state, int round) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
    Broadcast<S> bc = sc.broadcast(state);
    try {
      final Step<T, S, R> f = step;
      final long s = seed;
      JavaRDD<R> results = data.mapPartitionsWithIndex((partition, rows) -> {
        RoundContext ctx = new RoundContext(round, partition, Seeds.derive(s, round, partition));
        R r = f.compute(bc.value(), rows, ctx);
        return r == null ? Collections.emptyIterator() : Collections.singletonList(r).iterator();
      }, false);
      final Merge<R> m = merge;
      if (results.getNumPartitions() <= ORDERED_MERGE_PARTITIONS) {
        return orderedMerge(results, m);
      }
      List<R> reduced = results.mapPartitions(it -> it.hasNext() ? it : Collections.<R>emptyIterator())
          .treeAggregate(new ArrayList<R>(0), (List<R> acc, R r) -> add(acc, r, m), (a, b) -> combine(a, b, m), depth);
      return reduced.isEmpty() ? null : reduced.get(0);
    } finally {
      bc.destroy();
    }
  }

  /**
   * Up to this many partitions, results are merged on the driver in partition order, one at a time: floating-point
   * sums then do not depend on which task finished first (treeAggregate's last step merges in arrival order), so a
   * fit gives the same model bit for bit on any cluster. Beyond it, treeAggregate keeps the driver's load bounded.
   */
  static final int ORDERED_MERGE_PARTITIONS = 32;

  /** Computes all partition results in one job, then fetches and merges them in partition order. */
  private static <R> R orderedMerge(JavaRDD<R> results, Merge<R> m) {
    JavaRDD<R> cached = results.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      cached.count();
      R acc = null;
      for (Iterator<R> it = cached.toLocalIterator(); it.hasNext(); ) {
        R r = it.next();
        acc = acc == null ? r : m.merge(acc, r);
      }
      return acc;
    } finally {
      cached.unpersist(false);
    }
  }

  private static <R> List<R> add(List<R> acc, R r, Merge<R> m) {
    if (acc.isEmpty()) {
      List<R> out = new ArrayList<>(1);
      out.add(r);
      return out;
    }
    acc.set(0, m.merge(acc.get(0), r));
    return acc;
  }

  private static <R> List<R> combine(List<R> a, List<R> b, Merge<R> m) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    a.set(0, m.merge(a.get(0), b.get(0)));
    return a;
  }

  /**
   * Runs rounds 1..maxRounds from {@code initial}, stopping early when an update says it converged. Logs one
   * progress line per round, and a WARN when maxRounds stops the loop before convergence (unless
   * {@code warnIfNotConverged} is false, for loops with a fixed number of rounds).
   */
  public Result<S> run(S initial, int maxRounds, Update<S, R> update, Logger log, String name,
      boolean warnIfNotConverged) {
    Progress progress = new Progress(log, name, maxRounds);
    S state = initial;
    double[] history = new double[maxRounds];
    int round = 0;
    boolean converged = false;
    while (round < maxRounds && !converged) {
      round++;
      if (TaskContext.get() != null) {
        throw new IllegalStateException("the round loop runs on the driver");
      }
      R result = round(state, round);
      Outcome<S> out = update.update(state, result, round);
      state = out.state();
      converged = out.converged();
      history[round - 1] = out.objective();
      progress.round(round, out.objective(), converged || round == maxRounds);
    }
    if (!converged && warnIfNotConverged) {
      log.warn("{} stopped after maxIter = {} rounds before converging; raise maxIter or tol", name, maxRounds);
    }
    return new Result<>(state, java.util.Arrays.copyOf(history, round), round, converged);
  }
}
