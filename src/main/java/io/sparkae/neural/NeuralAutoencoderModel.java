package io.sparkae.neural;

import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted {@link NeuralAutoencoder}: the trained network ({@link NetworkAutoencoder}) and its loss curve (train
 * loss per round, mean over the round's minibatches; validation loss per epoch when validation data was set).
 * Immutable. Saved arrays: "encoderSizes", "activations" (hidden, code, output as {@link Activation} ordinals),
 * "loss" ({@link Loss} ordinal), "tied", "topK", "l1", "parameters", "trainLoss", "validationLoss",
 * "roundsPerEpoch", "sampleInputs".
 */
public final class NeuralAutoencoderModel extends TrainedModel<NeuralAutoencoderModel> {
  private static final long serialVersionUID = 1L;

  private final NetworkAutoencoder ae;

  /** @param sampleInputs a few training rows (d x m, m may be 0) kept for the report's reconstruction figure */
  public NeuralAutoencoderModel(String uid, NetworkAutoencoder ae, double[] trainLoss, double[] validationLoss,
      int roundsPerEpoch, DenseMatrix sampleInputs, Provenance provenance) {
    super(uid, trainLoss, validationLoss, roundsPerEpoch, sampleInputs, provenance);
    this.ae = ae;
  }

  @Override
  public NetworkAutoencoder autoencoder() {
    return ae;
  }

  public Architecture architecture() {
    return ae.architecture();
  }

  /** The first layer's weights, h_1 x d: row i is the filter of hidden unit i. */
  public DenseMatrix firstLayerWeights() {
    return ae.weights(0);
  }

  @Override
  protected ModelData data() {
    Architecture a = ae.architecture();
    float[] p = ae.parameters();
    double[] pd = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      pd[i] = p[i];
    }
    int[] sizes = a.encoderSizes();
    double[] sd = new double[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      sd[i] = sizes[i];
    }
    return curves(new ModelData()
        .put("encoderSizes", sd)
        .put("activations", new double[] {a.hidden().ordinal(), a.code().ordinal(), a.output().ordinal()})
        .put("loss", a.loss().ordinal())
        .put("tied", a.tied() ? 1.0 : 0.0)
        .put("topK", a.topK())
        .put("l1", a.l1())
        .put("parameters", pd));
  }

  @Override
  public NeuralAutoencoderModel copy(ParamMap extra) {
    return copyParamsTo(new NeuralAutoencoderModel(uid(), ae, trainLoss(), validationLoss(), roundsPerEpoch(),
        sampleInputs(), provenance()), extra);
  }

  public static MLReader<NeuralAutoencoderModel> read() {
    return StageReader.model(NeuralAutoencoderModel.class, (uid, data, prov) -> {
      double[] sd = data.vector("encoderSizes");
      int[] sizes = new int[sd.length];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = (int) sd[i];
      }
      double[] acts = data.matrix("activations", 3, 1).values;
      Activation[] all = Activation.values();
      Architecture a = new Architecture(sizes, all[(int) acts[0]], all[(int) acts[1]], all[(int) acts[2]],
          Loss.values()[(int) data.scalar("loss")], data.scalar("tied") != 0, (int) data.scalar("topK"),
          data.scalar("l1"));
      double[] pd = data.matrix("parameters", a.numParams(), 1).values;
      float[] p = new float[pd.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) pd[i];
      }
      return new NeuralAutoencoderModel(uid, new NetworkAutoencoder(a, p), data.vector("trainLoss"),
          data.vector("validationLoss"), (int) data.scalar("roundsPerEpoch"), data.matrix("sampleInputs"), prov);
    });
  }

  public static NeuralAutoencoderModel load(String path) {
    return read().load(path);
  }
}
