package io.sparkae.cli;

import io.sparkae.linear.dictionary.ica.FastICA;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit ica}: symmetric FastICA on PCA-whitened data. */
@Command(name = "ica", mixinStandardHelpOptions = true,
    description = "ICA: PCA whitening to k dimensions, then symmetric FastICA (z = W whiten(x)).")
final class FitIca implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Option(names = "--k", required = true, description = "number of independent components")
  int k;

  @Option(names = "--contrast", description = "logcosh, exp or cube (default: logcosh)")
  String contrast = "logcosh";

  @Option(names = "--max-iter", description = "rounds (default: 200)")
  int maxIter = 200;

  @Option(names = "--tol", description = "stop when max_i (1 - |w_i . w_i,old|) is below this (default: 1e-6)")
  double tol = 1e-6;

  @Override
  public Integer call() throws java.io.IOException {
    FastICA ica = new FastICA().setK(k).setContrast(contrast).setMaxIter(maxIter).setTol(tol).setSeed(output.seed);
    return FitRunner.fit("ica", spark, input, output, ica);
  }
}
