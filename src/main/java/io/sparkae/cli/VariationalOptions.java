package io.sparkae.cli;

import io.sparkae.core.Family.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Options of the probabilistic autoencoders (the families that use {@code Family.Uses.VARIATIONAL}). */
final class VariationalOptions {
  private VariationalOptions() {}

  static final List<Option> OPTIONS = options();

  private static List<Option> options() {
    List<Option> out = new ArrayList<>(Option.table("""
        --activation     | activation     | hidden activation: relu, tanh, sigmoid, softplus, identity
        --samples        | samples        | reparameterised samples L per row and step
        --beta           | beta           | weight of the KL term (1: the ELBO)
        --kl-warmup      | klWarmupEpochs | epochs over which the KL weight rises from 0 to beta
        --latent-dropout | latentDropout  | training: dropout probability on the decoder's input
        """));
    out.add(Option.parsed("--hidden", "hiddenLayers", "encoder hidden sizes, e.g. 400 or 512,256 (the VAE's "
        + "decoder mirrors them); 'none' for linear maps",
        text -> Map.of("hiddenLayers", TrainingOptions.sizes("--hidden", text.split(",")))));
    return List.copyOf(out);
  }
}
