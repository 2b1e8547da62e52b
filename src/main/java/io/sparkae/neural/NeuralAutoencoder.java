package io.sparkae.neural;

import io.sparkae.core.InputColumn;
import io.sparkae.core.StageReader;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * Neural autoencoder trained by data-parallel minibatch SGD with parameter averaging ({@link AveragingTrainer}).
 * With encoder sizes {@code layers = (d, h_1, ..., h_m)} and mirrored decoder, it minimises over the weights
 * W_l, b_l the mean per-example loss
 * <pre>
 *   (1/n) sum_i [ l(x_i, g(f(x~_i))) + l1 ||f(x~_i)||_1 ] + (weightDecay / 2) sum_l ||W_l||_F^2
 * </pre>
 * where f is the encoder (a_{l+1} = act(W_l a_l + b_l)), g the decoder, l the squared error {@code ||x - x^||_2^2}
 * or the binary cross-entropy from logits, and x~ the input corrupted by masking or Gaussian noise for a denoising
 * autoencoder (Vincent et al. 2008). Options: tied weights (W_{L-1-l} = W_l^T), k-sparse codes keeping the k
 * largest entries (Makhzani and Frey 2013), the L1 code penalty (a sparse autoencoder, Ng 2011). Reference for
 * autoencoders: Hinton and Salakhutdinov 2006. Optimizers: SGD with momentum, Adam (Kingma and Ba 2015).
 */
public final class NeuralAutoencoder extends SgdEstimator<NeuralAutoencoderModel, NeuralAutoencoder> {
  private static final long serialVersionUID = 1L;

  private final IntArrayParam layers;
  private final Param<String> activation;
  private final Param<String> codeActivation;
  private final Param<String> outputActivation;
  private final Param<String> loss;
  private final BooleanParam tiedWeights;
  private final IntParam topK;
  private final DoubleParam l1;
  private final DoubleParam inputDropout;
  private final DoubleParam inputNoise;
  private final IntParam pretrainEpochs;

  public NeuralAutoencoder() {
    this(Identifiable.randomUID("sparkae-neural"));
  }

  @SuppressWarnings("unchecked")
  public NeuralAutoencoder(String uid) {
    super(uid);
    String[] acts = {"identity", "linear", "relu", "sigmoid", "tanh", "softplus"};
    layers = new IntArrayParam(this, "layers", "encoder sizes d, h_1, ..., code; the decoder mirrors them "
        + "(required, d first)");
    activation = new Param<>(this, "activation", "hidden activation: identity, relu, sigmoid, tanh, softplus "
        + "(default: relu)", ParamValidators.inArray(acts));
    codeActivation = new Param<>(this, "codeActivation", "activation of the code layer; empty for the hidden "
        + "activation (default: empty)", ParamValidators.inArray(withEmpty(acts)));
    outputActivation = new Param<>(this, "outputActivation", "last layer's activation for the squared error "
        + "(default: identity; cross-entropy always uses logits)", ParamValidators.inArray(acts));
    loss = new Param<>(this, "loss", "squared or bce (binary cross-entropy from logits, x in [0, 1]) "
        + "(default: squared)", ParamValidators.inArray(new String[] {"squared", "bce"}));
    tiedWeights = new BooleanParam(this, "tiedWeights", "decoder weights are the encoder's transposed "
        + "(default: false)");
    topK = new IntParam(this, "topK", "k-sparse code: keep the k largest entries; 0 for all (default: 0)",
        ParamValidators.gtEq(0));
    l1 = new DoubleParam(this, "l1", "weight of the L1 penalty on the code (>= 0, default: 0)",
        ParamValidators.gtEq(0));
    inputDropout = new DoubleParam(this, "inputDropout", "denoising: probability of zeroing each input, in [0, 1) "
        + "(default: 0)", ParamValidators.inRange(0, 1, true, false));
    inputNoise = new DoubleParam(this, "inputNoise", "denoising: std of Gaussian noise added to inputs (>= 0, "
        + "default: 0)", ParamValidators.gtEq(0));
    pretrainEpochs = new IntParam(this, "pretrainEpochs", "stacked autoencoder: epochs of greedy layer-wise "
        + "pretraining per encoder layer before fine-tuning; 0 for none (default: 0)", ParamValidators.gtEq(0));
    setDefault(pretrainEpochs, 0);
    setDefault(layers, new int[0]);
    setDefault(activation, "relu");
    setDefault(codeActivation, "");
    setDefault(outputActivation, "identity");
    setDefault(loss, "squared");
    setDefault(tiedWeights, false);
    setDefault(topK, 0);
    setDefault(l1, 0.0);
    setDefault(inputDropout, 0.0);
    setDefault(inputNoise, 0.0);
  }

