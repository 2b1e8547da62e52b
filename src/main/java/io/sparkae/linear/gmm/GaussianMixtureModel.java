package io.sparkae.linear.gmm;

import io.sparkae.core.Autoencoder;
import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Figure;
import io.sparkae.core.FitHistory;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.Sampling;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A fitted Gaussian mixture ({@link GmmAutoencoder}): the code is the responsibilities, the reconstruction their
 * weighted mean, the loss -log p(x). As a stand-in for MLlib's GaussianMixtureModel, {@code transform} also appends
 * {@code prediction} (the most probable component, int) and {@code probability} (the responsibilities, a vector);
 * {@code weights()}, {@code predict(Vector)} and {@code predictProbability(Vector)} match MLlib's names. The summary
 * holds the log-likelihood per round, the final log-likelihood, BIC, AIC and the soft component sizes. Immutable.
 */
public final class GaussianMixtureModel extends AutoencoderModel<GaussianMixtureModel> implements Sampling {
  private static final long serialVersionUID = 1L;

  private final GmmAutoencoder ae;
  private final double[] history;
  private final Boolean converged;
  private final double logLikelihood;
  private final double[] componentSizes;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;

  /**
   * @param history the mean log-likelihood per row after each round (of the model broadcast in that round, then
   *     of the final model)
   * @param logLikelihood the final model's total log-likelihood on the training rows
   * @param componentSizes the responsibility mass N_j of each component on the training rows
   */
  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public GaussianMixtureModel() {
    this(Identifiable.randomUID("sparkae-gmm-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public GaussianMixtureModel(String uid) {
    this(uid, null, new double[0], null, Double.NaN, new double[0], Provenance.unknown(0));
  }

  public GaussianMixtureModel(String uid, GmmAutoencoder ae, double[] history, Boolean converged,
      double logLikelihood, double[] componentSizes, Provenance provenance) {
    super(uid, provenance);
    this.ae = ae;
    this.history = history.clone();
    this.converged = converged;
    this.logLikelihood = logLikelihood;
    this.componentSizes = componentSizes.clone();
    predictionCol = GmmParams.predictionCol(this);
    probabilityCol = GmmParams.probabilityCol(this);
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
  }

  @Override
  public GmmAutoencoder autoencoder() {
    return ae;
  }

  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }
  public String getPredictionCol() { return getOrDefault(predictionCol); }
  public String getProbabilityCol() { return getOrDefault(probabilityCol); }

  public GaussianMixtureModel setPredictionCol(String v) {
    set(predictionCol, v);
    return this;
  }

  public GaussianMixtureModel setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  public int k() {
    return ae.codeSize();
  }

  public CovarianceType covarianceType() {
    return ae.covarianceType();
  }

  /** The mixing weights (a copy). */
  public double[] weights() {
    return ae.weights();
  }

  /** The means, d x k (a copy). */
  public DenseMatrix means() {
    return ae.means();
  }

  /** Component j's covariance as a full d x d matrix. */
  public DenseMatrix covariance(int j) {
    return ae.covariance(j);
  }

  /** The responsibilities of one row. */
  public Vector predictProbability(Vector features) {
    return Vectors.dense(ae.encode(checked(features)));
  }

  /** The most probable component of one row. */
  public int predict(Vector features) {
    return argmax(ae.encode(checked(features)), 0, k());
  }

  private double[] checked(Vector features) {
    if (features.size() != ae.inputSize()) {
      throw new IllegalArgumentException("vector has size " + features.size() + ", the model expects "
          + ae.inputSize());
    }
    return features.toArray();
  }

  /** The final model's total log-likelihood on the training rows, as MLlib's summary.logLikelihood. */
  public double logLikelihood() {
    return logLikelihood;
  }

  /** Free parameters: k - 1 weights, k d means and the covariances' entries. */
  public long parameters() {
    int d = ae.inputSize();
    return k() - 1 + (long) k() * d + covarianceType().parameters(k(), d);
  }

  /** Bayesian information criterion {@code -2 LL + p ln n} (Schwarz 1978); lower is better. */
  public double bic() {
    return -2 * logLikelihood + parameters() * Math.log(Math.max(1, provenance().rows()));
  }

  /** Akaike information criterion {@code -2 LL + 2 p}; lower is better. */
  public double aic() {
    return -2 * logLikelihood + 2.0 * parameters();
  }

  /** The responsibility mass of each component on the training rows (a copy). */
  public double[] componentSizes() {
    return componentSizes.clone();
  }

  @Override
  public FitHistory history() {
    return FitHistory.of("log-likelihood per row", "nats", history, converged);
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    out.put("k", k());
    out.put("covariance", covarianceType().name().toLowerCase(Locale.ROOT));
    out.put("logLikelihood", logLikelihood);
    out.put("logLikelihoodPerRow", logLikelihood / Math.max(1, provenance().rows()));
    out.put("bic", bic());
    out.put("aic", aic());
    out.put("parameters", parameters());
    out.put("weights", weights());
    out.put("componentSizes", componentSizes());
  }

  @Override
  public DenseMatrix sample(int count, long seed) {
    return ae.sample(count, seed);
  }

  /** For images the component means (at most 100) with their weights; the log-likelihood per round. */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    if (provenance().isImage()) {
      DenseMatrix m = means();
      double[] w = weights();
      int shown = Math.min(m.cols, 100);
      List<String> captions = new ArrayList<>();
      for (int j = 0; j < shown; j++) {
        captions.add(String.format(Locale.ROOT, "%d: %.3f", j, w[j]));
      }
      out.add(new Figure.ImageGrid("means.png", "Gaussian mixture: component means (component: weight)",
          Figure.columns(m, shown), provenance().imageHeight(), provenance().imageWidth(), Math.min(10, shown),
          Figure.Scale.PER_IMAGE_MINMAX, captions));
    }
    if (history.length > 0) {
      out.add(new Figure.LinePlot("log-likelihood.png", "Gaussian mixture: log-likelihood per round", "round",
          "log-likelihood per row (nats)", List.of(Figure.Series.ofRounds("log-likelihood", history)), false));
    }
    return out;
  }

