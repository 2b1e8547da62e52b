package io.sparkae.cli;

import io.sparkae.neural.vae.VariationalEstimator;
import picocli.CommandLine.Option;

/** Options of the probabilistic autoencoders (the VAE and the topic model) beyond {@link TrainingOptions}. */
final class VariationalOptions {
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
