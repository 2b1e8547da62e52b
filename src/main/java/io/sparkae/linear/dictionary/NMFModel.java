package io.sparkae.linear.dictionary;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted NMF: the nonnegative dictionary Phi (d x m, unit-norm atoms). Encodes x to the nonnegative
 * least-squares code {@code z = argmin_{z >= 0} ||x - Phi z||_2^2} (coordinate descent, i.e. HALS sweeps on the
 * code), decodes Phi z; the loss is the squared error. Keeps the objective per round of the fit. Immutable.
 */
public final class NMFModel extends AutoencoderModel<NMFModel> {
  private static final long serialVersionUID = 1L;

  private final DictionaryAutoencoder ae;
  private final double[] objectives;
  private final long[] nonzeroHistogram;
  private final int maxSweeps;
  private final double cdTol;

  public NMFModel(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram, int maxSweeps,
      double cdTol, Provenance provenance) {
    super(uid, provenance);
    this.ae = new DictionaryAutoencoder(coder);
    this.objectives = objectives.clone();
    this.nonzeroHistogram = nonzeroHistogram.clone();
    this.maxSweeps = maxSweeps;
    this.cdTol = cdTol;
  }

  @Override
  public DictionaryAutoencoder autoencoder() {
    return ae;
  }

  /** The dictionary Phi, d x m (a copy). */
  public DenseMatrix dictionary() {
    return ae.dictionary();
  }

  public int rank() {
    return ae.codeSize();
  }

  /** Objective per row, {@code (1/n) sum_i ||x_i - Phi z_i||_2^2}, per round of the fit. */
  public double[] objectiveHistory() {
    return objectives.clone();
  }

  /** histogram[k] = training rows whose code had k nonzeros, in the fit's last round. */
  public long[] nonzeroHistogram() {
    return nonzeroHistogram.clone();
  }

  @Override
  protected ModelData data() {
    return DictionaryData.write(ae.coder(), objectives, nonzeroHistogram, maxSweeps, cdTol);
  }

  @Override
  public NMFModel copy(ParamMap extra) {
    return copyParamsTo(new NMFModel(uid(), ae.coder(), objectives, nonzeroHistogram, maxSweeps, cdTol,
        provenance()), extra);
  }

  public static MLReader<NMFModel> read() {
    return StageReader.model(NMFModel.class, (uid, data, prov) -> new NMFModel(uid,
        DictionaryData.coder(data), DictionaryData.objectives(data), DictionaryData.nonzeros(data),
        (int) data.scalar("maxSweeps"), data.scalar("cdTol"), prov));
  }

  public static NMFModel load(String path) {
    return read().load(path);
  }
}
