package io.sparkae.evaluation;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reconstruction error of a sparkae model's output, smaller is better. With rows x_i (in {@code inputCol}, d
 * features) and reconstructions x^_i = g(f(x_i)) (in {@code reconstructionCol}) over n rows:
 * <pre>
 *   mse       = sum_i ||x_i - x^_i||_2^2 / (n d)     (per entry; the default)
 *   rmse      = sqrt(mse)
 *   rowError  = sum_i ||x_i - x^_i||_2^2 / n         (per row: sparkae's squared-error loss, evaluate().meanLoss)
 *   meanLoss  = sum_i l_i / n                        (the model's per-row loss column {@code lossCol}, any loss)
 * </pre>
 * The model writes the columns when its (or its estimator's, for tuning) {@code reconstructionCol} or
 * {@code lossCol} is set. A reconstruction error alone keeps falling as the code grows (PCA, PPCA: with k), so it
 * does not choose a model size; {@link LogLikelihoodEvaluator} does.
 */
public final class ReconstructionErrorEvaluator extends LossEvaluator {
  private static final long serialVersionUID = 1L;

  private final Param<String> inputCol;
  private final Param<String> reconstructionCol;
  private final Param<String> lossCol;

  public ReconstructionErrorEvaluator() {
    this(Identifiable.randomUID("sparkae-reconstructionEval"));
  }

  public ReconstructionErrorEvaluator(String uid) {
    super(uid, "mse (per entry), rmse, rowError (per row) or meanLoss (mean of lossCol)", "mse", "rmse", "rowError",
        "meanLoss");
    inputCol = new Param<>(this, "inputCol", "column of the input vectors x (default: features)");
    reconstructionCol = new Param<>(this, "reconstructionCol",
        "column of the reconstructions g(f(x)), for mse, rmse and rowError (default: reconstruction)");
    lossCol = new Param<>(this, "lossCol", "column of the per-row loss, for meanLoss (default: loss)");
    setDefault(inputCol, "features");
    setDefault(reconstructionCol, "reconstruction");
    setDefault(lossCol, "loss");
  }

  public Param<String> inputCol() { return inputCol; }
  public Param<String> reconstructionCol() { return reconstructionCol; }
  public Param<String> lossCol() { return lossCol; }
  public String getInputCol() { return getOrDefault(inputCol); }
  public String getReconstructionCol() { return getOrDefault(reconstructionCol); }
  public String getLossCol() { return getOrDefault(lossCol); }
  public ReconstructionErrorEvaluator setInputCol(String v) { set(inputCol, v); return this; }
  public ReconstructionErrorEvaluator setReconstructionCol(String v) { set(reconstructionCol, v); return this; }
  public ReconstructionErrorEvaluator setLossCol(String v) { set(lossCol, v); return this; }
  public ReconstructionErrorEvaluator setMetricName(String v) { set(metricName(), v); return this; }

  @Override
  public boolean isLargerBetter() {
    return false;
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    String metric = getMetricName();
    if (metric.equals("meanLoss")) {
      String loss = getLossCol();
      requireDouble(dataset.schema(), loss, "loss");
      double[] s = sums(dataset, 2, (row, acc) -> acc[1] += loss(row, 0, loss), "the mean loss", loss);
      return s[1] / s[0];
    }
    String in = getInputCol();
    String rec = getReconstructionCol();
    requireVector(dataset.schema(), in, "input");
    requireVector(dataset.schema(), rec, "reconstruction");
    double[] s = sums(dataset, 3, (row, acc) -> {
      Vector x = vector(row, 0, in, "input");
      Vector xhat = vector(row, 1, rec, "reconstruction");
      if (x.size() != xhat.size()) {
        throw new IllegalArgumentException("reconstruction column '" + rec + "' holds a vector of size "
            + xhat.size() + " for an input of size " + x.size() + " in column '" + in + "'");
      }
      acc[1] += squaredDistance(x, xhat);
      acc[2] += x.size();
    }, "the reconstruction error", in, rec);
    double mse = s[1] / s[2];
    return metric.equals("mse") ? mse : metric.equals("rmse") ? Math.sqrt(mse) : s[1] / s[0];
  }

  private static Vector vector(Row row, int field, String column, String role) {
    if (row.isNullAt(field)) {
      throw new IllegalArgumentException(role + " column '" + column + "' holds a null");
    }
    return (Vector) row.get(field);
  }

  /** {@code ||x - y||_2^2}, over the arrays when both are dense. */
  private static double squaredDistance(Vector x, Vector y) {
    double s = 0;
    if (x instanceof DenseVector a && y instanceof DenseVector b) {
      double[] u = a.values();
      double[] v = b.values();
      for (int i = 0; i < u.length; i++) {
        double e = u[i] - v[i];
        s += e * e;
      }
      return s;
    }
    for (int i = 0; i < x.size(); i++) {
      double e = x.apply(i) - y.apply(i);
      s += e * e;
    }
    return s;
  }

  public static MLReader<ReconstructionErrorEvaluator> read() { return reader(); }
  public static ReconstructionErrorEvaluator load(String path) { return read().load(path); }
}
