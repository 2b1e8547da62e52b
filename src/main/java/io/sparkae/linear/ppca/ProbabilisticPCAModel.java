package io.sparkae.linear.ppca;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Figure;
import io.sparkae.core.FitHistory;
import io.sparkae.core.LikelihoodEvaluation;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.Sampling;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A fitted probabilistic PCA (see {@link PpcaAutoencoder}): mean mu, loadings W (d x k, orthogonal columns by
 * decreasing norm), noise variance s2. Encodes the posterior mean {@code M^-1 W^T (x - mu)}, decodes
 * {@code W z + mu}, and its per-row loss is the exact {@code -log p(x)} in nats. Keeps the training log-likelihood
 * per row and, for an EM fit, its value per round. Immutable.
 */
public final class ProbabilisticPCAModel extends AutoencoderModel<ProbabilisticPCAModel>
    implements Sampling, LikelihoodEvaluation {
  private static final long serialVersionUID = 1L;

  private final PpcaAutoencoder ae;
  private final double logLikelihood;
  private final double[] history;
  private final Boolean converged;

  /**
   * @param logLikelihood the training log-likelihood per row (of the observed entries for an EM fit)
   * @param history the log-likelihood per row per EM round; empty for the closed form
   * @param converged whether EM met its tolerance; null for the closed form
   */
  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public ProbabilisticPCAModel() {
    this(Identifiable.randomUID("sparkae-ppca-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public ProbabilisticPCAModel(String uid) {
    this(uid, null, Double.NaN, new double[0], null, Provenance.unknown(0));
  }

  public ProbabilisticPCAModel(String uid, PpcaAutoencoder ae, double logLikelihood, double[] history,
      Boolean converged, Provenance provenance) {
    super(uid, provenance);
    this.ae = ae;
    this.logLikelihood = logLikelihood;
    this.history = history.clone();
    this.converged = converged;
  }

  @Override
  public PpcaAutoencoder autoencoder() {
    return ae;
  }

  public int k() {
    return ae.codeSize();
  }

  public double[] mean() {
    return ae.mean();
  }

  /** W (d x k), a copy. */
  public DenseMatrix loadings() {
    return ae.loadings();
  }

  public double noiseVariance() {
    return ae.noiseVariance();
  }

  /** The training log-likelihood per row, in nats. */
  public double logLikelihoodPerRow() {
    return logLikelihood;
  }

  /** Free parameters: d (mu) + d k - k (k - 1) / 2 (W up to rotation) + 1 (s2). */
  public long parameters() {
    long d = ae.inputSize();
    long k = ae.codeSize();
    return d + d * k - k * (k - 1) / 2 + 1;
  }

  /** Schwarz's criterion on the training data: {@code -2 log L + parameters log n}. */
  public double bic() {
    long n = provenance().rows();
    return -2 * logLikelihood * n + parameters() * Math.log(n);
  }

  /** The model's covariance along each column of W: {@code ||w_j||^2 + s2}. */
  public double[] variances() {
    DenseMatrix w = ae.loadings();
    double[] v = new double[w.cols];
    for (int j = 0; j < w.cols; j++) {
      double s = 0;
      for (int i = 0; i < w.rows; i++) {
        s += w.get(i, j) * w.get(i, j);
      }
      v[j] = s + ae.noiseVariance();
    }
    return v;
  }

  @Override
  public FitHistory history() {
    if (history.length == 0) {
      return FitHistory.NONE;
    }
    return FitHistory.of("log-likelihood per row of the observed entries (EM, maximised)", "nats", history,
        converged);
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    out.put("logLikelihoodPerRow", logLikelihood);
    out.put("noiseVariance", ae.noiseVariance());
    out.put("parameters", parameters());
    out.put("bic", bic());
    out.put("fit", history.length == 0 ? "closed form" : "EM (missing entries)");
    out.put("variances", variances());
  }

  @Override
  public DenseMatrix sample(int count, long seed) {
    return ae.sample(count, seed);
  }

  /** The log-likelihood per row and the BIC of the model on {@code data}. */
  @Override
  public Map<String, Object> evaluationExtras(Dataset<?> data, int importanceSamples) {
    Evaluation e = evaluate(data);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("logLikelihoodPerRow", -e.meanLoss());
    out.put("bic", 2 * e.meanLoss() * e.rows() + parameters() * Math.log(e.rows()));
    return out;
  }

  @Override
  public Map<String, Object> heldOutMetrics(Dataset<?> data) {
    Evaluation e = evaluate(data);
    Map<String, Object> out = e.toMap();
    out.put("logLikelihoodPerRow", -e.meanLoss());
    return out;
  }

  /**
   * The variance along each column of W as a share of the model's total variance ({@code trace C}); for images the
   * mean and the principal directions (at most 35); for EM the log-likelihood per round.
   */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    double[] v = variances();
    double total = ae.inputSize() * ae.noiseVariance();
    for (double x : v) {
      total += x - ae.noiseVariance();
    }
    double[] ratio = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      ratio[j] = v[j] / total;
    }
    out.add(new Figure.Scree("scree.png", "Probabilistic PCA: variance along W's columns / trace C (k = " + k()
        + ", s2 = " + String.format(Locale.ROOT, "%.3g", ae.noiseVariance()) + ")", ratio));
    Provenance p = provenance();
    if (p.isImage()) {
      DenseMatrix w = ae.loadings();
      int shown = Math.min(w.cols, 35);
      List<double[]> images = new ArrayList<>();
      List<String> captions = new ArrayList<>();
      images.add(mean());
      captions.add("mean");
      for (int j = 0; j < shown; j++) {
        images.add(w.column(j));
        captions.add(String.format(Locale.ROOT, "%d: %.1f%%", j + 1, 100 * ratio[j]));
      }
      out.add(new Figure.ImageGrid("components.png", "Probabilistic PCA: mean and principal directions (grey = 0)",
          images, p.imageHeight(), p.imageWidth(), 6, Figure.Scale.PER_IMAGE_SYMMETRIC, captions));
    }
    if (history.length > 0) {
      out.add(new Figure.LinePlot("loglikelihood.png", "Probabilistic PCA EM: log-likelihood per row (observed)",
          "round", "log-likelihood per row (nats)", List.of(Figure.Series.ofRounds("log-likelihood", history)),
          false));
    }
    return out;
  }

  @Override
  protected ModelData data() {
    return history().saveTo(new ModelData())
        .put("mean", ae.mean())
        .put("loadings", ae.loadings())
        .put("noiseVariance", ae.noiseVariance())
        .put("logLikelihood", logLikelihood);
  }

  @Override
  public ProbabilisticPCAModel copy(ParamMap extra) {
    return copyParamsTo(new ProbabilisticPCAModel(uid(), ae, logLikelihood, history, converged, provenance()),
        extra);
  }

  public static MLReader<ProbabilisticPCAModel> read() {
    return StageReader.model(ProbabilisticPCAModel.class, (uid, data, prov) -> {
      DenseMatrix w = data.matrix("loadings");
      FitHistory h = FitHistory.readFrom(data);
      double[] values = h == null ? new double[0] : h.values();
      // An EM history means the fit had missing=true (the closed form keeps none): the model reads NaN as missing.
      PpcaAutoencoder ae = new PpcaAutoencoder(data.matrix("mean", w.rows, 1).values, w, data.scalar("noiseVariance"),
          values.length > 0);
      return new ProbabilisticPCAModel(uid, ae, data.scalar("logLikelihood"), values, h == null ? null : h.converged(),
          prov);
    });
  }

  public static ProbabilisticPCAModel load(String path) {
    return read().load(path);
  }
}
