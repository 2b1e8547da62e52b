package io.sparkae.neural;

import io.sparkae.core.Family;
import java.util.Map;
import java.util.Set;

/** {@code sparkae fit autoencoder}: a neural autoencoder trained by minibatch SGD with parameter averaging. */
public final class AutoencoderFamily extends Family.Of {
  public AutoencoderFamily() {
    super("autoencoder", "Neural autoencoder: mirrored dense layers, squared error or cross-entropy, trained by "
        + "data-parallel minibatch SGD/Adam with parameter averaging every H steps.", NeuralAutoencoder::new,
        Set.of(Uses.SGD_TRAINER), """
        --layers*           | layers           | encoder sizes d,h1,...,code, e.g. 784,256,32; the decoder mirrors them
        --activation        | activation       | hidden activation: relu, sigmoid, tanh, softplus, identity
        --code-activation   | codeActivation   | code layer activation (default: the hidden activation)
        --output-activation | outputActivation | last layer for squared error
        --loss              | loss             | squared or bce (cross-entropy from logits, inputs in [0, 1])
        --tied              | tiedWeights      | tie decoder weights to the encoder's transposes
        --topk              | topK             | k-sparse code: keep the K largest code entries (0: off)
        --l1                | l1               | L1 penalty on the code
        --pretrain-epochs   | pretrainEpochs   | stacked: greedy layer-wise pretraining epochs per layer before \
        fine-tuning
        """, Option.parsed("--denoise", null, "input corruption: dropout:P (zero each input with probability P) or "
            + "gaussian:S (add noise of std S)", AutoencoderFamily::denoise));
  }

  /** {@code dropout:P} or {@code gaussian:S} as inputDropout or inputNoise. */
  static Map<String, Object> denoise(String text) {
    String[] kv = text.split(":", 2);
    double v;
    try {
      v = kv.length == 2 ? Double.parseDouble(kv[1]) : Double.NaN;
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (Double.isNaN(v) || !(kv[0].equals("dropout") || kv[0].equals("gaussian"))) {
      throw new IllegalArgumentException("--denoise " + text + ": expected dropout:P or gaussian:S");
    }
    return Map.of(kv[0].equals("dropout") ? "inputDropout" : "inputNoise", v);
  }
}
