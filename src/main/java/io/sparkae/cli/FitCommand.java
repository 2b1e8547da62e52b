package io.sparkae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sparkae fit MODEL ...}: one subcommand per model family. */
@Command(name = "fit", description = "Fit a model and write it, its metrics.json and figures into --output.",
    mixinStandardHelpOptions = true, subcommands = {FitPca.class, FitKMeans.class, FitSparseCoding.class, FitNmf.class, FitIca.class,
        FitAutoencoder.class, FitVae.class, FitTopics.class})
final class FitCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a model to fit, e.g. 'fit pca'");
  }
}
