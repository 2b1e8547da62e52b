package io.sparkae.cli;

import io.sparkae.core.Family.Option;
import java.util.List;

/**
 * Options of every model trained by minibatch SGD/Adam with parameter averaging (the families that use
 * {@code Family.Uses.SGD_TRAINER}); unset options keep the estimator's own defaults, which the help shows.
 */
final class TrainingOptions {
  private TrainingOptions() {}

  static final List<Option> OPTIONS = Option.table("""
      --adam-beta1          | adamBeta1          | Adam's beta1
      --epochs              | epochs             | passes over the data
      --batch-size          | batchSize          | minibatch size
      --averaging-frequency | averagingFrequency | local steps between parameter averages H
      --optimizer           | optimizer          | adam or sgd
      --lr                  | learningRate       | learning rate
      --momentum            | momentum           | sgd momentum
      --lr-decay            | learningRateDecay  | learning rate factor every --decay-every epochs
      --decay-every         | decayEvery         | epochs between learning rate decays
      --weight-decay        | weightDecay        | L2 weight decay
      --checkpoint-dir      | checkpointDir      | write the trainer's checkpoint into this folder
      --checkpoint-every    | checkpointInterval | rounds between checkpoints
      --resume              | resume             | continue from the checkpoint in --checkpoint-dir if there is one
      --block-size          | blockSize          | rows per cached block (default: about 8 MB per block)
      --training-partitions | trainingPartitions | partitions W the rows are cached in for training, whatever the \
      input's partitioning (default 0: one per task slot, at most rows / (batch size x H))
      --block-momentum      | blockMomentum      | block momentum of the driver's update after each average, in \
      [0, 1), e.g. 1 - 1/W (default: 0, plain averaging)
      --block-nesterov      | blockNesterov      | with block momentum, start rounds from the Nesterov look-ahead
      """);

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
