package io.sparkae.linear.dictionary;

import io.sparkae.core.Figure;
import io.sparkae.core.Provenance;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted NMF: the nonnegative dictionary Phi (d x m, unit-norm atoms). Encodes x to the nonnegative
 * least-squares code {@code z = argmin_{z >= 0} ||x - Phi z||_2^2} (coordinate descent, i.e. HALS sweeps on the
 * code), decodes Phi z; the loss is the squared error. Its objective history is
 * {@code (1/n) sum_i ||x_i - Phi z_i||_2^2} per round. Immutable.
 */
public final class NMFModel extends DictionaryModel<NMFModel> {
  private static final long serialVersionUID = 1L;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public NMFModel() {
    this(Identifiable.randomUID("sparkae-nmf-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public NMFModel(String uid) {
    this(uid, null, new double[0], new long[0], 0, 0, Provenance.unknown(0));
  }

  public NMFModel(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram, int maxSweeps,
      double cdTol, Provenance provenance) {
    super(uid, coder, objectives, nonzeroHistogram, maxSweeps, cdTol, provenance, "NMF", "squared error per row",
        Figure.Scale.PER_IMAGE_MINMAX);
  }

  public int rank() {
    return autoencoder().codeSize();
  }

  @Override
  public NMFModel copy(ParamMap extra) {
    return copyParamsTo(rebuild(NMFModel::new), extra);
  }

  public static MLReader<NMFModel> read() {
    return reader(NMFModel.class, NMFModel::new);
  }

  public static NMFModel load(String path) {
    return read().load(path);
  }
}
