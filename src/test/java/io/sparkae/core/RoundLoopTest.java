package io.sparkae.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The round loop's merge order depends on partition indices only: a round's result is the same bit for bit
 * whatever order tasks finish in and after task retries, equal to the documented fold (partition order up to 32
 * partitions, groups of ceil(sqrt(P)) beyond), and a round is one Spark job.
 */
class RoundLoopTest extends SparkTest {
  /** Values of wildly different magnitudes: floating-point sums of them depend on the order of addition. */
  private static List<Double> values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Double> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Math.scalb(r.nextDouble() - 0.3, r.nextInt(-30, 30)));
    }
    return out;
  }

  /** A partition's sum, after a random sleep of 0-4 ms so that tasks finish in a different order every round. */
  private static double[] partitionSum(java.util.Iterator<Double> it, RoundLoop.RoundContext ctx, int failUpTo) {
    if (TaskContext.get().attemptNumber() == 0 && ctx.partition() < failUpTo) {
      throw new IllegalStateException("test hook: first attempt of partition " + ctx.partition() + " fails");
    }
    double s = 0;
    while (it.hasNext()) {
      s += it.next();
    }
    try {
      Thread.sleep(new SplittableRandom(System.nanoTime()).nextInt(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new double[] {s};
  }

  /** The fold the round loop documents, computed on the driver from the same partitions. */
  private static double expected(JavaRDD<Double> rdd) {
    List<Double>[] parts = rdd.collectPartitions(java.util.stream.IntStream.range(0, rdd.getNumPartitions())
        .toArray());
    int p = parts.length;
    double[] sums = new double[p];
    for (int i = 0; i < p; i++) {
      for (double v : parts[i]) {
        sums[i] += v;
      }
    }
    if (p <= RoundLoop.ORDERED_MERGE_PARTITIONS) {
      double acc = sums[0];
      for (int i = 1; i < p; i++) {
        acc += sums[i];
      }
      return acc;
    }
    int w = RoundLoop.groupWidth(p);
    double acc = 0;
    boolean first = true;
    for (int g = 0; g * w < p; g++) {
      double group = sums[g * w];
      for (int i = g * w + 1; i < Math.min(p, (g + 1) * w); i++) {
        group += sums[i];
      }
      acc = first ? group : acc + group;
      first = false;
    }
    return acc;
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 8, 64, 200})
  void resultIsTheDocumentedFoldWhateverTheOrderTasksFinishIn(int partitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark().sparkContext());
    List<Double> v = values(20_000, 7 + partitions);
    JavaRDD<Double> rdd = sc.parallelize(v, partitions).cache();
    RoundLoop<Double, Integer, double[]> loop = new RoundLoop<>(rdd, 1L,
        (state, it, ctx) -> partitionSum(it, ctx, 0), (a, b) -> new double[] {a[0] + b[0]});
    double want = expected(rdd);
    // The test means something only if another order would give another sum.
    double reversed = 0;
    for (int i = v.size() - 1; i >= 0; i--) {
      reversed += v.get(i);
    }
    assertNotEquals(want, reversed, "the planted values' sum depends on the order of addition");
    for (int round = 1; round <= 4; round++) {
      assertEquals(want, loop.round(0, round)[0], 0.0, "round " + round + " on " + partitions + " partitions");
    }
    rdd.unpersist();
  }

  @Test
  void failedFirstAttemptsAreRetriedAndGiveTheSameResult() throws Exception {
    // SparkTest's local[2,2] master retries a failed task once; the step fails the first attempt of partitions
    // 0..4 on purpose, in both merge paths.
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark().sparkContext());
    AtomicInteger failed = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (end.taskInfo().failed()) {
          failed.incrementAndGet();
        }
      }
    };
    spark().sparkContext().addSparkListener(listener);
    try {
      for (int partitions : new int[] {8, 64}) {
        JavaRDD<Double> rdd = sc.parallelize(values(5_000, 3), partitions).cache();
        double want = expected(rdd);
        RoundLoop<Double, Integer, double[]> failing = new RoundLoop<>(rdd, 1L,
            (state, it, ctx) -> partitionSum(it, ctx, 5), (a, b) -> new double[] {a[0] + b[0]});
        failed.set(0);
        assertEquals(want, failing.round(0, 1)[0], 0.0, partitions + " partitions with retried tasks");
        spark().sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(5, failed.get(), "first attempts that failed on " + partitions + " partitions");
        rdd.unpersist();
      }
    } finally {
      spark().sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void aRoundIsOneSparkJobAndSeedsDeriveFromRoundAndPartition() throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark().sparkContext());
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    for (int partitions : new int[] {8, 64}) {
      JavaRDD<Double> rdd = sc.parallelize(values(1_000, 5), partitions).cache();
      rdd.count();
      RoundLoop<Double, Integer, long[]> loop = new RoundLoop<>(rdd, 99L,
          (state, it, ctx) -> new long[] {ctx.seed() == Seeds.derive(99L, ctx.round(), ctx.partition()) ? 1 : 0, 1},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      spark().sparkContext().addSparkListener(listener);
      try {
        jobs.set(0);
        long[] r = loop.round(0, 3);
        // Listener events arrive asynchronously; wait until the bus is drained.
        spark().sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(1, jobs.get(), "jobs in one round on " + partitions + " partitions");
        assertEquals(partitions, r[1]);
        assertEquals(partitions, r[0], "every partition saw the seed derived from (seed, round, partition)");
      } finally {
        spark().sparkContext().removeSparkListener(listener);
      }
      rdd.unpersist();
    }
  }

  @Test
  void partitionsWithoutResultsAreSkipped() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark().sparkContext());
    for (int partitions : new int[] {4, 50}) {
      JavaRDD<Double> rdd = sc.parallelize(values(100, 9), partitions);
      RoundLoop<Double, Integer, long[]> none = new RoundLoop<>(rdd, 1L, (state, it, ctx) -> null,
          (a, b) -> a);
      assertEquals(null, none.round(0, 1));
      RoundLoop<Double, Integer, long[]> odd = new RoundLoop<>(rdd, 1L,
          (state, it, ctx) -> ctx.partition() % 2 == 1 ? new long[] {1} : null, (a, b) -> new long[] {a[0] + b[0]});
      assertEquals(partitions / 2, odd.round(0, 1)[0]);
    }
    assertTrue(RoundLoop.groupWidth(200) * RoundLoop.groupWidth(200) >= 200);
  }
}
