package io.sparkae.linear.dictionary;

import io.sparkae.core.Provenance;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted sparse-coding model: the dictionary Phi (d x m, unit-norm atoms) and its code solver. Encodes x to the
 * sparse code z (a {@code SparseVector} in the output column), decodes Phi z; the loss is
 * {@code ||x - Phi z||_2^2 + lambda ||z||_1} (lasso) or the squared error (OMP, top-k). Its objective history is
 * {@code (1/n) sum_i ||x_i - Phi z_i||^2 + lambda ||z_i||_1} per round. Immutable.
 */
public final class SparseCodingModel extends DictionaryModel<SparseCodingModel> {
  private static final long serialVersionUID = 1L;

  public SparseCodingModel(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram, int maxSweeps,
      double cdTol, Provenance provenance) {
    super(uid, coder, objectives, nonzeroHistogram, maxSweeps, cdTol, provenance);
  }

  public int numAtoms() {
    return autoencoder().codeSize();
  }

  @Override
  protected Vector codeVector(double[] z, int offset, int length) {
    return Vectors.dense(java.util.Arrays.copyOfRange(z, offset, offset + length)).toSparse();
  }

  @Override
  public SparseCodingModel copy(ParamMap extra) {
    return copyParamsTo(rebuild(SparseCodingModel::new), extra);
  }

  public static MLReader<SparseCodingModel> read() {
    return reader(SparseCodingModel.class, SparseCodingModel::new);
  }

  public static SparseCodingModel load(String path) {
    return read().load(path);
  }
}
