package io.sparkae.cli;

import io.sparkae.neural.vae.VariationalEstimator;
import picocli.CommandLine.Option;

/** Options of the probabilistic autoencoders (the VAE and the topic model) beyond {@link TrainingOptions}. */
final class VariationalOptions {
  @Option(names = "--hidden", split = ",", description = "encoder hidden sizes, e.g. 400 or 512,256 (the VAE's "
      + "decoder mirrors them); 'none' for linear maps (default: 400 for vae, 100,100 for topics)")
  String[] hidden;

  @Option(names = "--activation", description = "hidden activation: relu, tanh, sigmoid, softplus, identity "
      + "(default: relu for vae, softplus for topics)")
  String activation;

  @Option(names = "--samples", description = "reparameterised samples L per row and step (default: 1)")
  int samples = 1;

  @Option(names = "--beta", description = "weight of the KL term (default: 1, the ELBO)")
  double beta = 1.0;

  @Option(names = "--kl-warmup", description = "epochs over which the KL weight rises from 0 to beta "
      + "(default: 0 for vae, 5 for topics)")
  Double klWarmup;

  @Option(names = "--latent-dropout", description = "training: dropout probability on the decoder's input "
      + "(default: 0)")
  Double latentDropout;

  void apply(VariationalEstimator<?, ?> est) {
    if (hidden != null) {
      est.setHiddenLayers(TrainingOptions.sizes("--hidden", hidden));
    }
    if (activation != null) {
      est.setActivation(activation);
    }
    est.setSamples(samples);
    est.setBeta(beta);
    if (klWarmup != null) {
      est.setKlWarmupEpochs(klWarmup);
    }
    if (latentDropout != null) {
      est.setLatentDropout(latentDropout);
    }
  }
}
