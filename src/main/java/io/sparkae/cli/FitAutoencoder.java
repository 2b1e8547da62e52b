package io.sparkae.cli;

import io.sparkae.neural.NeuralAutoencoder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit autoencoder}: a neural autoencoder trained by minibatch SGD with parameter averaging. */
@Command(name = "autoencoder", mixinStandardHelpOptions = true,
    description = "Neural autoencoder: mirrored dense layers, squared error or cross-entropy, trained by "
        + "data-parallel minibatch SGD/Adam with parameter averaging every H steps.")
final class FitAutoencoder implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Option(names = "--layers", required = true, split = ",", description = "encoder sizes d,h1,...,code, e.g. "
      + "784,256,32; the decoder mirrors them")
  int[] layers;

  @Option(names = "--activation", description = "hidden activation: relu, sigmoid, tanh, softplus, identity "
      + "(default: relu)")
  String activation = "relu";

  @Option(names = "--code-activation", description = "code layer activation (default: the hidden activation)")
  String codeActivation = "";

  @Option(names = "--output-activation", description = "last layer for squared error (default: identity)")
  String outputActivation = "identity";

  @Option(names = "--loss", description = "squared or bce (cross-entropy from logits, inputs in [0, 1]) "
      + "(default: squared)")
  String loss = "squared";

  @Option(names = "--tied", description = "tie decoder weights to the encoder's transposes")
  boolean tied;

  @Option(names = "--topk", description = "k-sparse code: keep the K largest code entries (default: 0, off)")
  int topK;

  @Option(names = "--l1", description = "L1 penalty on the code (default: 0)")
  double l1;

  @Option(names = "--denoise", description = "input corruption: dropout:P (zero each input with probability P) or "
      + "gaussian:S (add noise of std S)")
  String denoise;

  @Option(names = "--epochs", description = "passes over the data (default: 10)")
  int epochs = 10;

  @Option(names = "--batch-size", description = "minibatch size (default: 64)")
  int batchSize = 64;

  @Option(names = "--averaging-frequency", description = "local steps between parameter averages H (default: 4)")
  int averagingFrequency = 4;

  @Option(names = "--optimizer", description = "adam or sgd (default: adam)")
  String optimizer = "adam";

  @Option(names = "--lr", description = "learning rate (default: 0.001)")
  double lr = 1e-3;

  @Option(names = "--momentum", description = "sgd momentum (default: 0.9)")
  double momentum = 0.9;

  @Option(names = "--lr-decay", description = "learning rate factor every --decay-every epochs (default: 1)")
  double lrDecay = 1.0;

  @Option(names = "--decay-every", description = "epochs between learning rate decays (default: 1)")
  int decayEvery = 1;

  @Option(names = "--weight-decay", description = "L2 weight decay (default: 0)")
  double weightDecay;

  @Option(names = "--pretrain-epochs", description = "stacked: greedy layer-wise pretraining epochs per layer "
      + "before fine-tuning (default: 0)")
  int pretrainEpochs;

  @Option(names = "--checkpoint-dir", description = "write the trainer's checkpoint into this folder")
  String checkpointDir = "";

  @Option(names = "--checkpoint-every", description = "rounds between checkpoints (default: 10)")
  int checkpointEvery = 10;

  @Option(names = "--resume", description = "continue from the checkpoint in --checkpoint-dir if there is one")
  boolean resume;

  @Option(names = "--block-size", description = "rows per cached block (default: about 8 MB per block)")
  int blockSize;

  @Override
  public Integer call() throws java.io.IOException {
    NeuralAutoencoder est = new NeuralAutoencoder().setLayers(layers).setActivation(activation)
        .setCodeActivation(codeActivation).setOutputActivation(outputActivation).setLoss(loss).setTiedWeights(tied)
        .setTopK(topK).setL1(l1).setEpochs(epochs).setBatchSize(batchSize).setAveragingFrequency(averagingFrequency)
        .setOptimizer(optimizer).setLearningRate(lr).setMomentum(momentum).setLearningRateDecay(lrDecay)
        .setDecayEvery(decayEvery).setWeightDecay(weightDecay).setBlockSize(blockSize).setSeed(output.seed)
        .setPretrainEpochs(pretrainEpochs).setCheckpointDir(checkpointDir).setCheckpointInterval(checkpointEvery)
        .setResume(resume);
    if (denoise != null) {
      String[] kv = denoise.split(":", 2);
      double v;
      try {
        v = kv.length == 2 ? Double.parseDouble(kv[1]) : Double.NaN;
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (Double.isNaN(v) || !(kv[0].equals("dropout") || kv[0].equals("gaussian"))) {
        throw new IllegalArgumentException("--denoise " + denoise + ": expected dropout:P or gaussian:S");
      }
      if (kv[0].equals("dropout")) {
        est.setInputDropout(v);
      } else {
        est.setInputNoise(v);
      }
    }
    if (output.validation != null) {
      est.setValidationData(input.copyWithInput(output.validation).load(spark.session("sparkae fit autoencoder")));
    }
    return FitRunner.fit("autoencoder", spark, input, output, est);
  }
}
