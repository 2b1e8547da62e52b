package io.sparkae.cli;

import io.sparkae.neural.SgdEstimator;
import picocli.CommandLine.Option;

/**
 * Options of every model trained by minibatch SGD/Adam with parameter averaging (the neural autoencoder, the VAE,
 * the topic model); unset options keep the estimator's own defaults.
 */
final class TrainingOptions {
  @Option(names = "--adam-beta1", description = "Adam's beta1 (default: 0.9)")
  Double adamBeta1;

  @Option(names = "--epochs", description = "passes over the data (default: 10, 20 for topics)")
  Integer epochs;

  @Option(names = "--batch-size", description = "minibatch size (default: 64, 128 for vae)")
  Integer batchSize;

  @Option(names = "--averaging-frequency", description = "local steps between parameter averages H (default: 4 for "
      + "autoencoder, 25 for vae and topics)")
  Integer averagingFrequency;

  @Option(names = "--optimizer", description = "adam or sgd (default: adam)")
  String optimizer = "adam";

  @Option(names = "--lr", description = "learning rate (default: 0.001, 0.005 for topics)")
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

  @Option(names = "--resume", arity = "0..1", fallbackValue = "true",
      description = "continue from the checkpoint in --checkpoint-dir if there is one")
  boolean resume;

  @Option(names = "--block-size", description = "rows per cached block (default: about 8 MB per block)")
  int blockSize;

  @Option(names = "--training-partitions", description = "partitions W the rows are cached in for training, "
      + "whatever the input's partitioning (default 0: one per task slot, at most rows / (batch size x H))")
  Integer trainingPartitions;

  @Option(names = "--block-momentum", description = "block momentum of the driver's update after each average, "
      + "in [0, 1), e.g. 1 - 1/W (default: 0, plain averaging)")
  Double blockMomentum;

  @Option(names = "--block-nesterov", arity = "0..1", fallbackValue = "true", negatable = true,
      description = "with block momentum, start rounds from the Nesterov look-ahead (default: true)")
  Boolean blockNesterov;

  void apply(SgdEstimator<?, ?> est, long seed) {
    if (trainingPartitions != null) {
      est.setTrainingPartitions(trainingPartitions);
    }
    if (blockMomentum != null) {
      est.setBlockMomentum(blockMomentum);
    }
    if (blockNesterov != null) {
      est.setBlockNesterov(blockNesterov);
    }
    if (epochs != null) {
      est.setEpochs(epochs);
    }
    if (batchSize != null) {
      est.setBatchSize(batchSize);
    }
    if (averagingFrequency != null) {
      est.setAveragingFrequency(averagingFrequency);
    }
    if (lr != null) {
      est.setLearningRate(lr);
    }
    if (adamBeta1 != null) {
      est.setAdamBeta1(adamBeta1);
    }
    est.setOptimizer(optimizer);
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
