package io.sparkae.linear.dictionary;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted sparse-coding model: the dictionary Phi (d x m, unit-norm atoms) and its code solver. Encodes x to the
 * sparse code z (a {@code SparseVector} in the output column), decodes Phi z; the loss is
 * {@code ||x - Phi z||_2^2 + lambda ||z||_1} (lasso) or the squared error (OMP, top-k). Keeps the objective per
 * round of the fit and the histogram of nonzeros per code in its last round. Immutable.
 */
public final class SparseCodingModel extends AutoencoderModel<SparseCodingModel> {
  private static final long serialVersionUID = 1L;

  private final DictionaryAutoencoder ae;
  private final double[] objectives;
  private final long[] nonzeroHistogram;
  private final int maxSweeps;
  private final double cdTol;

  public SparseCodingModel(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram, int maxSweeps,
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

  public int numAtoms() {
    return ae.codeSize();
  }

  /** Objective per row, {@code (1/n) sum_i ||x_i - Phi z_i||^2 + lambda ||z_i||_1}, per round of the fit. */
  public double[] objectiveHistory() {
    return objectives.clone();
  }

  /** histogram[k] = training rows whose code had k nonzeros, in the fit's last round. */
  public long[] nonzeroHistogram() {
    return nonzeroHistogram.clone();
  }

  @Override
  protected Vector codeVector(double[] z, int offset, int length) {
    return Vectors.dense(java.util.Arrays.copyOfRange(z, offset, offset + length)).toSparse();
  }

  @Override
  protected ModelData data() {
    return DictionaryData.write(ae.coder(), objectives, nonzeroHistogram, maxSweeps, cdTol);
  }

  @Override
  public SparseCodingModel copy(ParamMap extra) {
    return copyParamsTo(new SparseCodingModel(uid(), ae.coder(), objectives, nonzeroHistogram, maxSweeps, cdTol,
        provenance()), extra);
  }

  public static MLReader<SparseCodingModel> read() {
    return StageReader.model(SparseCodingModel.class, (uid, data, prov) -> new SparseCodingModel(uid,
        DictionaryData.coder(data), DictionaryData.objectives(data), DictionaryData.nonzeros(data),
        (int) data.scalar("maxSweeps"), data.scalar("cdTol"), prov));
  }

  public static SparseCodingModel load(String path) {
    return read().load(path);
  }
}
