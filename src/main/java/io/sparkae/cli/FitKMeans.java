package io.sparkae.cli;

import io.sparkae.linear.kmeans.KMeans;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit kmeans}: k-means as an autoencoder with one-hot codes. */
@Command(name = "kmeans", mixinStandardHelpOptions = true,
    description = "k-means: z = e_j of the nearest centroid, x^ = c_j, squared error. k-means|| init, Lloyd or "
        + "mini-batch rounds.")
final class FitKMeans implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Option(names = "--k", required = true, description = "number of clusters")
  int k;

  @Option(names = "--max-iter", description = "maximum Lloyd (or mini-batch) rounds (default: 20)")
  int maxIter = 20;

  @Option(names = "--tol", description = "stop when no centre moves more than this (default: 1e-4)")
  double tol = 1e-4;

  @Option(names = "--init", description = "k-means|| (default) or random")
  String init = "k-means||";

  @Option(names = "--init-steps", description = "k-means|| rounds (default: 2)")
  int initSteps = 2;

  @Option(names = "--algorithm", description = "lloyd (default) or minibatch")
  String algorithm = "lloyd";

  @Option(names = "--batch-fraction", description = "mini-batch: fraction of each partition per round "
      + "(default: 0.1)")
  double batchFraction = 0.1;

  @Override
  public Integer call() throws java.io.IOException {
    KMeans km = new KMeans().setK(k).setMaxIter(maxIter).setTol(tol).setInitMode(init).setInitSteps(initSteps)
        .setAlgorithm(algorithm).setBatchFraction(batchFraction).setSeed(output.seed);
    return FitRunner.fit("kmeans", spark, input, output, km);
  }
}
