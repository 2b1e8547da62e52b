package io.sparkae.evaluation;

import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * Held-out perplexity of a topic model, smaller is better. With documents' word counts x_d (in {@code inputCol})
 * and per-document losses l_d = -ELBO(x_d) (in {@code lossCol}, which the model writes when asked):
 * <pre>
 *   perplexity     = exp(sum_d l_d / sum_d sum_w x_dw)
 *   logPerplexity  =     sum_d l_d / sum_d sum_w x_dw     (nats per word)
 * </pre>
 * As -ELBO bounds -log p(x) from above, this is an upper bound on the perplexity (Srivastava and Sutton 2017).
 */
public final class PerplexityEvaluator extends LossEvaluator {
  private static final long serialVersionUID = 1L;

  private final Param<String> inputCol;
  private final Param<String> lossCol;

  public PerplexityEvaluator() {
    this(Identifiable.randomUID("sparkae-perplexityEval"));
  }

  public PerplexityEvaluator(String uid) {
    super(uid, "perplexity or logPerplexity (nats per word)", "perplexity", "logPerplexity");
    inputCol = new Param<>(this, "inputCol", "column of the documents' word counts (default: features)");
    lossCol = new Param<>(this, "lossCol", "column of the per-document loss -ELBO(x) (default: loss)");
    setDefault(inputCol, "features");
    setDefault(lossCol, "loss");
  }

  public Param<String> inputCol() { return inputCol; }
  public Param<String> lossCol() { return lossCol; }
  public String getInputCol() { return getOrDefault(inputCol); }
  public String getLossCol() { return getOrDefault(lossCol); }
  public PerplexityEvaluator setInputCol(String v) { set(inputCol, v); return this; }
  public PerplexityEvaluator setLossCol(String v) { set(lossCol, v); return this; }
  public PerplexityEvaluator setMetricName(String v) { set(metricName(), v); return this; }

  @Override
  public boolean isLargerBetter() {
    return false;
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    String in = getInputCol();
    String loss = getLossCol();
    requireVector(dataset.schema(), in, "input");
    requireDouble(dataset.schema(), loss, "loss");
    double[] s = sums(dataset, 3, (row, acc) -> {
      if (row.isNullAt(0)) {
        throw new IllegalArgumentException("input column '" + in + "' holds a null");
      }
      Vector x = (Vector) row.get(0);
      double words = 0;
      for (double c : x instanceof SparseVector sv ? sv.values() : x.toArray()) {
        if (!(c >= 0)) {
          throw new IllegalArgumentException("input column '" + in + "' holds a count of " + c
              + "; perplexity needs nonnegative word counts");
        }
        words += c;
      }
      acc[1] += loss(row, 1, loss);
      acc[2] += words;
    }, "the perplexity", in, loss);
    if (!(s[2] > 0)) {
      throw new IllegalArgumentException("input column '" + in + "' holds no words (the counts sum to " + s[2]
          + "); perplexity is per word");
    }
    double perWord = s[1] / s[2];
    return getMetricName().equals("perplexity") ? Math.exp(perWord) : perWord;
  }

  public static MLReader<PerplexityEvaluator> read() { return reader(); }
  public static PerplexityEvaluator load(String path) { return read().load(path); }
}
