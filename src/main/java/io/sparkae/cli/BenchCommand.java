package io.sparkae.cli;

import io.sparkae.bench.Benchmarks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sparkae bench NAME [OPTIONS]}: runs a registered benchmark ({@link Benchmarks}), which compares sparkae
 * with its peer in the same run and prints ratios; {@code bench all} runs every one and prints one table.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark against its peer (see jobs/bench); NAME --help lists its options.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "benchmark name, or all, or list")
  String name;

  /** Everything after the name goes to the benchmark untouched (its own options, --help included). */
  @CommandLine.Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String[] rest = args.toArray(new String[0]);
    switch (name) {
      case "list":
        System.out.print(Benchmarks.list());
        return 0;
      case "all":
        return Benchmarks.runAll(rest);
      default:
        return Benchmarks.run(name, rest);
    }
  }
}
