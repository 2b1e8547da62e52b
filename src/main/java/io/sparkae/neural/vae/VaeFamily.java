package io.sparkae.neural.vae;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit vae}: the variational autoencoder, trained by minibatch Adam with parameter averaging. */
public final class VaeFamily extends Family.Of {
  public VaeFamily() {
    super("vae", "Variational autoencoder (Kingma and Welling 2014): Gaussian q(z|x), N(0, I) prior, Bernoulli, "
        + "Gaussian or multinomial decoder, trained on the ELBO (or the IWAE bound) by data-parallel minibatch Adam "
        + "with parameter averaging every H steps.", VariationalAutoencoder::new,
        Set.of(Uses.SGD_TRAINER, Uses.VARIATIONAL), """
        --latent       | latentSize  | latent size k
        --likelihood   | likelihood  | decoder: bernoulli (values in [0, 1]), gaussian, multinomial (counts)
        --binarize     | binarize    | dynamic binarisation: Bernoulli draws of each row's values in training and \
        evaluation (bernoulli decoder only)
        --iwae-samples | iwaeSamples | importance samples K per row: 1 trains on the ELBO, K > 1 on the IWAE bound \
        (Burda et al. 2016), then the reported loss
        """);
  }
}