  @Override
  protected List<StructField> extraOutputFields() {
    List<StructField> out = new ArrayList<>();
    if (!getPredictionCol().isEmpty()) {
      out.add(DataTypes.createStructField(getPredictionCol(), DataTypes.IntegerType, false));
    }
    if (!getProbabilityCol().isEmpty()) {
      out.add(DataTypes.createStructField(getProbabilityCol(), SQLDataTypes.VectorType(), false));
    }
    return out;
  }

  @Override
  protected void extraOutputValues(Autoencoder encoder, DenseMatrix x, DenseMatrix z, int n, Object[][] out) {
    boolean withPrediction = !getPredictionCol().isEmpty();
    boolean withProbability = !getProbabilityCol().isEmpty();
    int k = z.rows;
    for (int i = 0; i < n; i++) {
      int c = 0;
      if (withPrediction) {
        out[c++][i] = argmax(z.values, i * k, k);
      }
      if (withProbability) {
        out[c][i] = Vectors.dense(Arrays.copyOfRange(z.values, i * k, (i + 1) * k));
      }
    }
  }

  private static int argmax(double[] v, int offset, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (v[offset + j] > v[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  @Override
  protected ModelData data() {
    return history().saveTo(new ModelData())
        .set("covariance", covarianceType())
        .put("weights", ae.weights())
        .put("means", ae.means())
        .put("covariances", ae.covariances())
        .put("logLikelihood", logLikelihood)
        .put("componentSizes", componentSizes);
  }

  @Override
  public GaussianMixtureModel copy(ParamMap extra) {
    return copyParamsTo(new GaussianMixtureModel(uid(), ae, history, converged, logLikelihood, componentSizes,
        provenance()), extra);
  }

  public static MLReader<GaussianMixtureModel> read() {
    return StageReader.model(GaussianMixtureModel.class, (uid, data, prov) -> {
      CovarianceType type = data.enumValue("covariance", CovarianceType.class);
      DenseMatrix means = data.matrix("means");
      int d = means.rows;
      int k = means.cols;
      int[] shape = GmmAutoencoder.covarianceShape(type, d, k);
      GmmAutoencoder ae = new GmmAutoencoder(type, data.matrix("weights", k, 1).values, means,
          data.matrix("covariances", shape[0], shape[1]));
      FitHistory h = FitHistory.readFrom(data);
      return new GaussianMixtureModel(uid, ae, h.values(), h.converged(), data.scalar("logLikelihood"),
          data.matrix("componentSizes", k, 1).values, prov);
    });
  }

  public static GaussianMixtureModel load(String path) {
    return read().load(path);
  }
}
