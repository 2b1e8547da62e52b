package io.sparkae.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import scala.Tuple2;

/**
 * The one distributed pattern of sparkae: a loop of rounds on the driver. Each round (1) broadcasts the current
 * state, (2) lets every partition compute a small result from its rows and the state, (3) merges the results in
 * an order fixed by partition indices (one Spark job per round; see {@link #round}), and (4) updates the state on the driver, logs progress and
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
  public interface Step<T, S, R> extends Serializable {
    R compute(S state, Iterator<T> rows, RoundContext context);
  }

  /** Associative merge of two partition results; may modify and return {@code a}. */
  @FunctionalInterface
  public interface Merge<R> extends Serializable {
    R merge(R a, R b);
  }

  /** The driver's update from the aggregated result of a round. */
  @FunctionalInterface
  public interface Update<S, R> {
    Outcome<S> update(S state, R result, int round);
  }

  /** Where a partition's step runs: the round (from 1), the partition and its derived seed. */
  public record RoundContext(int round, int partition, long seed) implements Serializable {}

  /** The new state, its objective (logged and kept in the history) and whether the fit converged. */
  public record Outcome<S>(S state, double objective, boolean converged) {}

  /** The state after the last round, the objective per round and whether convergence stopped the loop. */
  public record Result<S>(S state, double[] objectives, int rounds, boolean converged) {}

  private final JavaRDD<T> data;
  private final Step<T, S, R> step;
  private final Merge<R> merge;
  private final long seed;

  public RoundLoop(JavaRDD<T> data, long seed, Step<T, S, R> step, Merge<R> merge) {
    this.data = data;
    this.seed = seed;
    this.step = step;
    this.merge = merge;
  }

  /**
   * Runs one round from {@code state} and returns the merged result (null if no partition contributed). A round is
   * one Spark job: the state is broadcast, every partition computes its result, and the results are merged in an
   * order fixed by partition indices alone, so the result is the same bit for bit whatever order tasks finish in,
   * on any cluster and after task retries. Up to {@link #ORDERED_MERGE_PARTITIONS} partitions the driver receives
   * every result and merges them in partition order; beyond, results are first merged in groups of about sqrt(P)
   * consecutive partitions on the executors (in index order within a group), then the group results on the driver
   * in group order.
   */
  public R round(S state, int round) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
    Broadcast<S> bc = sc.broadcast(state);
    try {
      final Step<T, S, R> f = step;
      final long s = seed;
      final Merge<R> m = merge;
      int partitions = data.getNumPartitions();
      if (partitions <= ORDERED_MERGE_PARTITIONS) {
        JavaRDD<R> results = data.mapPartitionsWithIndex((partition, rows) -> {
          R r = f.compute(bc.value(), rows, new RoundContext(round, partition, Seeds.derive(s, round, partition)));
          return r == null ? Collections.emptyIterator() : Collections.singletonList(r).iterator();
        }, false);
        return mergeInOrder(results.collectPartitions(indices(partitions)), m);
      }
      int width = groupWidth(partitions);
      int groups = (partitions + width - 1) / width;
      JavaPairRDD<Integer, Tuple2<Integer, R>> keyed = data.mapPartitionsWithIndex((partition, rows) -> {
        R r = f.compute(bc.value(), rows, new RoundContext(round, partition, Seeds.derive(s, round, partition)));
        return r == null ? Collections.<Tuple2<Integer, Tuple2<Integer, R>>>emptyIterator()
            : Collections.singletonList(new Tuple2<>(partition / width, new Tuple2<>(partition, r))).iterator();
      }, false).mapToPair(t -> t);
      JavaRDD<R> grouped = keyed.partitionBy(new IndexPartitioner(groups)).mapPartitions(it -> {
        List<Tuple2<Integer, R>> members = new ArrayList<>();
        it.forEachRemaining(t -> members.add(t._2()));
        members.sort(Comparator.comparingInt(Tuple2::_1));
        R acc = null;
        for (Tuple2<Integer, R> t : members) {
          acc = acc == null ? t._2() : m.merge(acc, t._2());
        }
        return acc == null ? Collections.emptyIterator() : Collections.singletonList(acc).iterator();
      });
      return mergeInOrder(grouped.collectPartitions(indices(groups)), m);
    } finally {
      bc.destroy();
    }
  }

  /**
   * Up to this many partitions the driver merges every partition's result itself, in partition order; beyond it,
   * executors merge groups first, which bounds what the driver receives and holds (about sqrt(P) results).
   */
  static final int ORDERED_MERGE_PARTITIONS = 32;

  /** Partitions per group of the two-level merge: ceil(sqrt(P)). */
  static int groupWidth(int partitions) {
    return (int) Math.ceil(Math.sqrt(partitions));
  }

  private static int[] indices(int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }

  private static <R> R mergeInOrder(List<R>[] parts, Merge<R> m) {
    R acc = null;
    for (List<R> part : parts) {
      for (R r : part) {
        acc = acc == null ? r : m.merge(acc, r);
      }
    }
    return acc;
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
    return new Result<>(state, Arrays.copyOf(history, round), round, converged);
  }
}