  private static String[] withEmpty(String[] a) {
    String[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = "";
    return out;
  }

  // Params (Spark finds them through these public no-argument methods).
  public IntArrayParam layers() { return layers; }
  public Param<String> activation() { return activation; }
  public Param<String> codeActivation() { return codeActivation; }
  public Param<String> outputActivation() { return outputActivation; }
  public Param<String> loss() { return loss; }
  public BooleanParam tiedWeights() { return tiedWeights; }
  public IntParam topK() { return topK; }
  public DoubleParam l1() { return l1; }
  public DoubleParam inputDropout() { return inputDropout; }
  public DoubleParam inputNoise() { return inputNoise; }
  public IntParam pretrainEpochs() { return pretrainEpochs; }

  public int[] getLayers() { return ((int[]) getOrDefault(layers)).clone(); }
  public String getActivation() { return getOrDefault(activation); }
  public String getCodeActivation() { return getOrDefault(codeActivation); }
  public String getOutputActivation() { return getOrDefault(outputActivation); }
  public String getLoss() { return getOrDefault(loss); }
  public boolean getTiedWeights() { return (Boolean) getOrDefault(tiedWeights); }
  public int getTopK() { return (Integer) getOrDefault(topK); }
  public double getL1() { return (Double) getOrDefault(l1); }
  public double getInputDropout() { return (Double) getOrDefault(inputDropout); }
  public double getInputNoise() { return (Double) getOrDefault(inputNoise); }
  public int getPretrainEpochs() { return (Integer) getOrDefault(pretrainEpochs); }

  public NeuralAutoencoder setLayers(int... v) { return with(layers, v.clone()); }
  public NeuralAutoencoder setActivation(String v) { return with(activation, v); }
  public NeuralAutoencoder setCodeActivation(String v) { return with(codeActivation, v); }
  public NeuralAutoencoder setOutputActivation(String v) { return with(outputActivation, v); }
  public NeuralAutoencoder setLoss(String v) { return with(loss, v); }
  public NeuralAutoencoder setTiedWeights(boolean v) { return with(tiedWeights, v); }
  public NeuralAutoencoder setTopK(int v) { return with(topK, v); }
  public NeuralAutoencoder setL1(double v) { return with(l1, v); }
  public NeuralAutoencoder setInputDropout(double v) { return with(inputDropout, v); }
  public NeuralAutoencoder setInputNoise(double v) { return with(inputNoise, v); }
  public NeuralAutoencoder setPretrainEpochs(int v) { return with(pretrainEpochs, v); }

  /** The network these params describe, for input size {@code d}; checks the layers against d. */
  public Architecture architecture(int d, String column) {
    int[] sizes = getLayers();
    if (sizes.length < 2) {
      throw new IllegalArgumentException("set layers to at least (d, code size), e.g. setLayers(" + d + ", 32); found "
          + Arrays.toString(sizes));
    }
    if (sizes[0] != d) {
      throw new IllegalArgumentException("layers " + Arrays.toString(sizes) + " start with " + sizes[0]
          + " inputs but column '" + column + "' holds vectors of size " + d);
    }
    Activation hidden = Activation.parse(getActivation());
    Activation code = getCodeActivation().isEmpty() ? hidden : Activation.parse(getCodeActivation());
    return new Architecture(sizes, hidden, code, Activation.parse(getOutputActivation()), Loss.parse(getLoss()),
        getTiedWeights(), getTopK(), getL1());
  }

  /** The training settings these params describe. */
  public TrainingConfig trainingConfig() {
    return trainingConfig(getInputDropout(), getInputNoise());
  }

  @Override
  protected NeuralAutoencoderModel train(FitInput input) {
    Architecture arch = architecture(input.dim(), input.column());
    AveragingTrainer trainer = trainer(new Network(arch), trainingConfig());
    TrainingPartitions.Cached[] cached = cacheTrainingData(input, trainingConfig());
    JavaRDD<FloatBlock> blocks = cached[0].blocks();
    JavaRDD<FloatBlock> validation = cached[1] == null ? null : cached[1].blocks();
    try {
      boolean resuming = getResume() && !getCheckpointDir().isEmpty();
      float[] init = getPretrainEpochs() > 0 && arch.codeLayer() > 1 && !resuming
          ? GreedyPretrainer.pretrain(arch, trainingConfig(), getPretrainEpochs(), blocks) : null;
      AveragingTrainer.Result r = trainer.fit(blocks, validation, init);
      return new NeuralAutoencoderModel(uid(), new NetworkAutoencoder(arch, r.params), r.trainLoss,
          r.validationLoss, r.roundsPerEpoch, sampleRows(blocks, 12), provenance(input, r.rows));
    } finally {
      blocks.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
    }
  }

  public static MLReader<NeuralAutoencoder> read() { return StageReader.estimator(NeuralAutoencoder.class); }
  public static NeuralAutoencoder load(String path) { return read().load(path); }
}
