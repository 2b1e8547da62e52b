package io.sparkae.linear.dictionary;

import io.sparkae.core.Figure;
import io.sparkae.core.Provenance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted sparse-coding model: the dictionary Phi (d x m, unit-norm atoms) and its code solver. Encodes x to the
 * sparse code z (a {@code SparseVector} in the output column), decodes Phi z; the loss is
 * {@code ||x - Phi z||_2^2 + lambda ||z||_1} (lasso) or the squared error (OMP, top-k). Its objective history is
 * {@code (1/n) sum_i ||x_i - Phi z_i||^2 + lambda ||z_i||_1} per round. Immutable.
 */
public final class SparseCodingModel extends DictionaryModel<SparseCodingModel> {
  private static final long serialVersionUID = 1L;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public SparseCodingModel() {
    this(Identifiable.randomUID("sparkae-sparse-coding-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public SparseCodingModel(String uid) {
    this(uid, null, new double[0], new long[0], 0, 0, Provenance.unknown(0));
  }

  public SparseCodingModel(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram, int maxSweeps,
      double cdTol, Provenance provenance) {
    super(uid, coder, objectives, nonzeroHistogram, maxSweeps, cdTol, provenance, "sparse coding",
        "objective per row", Figure.Scale.PER_IMAGE_SYMMETRIC);
  }

  public int numAtoms() {
    return autoencoder().codeSize();
  }

  @Override
  protected Vector codeVector(double[] z, int offset, int length) {
    return Vectors.dense(Arrays.copyOfRange(z, offset, offset + length)).toSparse();
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    long[] counts = nonzeroHistogram();
    double s = 0;
    long n = 0;
    for (int k = 0; k < counts.length; k++) {
      s += (double) k * counts[k];
      n += counts[k];
    }
    out.put("meanNonzeros", n == 0 ? Double.NaN : s / n);
  }

  /** The atoms and the objective, then the histogram of nonzeros per code in the last round. */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>(super.figures());
    out.add(new Figure.Histogram("nonzeros.png", "sparse coding: nonzeros per code (last round)", "nonzeros",
        expand(nonzeroHistogram()), 0));
    return out;
  }

  /** The histogram's counts as observations, scaled down proportionally beyond 200,000 rows. */
  static double[] expand(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double f = total > 200_000 ? 200_000.0 / total : 1.0;
    List<Integer> values = new ArrayList<>();
    for (int k = 0; k < counts.length; k++) {
      long c = Math.round(counts[k] * f);
      for (long i = 0; i < c; i++) {
        values.add(k);
      }
    }
    if (values.isEmpty()) {
      values.add(0);
    }
    return values.stream().mapToDouble(Integer::doubleValue).toArray();
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
