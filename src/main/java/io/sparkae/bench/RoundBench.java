package io.sparkae.bench;

import io.sparkae.core.RoundLoop;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * What a round of {@link RoundLoop} costs beyond its work: an empty round, and rounds whose state and result carry
 * 2.6 MB and 20 MB (a k-means state of 100 x 3,300 doubles, a 784-400-20 VAE's parameters and Adam state in
 * float...), beside the same broadcast plus a plain {@code treeAggregate} of the same payload, alternated in the
 * same run. Medians over the rounds.
 */
@Command(name = "round", mixinStandardHelpOptions = true,
    description = "Cost of a RoundLoop round (empty, 2.6 MB, 20 MB of state) beside broadcast + treeAggregate.")
public final class RoundBench extends Benchmark {
  @Option(names = "--partitions", description = "partitions of the data (default: the task slots)")
  int partitions;

  @Option(names = "--rounds", description = "rounds measured per payload and method (default: ${DEFAULT-VALUE})")
  int rounds = 30;

  /** Rounds run and not timed before each payload's measured rounds, in both designs. */
  private static final int WARM_UP = 3;

  @Option(names = "--barrier", description = "also time rounds inside one barrier stage, whose tasks exchange "
      + "their results with BarrierTaskContext.allGather (the alternative to one job per round)")
  boolean barrier;

  @Override
  protected void run(SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int p = partitions > 0 ? partitions : sc.defaultParallelism();
    List<Integer> seeds = new ArrayList<>();
    for (int i = 0; i < p; i++) {
      seeds.add(i);
    }
    JavaRDD<Integer> data = sc.parallelize(seeds, p).cache();
    data.count();
    System.out.printf(Locale.ROOT, "%d partitions, %d rounds per payload and method, alternated; medians%n", p,
        rounds);
    for (int doubles : new int[] {1, 325_000, 2_500_000}) {
      double[] state = new double[doubles];
      RoundLoop<Integer, double[], double[]> loop = new RoundLoop<>(data, 1L, (s, it, ctx) -> {
        double[] out = s.clone();
        out[0] += ctx.partition();
        return out;
      }, RoundBench::add);
      double[] ours = new double[rounds];
      double[] plain = new double[rounds];
      for (int r = -WARM_UP; r < rounds; r++) { // warm-up rounds of each first
        long t0 = System.nanoTime();
        loop.round(state, r + WARM_UP + 1);
        long t1 = System.nanoTime();
        treeAggregate(sc, data, state);
        long t2 = System.nanoTime();
        if (r >= 0) {
          ours[r] = (t1 - t0) / 1e6;
          plain[r] = (t2 - t1) / 1e6;
        }
      }
      double a = median(ours);
      double b = median(plain);
      String payload = doubles == 1 ? "empty" : String.format(Locale.ROOT, "%.1f MB", doubles * 8 / 1e6);
      System.out.printf(Locale.ROOT, "%-8s round %.1f ms, broadcast + treeAggregate %.1f ms%n", payload, a, b);
      figure(String.format(Locale.ROOT, "round, %s state and result, %d partitions: ms", payload, p), a, "ms");
      figure(String.format(Locale.ROOT, "round, %s: round / (broadcast + treeAggregate)", payload), a / b,
          "target <= 1.5");
      if (barrier) {
        double c = median(barrierRounds(sc, data, state, rounds));
        System.out.printf(Locale.ROOT, "%-8s all-gather round in one barrier stage %.2f ms%n", payload, c);
        figure(String.format(Locale.ROOT, "all-gather round, %s, %d partitions: ms", payload, p), c, "ms");
        figure(String.format(Locale.ROOT, "all-gather round, %s: / round", payload), c / a, "probe");
      }
    }
    data.unpersist();
  }

  /**
   * The per-round cost of the other design: the whole loop inside one barrier stage (all tasks at once), each
   * round's results exchanged with {@link BarrierTaskContext#allGather}, which returns them in partition order, so
   * every task merges them the same way and holds the same next state. Task 0's time per round, warm-up excluded.
   * Measured on Spark 4.2.0, local[2], quiet machine: 1,001 ms per empty round (26 ms for a round of the loop),
   * 1,011 ms with 2.6 MB, 1,091 ms with 20 MB; each all-gather waits about a second, so it cannot replace a job.
   */
  private static double[] barrierRounds(JavaSparkContext sc, JavaRDD<Integer> data, double[] state, int rounds) {
    Broadcast<double[]> bc = sc.broadcast(state);
    try {
      List<double[]> times = data.rdd().barrier()
          .mapPartitions(new AllGatherRounds(bc, WARM_UP + rounds), false, ClassTag$.MODULE$.apply(double[].class))
          .toJavaRDD().collect();
      return Arrays.copyOfRange(times.get(0), WARM_UP, WARM_UP + rounds);
    } finally {
      bc.destroy();
    }
  }

  /** The barrier stage's task: {@code total} rounds of compute, all-gather, ordered merge. */
  private static final class AllGatherRounds extends AbstractFunction1<Iterator<Integer>, Iterator<double[]>>
      implements Serializable {
    private final Broadcast<double[]> bc;
    private final int total;

    AllGatherRounds(Broadcast<double[]> bc, int total) {
      this.bc = bc;
      this.total = total;
    }

    @Override
    public Iterator<double[]> apply(Iterator<Integer> rows) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int partition = ctx.partitionId();
      double[] s = bc.value();
      double[] times = new double[total];
      for (int r = 0; r < total; r++) {
        long t0 = System.nanoTime();
        double[] out = s.clone();
        out[0] += partition;
        ByteBuffer bytes = ByteBuffer.allocate(out.length * 8);
        bytes.asDoubleBuffer().put(out);
        String[] all = ctx.allGather(Base64.getEncoder().encodeToString(bytes.array()));
        double[] acc = new double[out.length];
        double[] v = new double[out.length];
        for (String m : all) { // in partition order
          ByteBuffer.wrap(Base64.getDecoder().decode(m)).asDoubleBuffer().get(v);
          add(acc, v);
        }
        s = acc;
        times[r] = (System.nanoTime() - t0) / 1e6;
      }
      List<double[]> mine = partition == 0 ? List.of(times) : List.of();
      return CollectionConverters.asScala(mine.iterator());
    }
  }

  private static double[] treeAggregate(JavaSparkContext sc, JavaRDD<Integer> data, double[] state) {
    Broadcast<double[]> bc = sc.broadcast(state);
    try {
      return data.treeAggregate(null, (double[] acc, Integer i) -> {
        double[] out = bc.value().clone();
        out[0] += i;
        return acc == null ? out : add(acc, out);
      }, (x, y) -> x == null ? y : y == null ? x : add(x, y), 2);
    } finally {
      bc.destroy();
    }
  }

  private static double[] add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }
}
