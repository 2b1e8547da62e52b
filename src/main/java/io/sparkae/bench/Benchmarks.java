package io.sparkae.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The registry of benchmarks: {@code jobs/bench NAME [OPTIONS]} runs one (its options parsed by picocli into the
 * benchmark's fields), {@code jobs/bench all} runs every one once with its defaults in one session and prints one
 * table of their figures.
 */
public final class Benchmarks {
  private Benchmarks() {}

  private static final List<Supplier<Benchmark>> ALL = List.of(RoundBench::new, PcaBench::new, KMeansBench::new,
      GmmBench::new, DictionaryBench::new, AutoencoderBench::new, VaeBench::new, TopicsBench::new);

  /** The registered benchmarks' names, in the order {@code all} runs them. */
  public static List<String> names() {
    return ALL.stream().map(s -> s.get().name()).collect(Collectors.toList());
  }

  /** One line per benchmark: name and description. */
  public static String list() {
    StringBuilder b = new StringBuilder();
    for (Supplier<Benchmark> s : ALL) {
      Benchmark x = s.get();
      b.append(String.format(Locale.ROOT, "  %-12s %s%n", x.name(),
          String.join(" ", x.getClass().getAnnotation(CommandLine.Command.class).description())));
    }
    b.append(String.format(Locale.ROOT, "  %-12s %s%n", "all", "every benchmark once with its defaults, one table"));
    return b.toString();
  }

  /** A new instance of the benchmark called {@code name}. */
  public static Benchmark create(String name) {
    for (Supplier<Benchmark> s : ALL) {
      Benchmark b = s.get();
      if (b.name().equals(name)) {
        return b;
      }
    }
    throw new IllegalArgumentException("no benchmark named '" + name + "'; known: " + String.join(", ", names())
        + ", all");
  }

  /** Parses {@code args} into the benchmark and runs it; picocli's exit code (0, or 2 for bad options). */
  public static int run(String name, String[] args) {
    CommandLine cmd = new CommandLine(create(name));
    cmd.setExecutionExceptionHandler((e, c, parsed) -> {
      throw e;
    });
    return cmd.execute(args);
  }

  /**
   * {@code jobs/bench all [--skip NAME,...]}: every benchmark once with its defaults, one after another in one
   * session, then one table of all their figures. A benchmark that fails (e.g. its data was not fetched) is
   * listed with its error and the others still run.
   */
  public static int runAll(String[] args) throws Exception {
    List<String> skip = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--skip") && i + 1 < args.length) {
        skip.addAll(List.of(args[++i].split(",")));
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: jobs/bench all [--skip NAME,...]\n" + list());
        return 0;
      } else {
        throw new IllegalArgumentException("bench all takes only --skip NAME,...; found " + args[i]);
      }
    }
    SparkSession spark = BenchOptions.Master.session(null, "sparkae bench all");
    List<Benchmark.Figure> figures = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Disturbance machine = Disturbance.start();
    for (Supplier<Benchmark> s : ALL) {
      Benchmark b = s.get();
      if (skip.contains(b.name())) {
        continue;
      }
      new CommandLine(b).parseArgs();
      try {
        figures.addAll(b.runIn(spark));
      } catch (Exception e) {
        String why = String.valueOf(e.getMessage()).split("\n")[0];
        failures.add(b.name() + ": " + why);
        System.out.println("\n== " + b.name() + " failed: " + why);
      }
      System.out.println();
    }
    machine.stop();
    System.out.printf(Locale.ROOT, "%n==== sparkae bench all: %d figures; machine over the whole run: %s%n",
        figures.size(), machine.describe());
    System.out.printf(Locale.ROOT, "%-12s %-58s %9s  %s%n", "benchmark", "figure", "value", "meaning");
    for (Benchmark.Figure f : figures) {
      System.out.println(f.format());
    }
    for (String f : failures) {
      System.out.println("failed: " + f);
    }
    return failures.isEmpty() ? 0 : 1;
  }
}
