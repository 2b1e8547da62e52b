package io.sparkae.bench;

import io.sparkae.linalg.Blas;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * The one harness every benchmark runs in ({@code jobs/bench NAME}, {@code jobs/bench all}): its options are
 * picocli fields of the subclass (plus the shared ones of {@link BenchOptions}: {@code --master}), the harness makes
 * the SparkSession, measures how quiet the machine was ({@link Disturbance}) and prints, after the benchmark's own lines, a summary of the
 * figures it reported with {@link #figure}: ratios against its peer (or against a baseline of its own) measured
 * in the same run, each marked "disturbed" when other processes used more than 10% of the machine meanwhile.
 * A benchmark never stops the session: {@code jobs/bench all} runs them one after another in one.
 */
public abstract class Benchmark implements Callable<Integer> {
  @Mixin
  BenchOptions.Master master = new BenchOptions.Master();

  /** A figure of the summary: e.g. ("pca", "MNIST 60000 x 784, k = 50", 2.3, "MLlib s / sparkae s"). */
  public record Figure(String benchmark, String what, double value, String meaning, boolean disturbed) {
    String format() {
      return String.format(Locale.ROOT, "%-12s %-58s %9s  %s%s", benchmark, what, formatValue(value), meaning,
          disturbed ? "  (disturbed)" : "");
    }

    private static String formatValue(double v) {
      if (Double.isNaN(v)) {
        return "n/a";
      }
      return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
  }

  private final List<Figure> figures = new ArrayList<>();

  /** The benchmark's name: its picocli command name, as {@code jobs/bench NAME} and the registry know it. */
  public final String name() {
    return getClass().getAnnotation(CommandLine.Command.class).name();
  }

  /** Runs the benchmark on {@code spark}, printing its own lines and reporting figures with {@link #figure}. */
  protected abstract void run(SparkSession spark) throws Exception;

  /** Reports a figure for the summary (a ratio, or NaN when it could not be measured). */
  protected final void figure(String what, double value, String meaning) {
    figures.add(new Figure(name(), what, value, meaning, false));
  }

  /** picocli's entry: a session of its own, the run, the summary. */
  @Override
  public final Integer call() throws Exception {
    runIn(master.session("sparkae bench " + name()));
    return 0;
  }

  /** Runs in {@code spark} and prints the summary; returns the figures, marked when the run was disturbed. */
  final List<Figure> runIn(SparkSession spark) throws Exception {
    System.out.printf(Locale.ROOT, "# sparkae bench %s: Spark %s, master %s, %d cores, %s%n", name(), spark.version(),
        spark.sparkContext().master(), Runtime.getRuntime().availableProcessors(), Blas.describe());
    figures.clear();
    Disturbance machine = Disturbance.start();
    try {
      run(spark);
    } finally {
      machine.stop();
    }
    List<Figure> marked = new ArrayList<>();
    for (Figure f : figures) {
      marked.add(new Figure(f.benchmark(), f.what(), f.value(), f.meaning(), machine.disturbed()));
    }
    System.out.printf(Locale.ROOT, "%n== %s summary; machine: %s%n", name(), machine.describe());
    for (Figure f : marked) {
      System.out.println(f.format());
    }
    return marked;
  }
}
