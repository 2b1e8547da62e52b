package io.sparkae.cli;

import io.sparkae.neural.vae.VariationalAutoencoder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit vae}: the variational autoencoder, trained by minibatch Adam with parameter averaging. */
@Command(name = "vae", mixinStandardHelpOptions = true,
    description = "Variational autoencoder (Kingma and Welling 2014): Gaussian q(z|x), N(0, I) prior, Bernoulli, "
        + "Gaussian or multinomial decoder, trained on the ELBO by data-parallel minibatch Adam with parameter "
        + "averaging every H steps.")
final class FitVae implements Callable<Integer> {
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

  @Option(names = "--latent", description = "latent size k (default: 20)")
  int latent = 20;

  @Option(names = "--likelihood", description = "decoder: bernoulli (values in [0, 1]), gaussian, multinomial "
      + "(counts) (default: bernoulli)")
  String likelihood = "bernoulli";

  @Option(names = "--binarize", description = "dynamic binarisation: Bernoulli draws of each row's values in "
      + "training and evaluation (bernoulli decoder only)")
  boolean binarize;

  @Override
  public Integer call() throws java.io.IOException {
    VariationalAutoencoder est = new VariationalAutoencoder().setLatentSize(latent).setLikelihood(likelihood)
        .setBinarize(binarize);
    training.apply(est, output.seed);
    variational.apply(est);
    return FitRunner.fit("vae", spark, input, output, est);
  }
}
