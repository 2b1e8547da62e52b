package io.sparkae.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sparkae bench NAME [ARGS]}: runs the benchmark class {@code io.sparkae.bench.<Name>Bench} (for example
 * {@code pca} runs PcaBench), which compares sparkae with its peer in the same run and prints ratios.
 */
@Command(name = "bench",
    description = "Run a benchmark against the peer library (pca, kmeans, ...); see jobs/bench.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "benchmark name, e.g. pca or kmeans")
  String name;

  /** Everything after the name goes to the benchmark untouched (its own options, --help included). */
  @CommandLine.Unmatched
  List<String> args = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String cls = "io.sparkae.bench." + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Bench";
    if (name.equalsIgnoreCase("cocktailParty") || name.equalsIgnoreCase("cocktail-party")) {
      cls = "io.sparkae.bench.CocktailPartyDemo";
    } else if (name.equalsIgnoreCase("kmeans")) {
      cls = "io.sparkae.bench.KMeansBench";
    }
    Class<?> c;
    try {
      c = Class.forName(cls);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("no benchmark named '" + name + "' (looked for " + cls + ")");
    }
    try {
      c.getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
    return 0;
  }
}
