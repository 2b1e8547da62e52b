package io.sparkae.linear.pca;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Figure;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted PCA: mean mu, orthonormal components W (d x k, columns by decreasing variance, each column's
 * largest-magnitude entry positive), component variances and the total variance of the training data. Encodes
 * z = W^T (x - mu) (whitened on request), decodes W z + mu. Immutable.
 */
public final class PCAModel extends AutoencoderModel<PCAModel> {
  private static final long serialVersionUID = 1L;

  private final PcaAutoencoder ae;
  private final double totalVariance;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public PCAModel() {
    this(Identifiable.randomUID("sparkae-pca-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public PCAModel(String uid) {
    this(uid, null, 0, Provenance.unknown(0));
  }

  public PCAModel(String uid, PcaAutoencoder ae, double totalVariance, Provenance provenance) {
    super(uid, provenance);
    this.ae = ae;
    this.totalVariance = totalVariance;
  }

  @Override
  public PcaAutoencoder autoencoder() {
    return ae;
  }

  public int k() {
    return ae.codeSize();
  }

  /** The mean mu (a copy). */
  public double[] mean() {
    return ae.mean();
  }

  /** The components W, d x k (a copy). */
  public DenseMatrix components() {
    return ae.components();
  }

  /** Variance of the data along each component: the top k eigenvalues of the covariance. */
  public double[] explainedVariance() {
    return ae.variances();
  }

  /** Each component's share of the total variance (what Spark MLlib's PCAModel calls explainedVariance). */
  public double[] explainedVarianceRatio() {
    double[] v = ae.variances();
    for (int i = 0; i < v.length; i++) {
      v[i] = totalVariance > 0 ? v[i] / totalVariance : 0;
    }
    return v;
  }

  /** Total variance of the training data (trace of the covariance). */
  public double totalVariance() {
    return totalVariance;
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    double[] ratio = explainedVarianceRatio();
    double cumulative = 0;
    for (double r : ratio) {
      cumulative += r;
    }
    out.put("explainedVarianceRatio", ratio);
    out.put("cumulativeExplainedVarianceRatio", cumulative);
    out.put("explainedVariance", explainedVariance());
    out.put("totalVariance", totalVariance);
  }

  /** The scree plot; for images also the mean and the leading components (at most 35) with their share. */
  @Override
  public List<Figure> figures() {
    double[] ratio = explainedVarianceRatio();
    List<Figure> out = new ArrayList<>();
    out.add(new Figure.Scree("scree.png", "PCA: explained variance ratio (k = " + k() + ")", ratio));
    Provenance p = provenance();
    if (p.isImage()) {
      DenseMatrix w = components();
      int shown = Math.min(w.cols, 35);
      List<double[]> images = new ArrayList<>();
      List<String> captions = new ArrayList<>();
      images.add(mean());
      captions.add("mean");
      for (int j = 0; j < shown; j++) {
        images.add(w.column(j));
        captions.add(String.format(Locale.ROOT, "%d: %.1f%%", j + 1, 100 * ratio[j]));
      }
      // Symmetric scaling per tile: components are signed (grey = 0); the nonnegative mean shows as light strokes.
      out.add(new Figure.ImageGrid("components.png", "PCA: mean and top " + shown + " components (grey = 0)", images,
          p.imageHeight(), p.imageWidth(), 6, Figure.Scale.PER_IMAGE_SYMMETRIC, captions));
    }
    return out;
  }

  @Override
  protected ModelData data() {
    return new ModelData()
        .put("mean", ae.mean())
        .put("components", ae.components())
        .put("variances", ae.variances())
        .put("totalVariance", totalVariance)
        .put("whiten", ae.whiten() ? 1.0 : 0.0);
  }

  @Override
  public PCAModel copy(ParamMap extra) {
    return copyParamsTo(new PCAModel(uid(), ae, totalVariance, provenance()), extra);
  }

  public static MLReader<PCAModel> read() {
    return StageReader.model(PCAModel.class, (uid, data, prov) -> {
      DenseMatrix w = data.matrix("components");
      int d = w.rows;
      int k = w.cols;
      PcaAutoencoder ae = new PcaAutoencoder(data.matrix("mean", d, 1).values, w,
          data.matrix("variances", k, 1).values, data.scalar("whiten") != 0);
      return new PCAModel(uid, ae, data.scalar("totalVariance"), prov);
    });
  }

  public static PCAModel load(String path) {
    return read().load(path);
  }
}
