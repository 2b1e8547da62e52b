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

  @Mixin
  TrainingOptions training;

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

  @Option(names = "--tied", arity = "0..1", fallbackValue = "true",
      description = "tie decoder weights to the encoder's transposes")
  boolean tied;

  @Option(names = "--topk", description = "k-sparse code: keep the K largest code entries (default: 0, off)")
  int topK;

  @Option(names = "--l1", description = "L1 penalty on the code (default: 0)")
  double l1;

  @Option(names = "--denoise", description = "input corruption: dropout:P (zero each input with probability P) or "
      + "gaussian:S (add noise of std S)")
  String denoise;

  @Option(names = "--pretrain-epochs", description = "stacked: greedy layer-wise pretraining epochs per layer "
      + "before fine-tuning (default: 0)")
  int pretrainEpochs;

  @Override
  public Integer call() throws java.io.IOException {
    NeuralAutoencoder est = new NeuralAutoencoder().setLayers(layers).setActivation(activation)
        .setCodeActivation(codeActivation).setOutputActivation(outputActivation).setLoss(loss).setTiedWeights(tied)
        .setTopK(topK).setL1(l1).setPretrainEpochs(pretrainEpochs);
    training.apply(est, output.seed);
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
    return FitRunner.fit("autoencoder", spark, input, output, est);
  }
}
