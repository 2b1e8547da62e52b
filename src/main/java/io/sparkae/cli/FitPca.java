package io.sparkae.cli;

import io.sparkae.linear.pca.PCA;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit pca}: principal component analysis. */
@Command(name = "pca", mixinStandardHelpOptions = true,
    description = "PCA: z = W^T (x - mu), x^ = W z + mu, squared error. Exact (syrk + LAPACK) or randomized.")
final class FitPca implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Option(names = "--k", required = true, description = "number of components")
  int k;

  @Option(names = "--whiten", arity = "0..1", fallbackValue = "true",
      description = "scale codes to unit variance")
  boolean whiten;

  @Option(names = "--solver", description = "auto, exact or randomized (default: auto)")
  String solver = "auto";

  @Option(names = "--randomized-threshold", description = "with solver auto, d above which to go randomized "
      + "(default: 2048)")
  int randomizedThreshold = 2048;

  @Option(names = "--power-iterations", description = "randomized solver's power iterations (default: 3)")
  int powerIterations = 3;

  @Option(names = "--oversampling", description = "randomized solver's extra basis vectors (default: 10)")
  int oversampling = 10;

  @Override
  public Integer call() throws java.io.IOException {
    PCA pca = new PCA().setK(k).setWhiten(whiten).setSolver(solver).setRandomizedThreshold(randomizedThreshold)
        .setPowerIterations(powerIterations).setOversampling(oversampling).setSeed(output.seed);
    return FitRunner.fit("pca", spark, input, output, pca);
  }
}
