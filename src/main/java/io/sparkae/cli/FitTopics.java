package io.sparkae.cli;

import io.sparkae.neural.topics.TopicModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit topics}: the ProdLDA topic model, a VAE over word counts. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Topic model as a probabilistic autoencoder (ProdLDA, Srivastava and Sutton 2017): encoder to a "
        + "logistic-normal posterior over K topics, decoder softmax(W theta + b) with a multinomial likelihood. Input: "
        + "count vectors, e.g. --format reuters|text|text-folder (options vocabSize, minDF, maxDF, vocabulary, "
        + "stopWords). Writes topics.txt and vocabulary.txt beside the model.")
final class FitTopics implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Mixin
  TrainingOptions training;

  @Mixin
  VariationalOptions variational;

  @Option(names = "--k", description = "number of topics (default: 20)")
  int k = 20;

  @Option(names = "--alpha", description = "Dirichlet prior concentration on topic proportions (default: 1.0)")
  double alpha = 1.0;

  @Override
  public Integer call() throws java.io.IOException {
    TopicModel est = new TopicModel().setK(k).setDocConcentration(alpha);
    training.apply(est, output.seed);
    variational.apply(est);
    return FitRunner.fit("topics", spark, input, output, est);
  }
}
