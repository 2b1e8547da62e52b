package io.sparkae.cli;

import io.sparkae.neural.vae.VariationalEstimator;
import picocli.CommandLine.Option;

/** Training options the VAE and the topic model share. */
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

  @Option(names = "--adam-beta1", description = "Adam's beta1 (default: 0.9)")
  Double adamBeta1;

  @Option(names = "--epochs", description = "passes over the data (default: 10 for vae, 20 for topics)")
  Integer epochs;

  @Option(names = "--batch-size", description = "minibatch size (default: 128 for vae, 64 for topics)")
  Integer batchSize;

  @Option(names = "--averaging-frequency", description = "local steps between parameter averages H (default: 25)")
  int averagingFrequency = 25;

  @Option(names = "--optimizer", description = "adam or sgd (default: adam)")
  String optimizer = "adam";

  @Option(names = "--lr", description = "learning rate (default: 0.001 for vae, 0.005 for topics)")
  Double lr;

  @Option(names = "--momentum", description = "sgd momentum (default: 0.9)")
  double momentum = 0.9;

  @Option(names = "--lr-decay", description = "learning rate factor every --decay-every epochs (default: 1)")
  double lrDecay = 1.0;

  @Option(names = "--decay-every", description = "epochs between learning rate decays (default: 1)")
  int decayEvery = 1;

  @Option(names = "--weight-decay", description = "L2 weight decay (default: 0)")
  double weightDecay;

  @Option(names = "--checkpoint-dir", description = "write the trainer's checkpoint into this folder")
  String checkpointDir = "";

  @Option(names = "--checkpoint-every", description = "rounds between checkpoints (default: 10)")
  int checkpointEvery = 10;

  @Option(names = "--resume", description = "continue from the checkpoint in --checkpoint-dir if there is one")
  boolean resume;

  @Option(names = "--block-size", description = "rows per cached block (default: about 8 MB per block)")
  int blockSize;

  void apply(VariationalEstimator<?, ?> est, long seed) {
    est.setSamples(samples);
    est.setBeta(beta);
    if (klWarmup != null) {
      est.setKlWarmupEpochs(klWarmup);
    }
    if (latentDropout != null) {
      est.setLatentDropout(latentDropout);
    }
    if (adamBeta1 != null) {
      est.setAdamBeta1(adamBeta1);
    }
    if (epochs != null) {
      est.setEpochs(epochs);
    }
    if (batchSize != null) {
      est.setBatchSize(batchSize);
    }
    est.setAveragingFrequency(averagingFrequency);
    est.setOptimizer(optimizer);
    if (lr != null) {
      est.setLearningRate(lr);
    }
    est.setMomentum(momentum);
    est.setLearningRateDecay(lrDecay);
    est.setDecayEvery(decayEvery);
    est.setWeightDecay(weightDecay);
    est.setCheckpointDir(checkpointDir);
    est.setCheckpointInterval(checkpointEvery);
    est.setResume(resume);
    est.setBlockSize(blockSize);
    est.setSeed(seed);
  }

  /** Layer sizes from a comma list; "none" (or nothing) for no hidden layer. */
  static int[] sizes(String option, String[] values) {
    if (values == null || values.length == 0 || (values.length == 1 && (values[0].isBlank()
        || values[0].equalsIgnoreCase("none")))) {
      return new int[0];
    }
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      try {
        out[i] = Integer.parseInt(values[i].trim());
      } catch (NumberFormatException e) {
        out[i] = -1;
      }
      if (out[i] < 1) {
        throw new IllegalArgumentException(option + " " + String.join(",", values) + ": expected positive sizes "
            + "separated by commas, or none");
      }
    }
    return out;
  }
}
