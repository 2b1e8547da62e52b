package io.sparkae.neural;

import io.sparkae.core.Figure;
import io.sparkae.core.FitHistory;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted {@link NeuralAutoencoder}: the trained network ({@link NetworkAutoencoder}) and its loss curve (train
 * loss per round, mean over the round's minibatches; validation loss per epoch when validation data was set).
 * Immutable. Saved settings (by name): "encoderSizes", "hiddenActivation", "codeActivation", "outputActivation",
 * "loss", "tiedWeights", "topK", "l1"; arrays: "parameters", "sampleInputs"; the fit's history as
 * {@link FitHistory#saveTo} saves it. Format-1 models (enums by ordinal in arrays, the history as
 * "trainLoss", "validationLoss", "roundsPerEpoch") are still read.
 */
public final class NeuralAutoencoderModel extends TrainedModel<NeuralAutoencoderModel> {
  private static final long serialVersionUID = 1L;

  private final NetworkAutoencoder ae;

  /** @param sampleInputs a few training rows (d x m, m may be 0) kept for the report's reconstruction figure */
  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public NeuralAutoencoderModel() {
    this(Identifiable.randomUID("sparkae-neural-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public NeuralAutoencoderModel(String uid) {
    this(uid, null, new double[0], new double[0], 0, new DenseMatrix(0, 0), Provenance.unknown(0));
  }

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
  protected String objectiveName() {
    return ae.lossName() + " per example";
  }

  @Override
  protected String objectiveUnit() {
    return ae.lossName();
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    out.put("architecture", architecture().toString());
    out.put("layers", architecture().sizes());
    out.put("parameters", architecture().numParams());
  }

  /**
   * The loss curve against epochs; when rows are images, sample inputs above their reconstructions and the first
   * layer's filters (at most 64).
   */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    FitHistory hist = history();
    double[] train = hist.values();
    if (train.length > 0) {
      double[][] axes = axes(hist, 1);
      List<Figure.Series> series = new ArrayList<>();
      series.add(new Figure.Series("train (per round)", axes[0], train));
      if (axes[1].length > 0) {
        series.add(new Figure.Series("validation (per epoch)", axes[1], hist.validation()));
      }
      out.add(new Figure.LinePlot("loss.png", "Neural autoencoder: " + ae.lossName() + " per example", "epoch",
          "loss", series, Arrays.stream(train).allMatch(v -> v > 0)));
    }
    if (!provenance().isImage()) {
      return out;
    }
    int h = provenance().imageHeight();
    int w = provenance().imageWidth();
    DenseMatrix xs = sampleInputs();
    if (xs.cols > 0) {
      DenseMatrix xhat = new DenseMatrix(xs.rows, xs.cols);
      DenseMatrix z = new DenseMatrix(ae.codeSize(), xs.cols);
      ae.encode(xs, xs.cols, z);
      ae.decode(z, xs.cols, xhat);
      List<double[]> images = Figure.columns(xs, xs.cols);
      images.addAll(Figure.columns(xhat, xhat.cols));
      out.add(new Figure.ImageGrid("reconstructions.png", "Inputs (top) and reconstructions (bottom)", images, h, w,
          xs.cols, Figure.Scale.PER_IMAGE_MINMAX, null));
    }
    DenseMatrix w0 = firstLayerWeights();
    int shown = Math.min(w0.rows, 64);
    out.add(new Figure.ImageGrid("filters.png", "First layer filters (" + shown + " of " + w0.rows + ", grey = 0)",
        Figure.columns(w0.transpose(), shown), h, w, 8, Figure.Scale.PER_IMAGE_SYMMETRIC, null));
    return out;
  }

  @Override
  protected ModelData data() {
    Architecture a = ae.architecture();
    float[] p = ae.parameters();
    double[] pd = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      pd[i] = p[i];
    }
    return curves(new ModelData()
        .set("encoderSizes", a.encoderSizes())
        .set("hiddenActivation", a.hidden())
        .set("codeActivation", a.code())
        .set("outputActivation", a.output())
        .set("loss", a.loss())
        .set("tiedWeights", a.tied())
        .set("topK", a.topK())
        .set("l1", a.l1())
        .put("parameters", pd));
  }

  @Override
  public NeuralAutoencoderModel copy(ParamMap extra) {
    FitHistory h = history();
    return copyParamsTo(new NeuralAutoencoderModel(uid(), ae, h.values(), h.validation(), h.roundsPerEpoch(),
        sampleInputs(), provenance()), extra);
  }

  public static MLReader<NeuralAutoencoderModel> read() {
    return StageReader.model(NeuralAutoencoderModel.class, (uid, data, prov) -> {
      Architecture a = data.hasSettings()
          ? new Architecture(data.ints("encoderSizes"), data.enumValue("hiddenActivation", Activation.class),
              data.enumValue("codeActivation", Activation.class), data.enumValue("outputActivation",
              Activation.class), data.enumValue("loss", Loss.class), data.flag("tiedWeights"),
              (int) data.integer("topK"), data.real("l1"))
          : format1Architecture(data);
      double[] pd = data.matrix("parameters", a.numParams(), 1).values;
      float[] p = new float[pd.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) pd[i];
      }
      FitHistory h = savedHistory(data);
      return new NeuralAutoencoderModel(uid, new NetworkAutoencoder(a, p), h.values(), h.validation(),
          h.roundsPerEpoch(), data.matrix("sampleInputs"), prov);
    });
  }

  /** The architecture of a model saved in format 1: sizes and flags in arrays, enums by ordinal. */
  private static Architecture format1Architecture(ModelData data) {
    double[] sd = data.vector("encoderSizes");
    int[] sizes = new int[sd.length];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = (int) sd[i];
    }
    double[] acts = data.matrix("activations", 3, 1).values;
    Activation[] all = Activation.values();
    return new Architecture(sizes, all[(int) acts[0]], all[(int) acts[1]], all[(int) acts[2]],
        Loss.values()[(int) data.scalar("loss")], data.scalar("tied") != 0, (int) data.scalar("topK"),
        data.scalar("l1"));
  }

  public static NeuralAutoencoderModel load(String path) {
    return read().load(path);
  }
}
