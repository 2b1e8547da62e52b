package io.sparkae.bench;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;

/** Timing helpers shared by the benchmarks: best-of-N wall time, and a run that gives up after a time limit. */
final class BenchSupport {
  private BenchSupport() {}

  /** The outcome of one timed run: seconds and a value, or the reason it did not finish. */
  record Timed<T>(double seconds, T value, String failure) {
    boolean ok() {
      return failure == null;
    }

    String describe() {
      return ok() ? String.format(Locale.ROOT, "%.2f s", seconds) : failure;
    }
  }

  /** Runs {@code body} {@code repeats} times and keeps the fastest (the first run also warms the JIT). */
  static <T> Timed<T> best(int repeats, Callable<T> body) throws Exception {
    Timed<T> best = null;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      T v = body.call();
      double s = (System.nanoTime() - t0) / 1e9;
      if (best == null || s < best.seconds()) {
        best = new Timed<>(s, v, null);
      }
    }
    return best;
  }

  /** Runs {@code body} as Spark job group {@code group}; cancels it after {@code limitSeconds}. */
  static <T> Timed<T> withLimit(SparkSession spark, String group, double limitSeconds, Callable<T> body) {
    ExecutorService ex = Executors.newSingleThreadExecutor();
    long t0 = System.nanoTime();
    try {
      Future<T> f = ex.submit(() -> {
        spark.sparkContext().setJobGroup(group, group, true);
        try {
          return body.call();
        } finally {
          spark.sparkContext().clearJobGroup();
        }
      });
      try {
        T v = f.get((long) (limitSeconds * 1000), TimeUnit.MILLISECONDS);
        return new Timed<>((System.nanoTime() - t0) / 1e9, v, null);
      } catch (TimeoutException e) {
        spark.sparkContext().cancelJobGroup(group);
        f.cancel(true);
        return new Timed<>(limitSeconds, null, String.format(Locale.ROOT, "did not finish in %.0f s", limitSeconds));
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        String msg = c.getClass().getSimpleName() + ": " + String.valueOf(c.getMessage()).split("\n")[0];
        // Spark's "Job aborted ..." preamble says little; keep the task's own error.
        int cause = msg.lastIndexOf("Exception: ");
        if (cause > 0 && cause + 11 < msg.length()) {
          msg = msg.substring(msg.lastIndexOf(' ', cause) + 1);
        }
        return new Timed<>((System.nanoTime() - t0) / 1e9, null, "failed: " + msg);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Timed<>(0, null, "interrupted");
      }
    } finally {
      ex.shutdownNow();
    }
  }

  /** peer seconds / our seconds, NaN unless both finished (a lower bound when the peer hit its time limit). */
  static double ratioValue(Timed<?> ours, Timed<?> peer) {
    if (!ours.ok() || !(peer.ok() || peer.failure().startsWith("did not finish"))) {
      return Double.NaN;
    }
    return peer.seconds() / ours.seconds();
  }

  static String ratio(Timed<?> ours, Timed<?> peer) {
    if (!ours.ok()) {
      return "n/a (sparkae " + ours.failure() + ")";
    }
    if (!peer.ok()) {
      return peer.failure().startsWith("did not finish")
          ? String.format(Locale.ROOT, "> %.1fx (peer %s)", peer.seconds() / ours.seconds(), peer.failure())
          : "n/a (peer did not produce a model)";
    }
    return String.format(Locale.ROOT, "%.1fx", peer.seconds() / ours.seconds());
  }
}
