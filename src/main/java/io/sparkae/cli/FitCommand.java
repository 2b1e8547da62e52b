package io.sparkae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sparkae fit MODEL ...}: one subcommand per model family ({@link FamilyCommand}). */
@Command(name = "fit", description = "Fit a model and write it, its metrics.json and figures into --output.",
    mixinStandardHelpOptions = true)
final class FitCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a model to fit, e.g. 'fit pca'");
  }

  /** Adds the subcommand of every model family on the class path to {@code fit}. */
  static void addFamilies(CommandLine fit) {
    FamilyCommand.all().forEach(fit::addSubcommand);
  }
}
