package io.sparkae.bench;

import io.sparkae.core.RoundLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
      for (int r = -3; r < rounds; r++) { // three warm-up rounds of each
        long t0 = System.nanoTime();
        loop.round(state, r + 4);
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
    }
    data.unpersist();
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
