package io.sparkae.linear.dictionary.ica;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Figure;
import io.sparkae.core.FitHistory;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.pca.PcaAutoencoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted ICA: the whitening PCA and the orthogonal unmixing W (see {@link IcaAutoencoder}). Keeps the
 * convergence measure {@code max_i (1 - |w_i(t)^T w_i(t-1)|)} per round. Immutable.
 */
public final class ICAModel extends AutoencoderModel<ICAModel> {
  private static final long serialVersionUID = 1L;

  private final IcaAutoencoder ae;
  private final double[] changes;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public ICAModel() {
    this(Identifiable.randomUID("sparkae-ica-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public ICAModel(String uid) {
    this(uid, null, new double[0], Provenance.unknown(0));
  }

  public ICAModel(String uid, IcaAutoencoder ae, double[] changes, Provenance provenance) {
    super(uid, provenance);
    this.ae = ae;
    this.changes = changes.clone();
  }

  @Override
  public IcaAutoencoder autoencoder() {
    return ae;
  }

  /** The unmixing in data space (k x d): z = unmixing() (x - mean()). */
  public DenseMatrix unmixing() {
    return ae.unmixingOfData();
  }

  public double[] mean() {
    return ae.whitening().mean();
  }

  /** Per round, {@code max_i (1 - |w_i^T w_i(previous)|)}. */
  @Override
  public FitHistory history() {
    return FitHistory.of("max_i (1 - |w_i . w_i,old|)", "change", changes, null);
  }

  /** The unmixing filters as images when rows are images, then the change per round (log scale). */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    if (provenance().isImage()) {
      DenseMatrix filters = unmixing().transpose();
      int shown = Math.min(filters.cols, 256);
      out.add(new Figure.ImageGrid("filters.png", "ICA: unmixing filters (" + shown + " of " + filters.cols + ")",
          Figure.columns(filters, shown), provenance().imageHeight(), provenance().imageWidth(),
          (int) Math.ceil(Math.sqrt(shown)), Figure.Scale.PER_IMAGE_SYMMETRIC, null));
    }
    double[] y = new double[changes.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(changes[i], 1e-16);
    }
    out.add(new Figure.LinePlot("convergence.png", "FastICA: max_i (1 - |w_i . w_i,old|) per round", "round",
        "change", List.of(Figure.Series.ofRounds("change", y)), true));
    return out;
  }

  @Override
  protected ModelData data() {
    PcaAutoencoder p = ae.whitening();
    return history().saveTo(new ModelData())
        .put("mean", p.mean())
        .put("components", p.components())
        .put("variances", p.variances())
        .put("w", ae.unmixing());
  }

  @Override
  public ICAModel copy(ParamMap extra) {
    return copyParamsTo(new ICAModel(uid(), ae, changes, provenance()), extra);
  }

  public static MLReader<ICAModel> read() {
    return StageReader.model(ICAModel.class, (uid, data, prov) -> {
      DenseMatrix u = data.matrix("components");
      int d = u.rows;
      int k = u.cols;
      PcaAutoencoder p = new PcaAutoencoder(data.matrix("mean", d, 1).values, u,
          data.matrix("variances", k, 1).values, true);
      // Saved before histories had one name (format 1, early format 2): the arrays "changes" and "rounds".
      FitHistory h = FitHistory.readFrom(data);
      double[] ch = h != null ? h.values() : Arrays.copyOf(data.vector("changes"), (int) data.scalar("rounds"));
      return new ICAModel(uid, new IcaAutoencoder(p, data.matrix("w", k, k)), ch, prov);
    });
  }

  public static ICAModel load(String path) {
    return read().load(path);
  }
}
