package io.sparkae.cli;

import picocli.CommandLine.Option;

/** Options every {@code fit} subcommand shares. */
final class FitOptions {
  @Option(names = "--output", required = true, description = "output folder: model/, metrics.json, figures/")
  String output;

  @Option(names = "--overwrite", arity = "0..1", fallbackValue = "true",
      description = "replace --output if it exists")
  boolean overwrite;

  @Option(names = "--seed", description = "random seed (default: 42)")
  long seed = 42;

  @Option(names = "--no-report", arity = "0..1", fallbackValue = "true",
      negatable = false, description = "skip the figures")
  boolean noReport;

  @Option(names = "--validation", description = "held-out data to evaluate on after the fit (same format rules)")
  String validation;
}
