package io.sparkae.evaluation;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * Held-out log-likelihood per row of a likelihood model, from the per-row loss column {@code lossCol} that the
 * model writes when asked (its own {@code lossCol}, or its estimator's for tuning). Over n rows with losses l_i:
 * <pre>
 *   logLikelihood     = -sum_i l_i / n     (larger is better; the default)
 *   negLogLikelihood  =  sum_i l_i / n     (smaller is better)
 * </pre>
 * Probabilistic PCA and the Gaussian mixture write the exact {@code l = -log p(x)} in nats, so logLikelihood is
 * the mean log-likelihood; the VAE and the topic model write {@code -ELBO(x)}, so it is the mean ELBO, a lower
 * bound. Unlike a reconstruction error, it chooses a model size: a rank or a number of components that only fits
 * the training noise lowers the held-out likelihood.
 */
public final class LogLikelihoodEvaluator extends LossEvaluator {
  private static final long serialVersionUID = 1L;

  private final Param<String> lossCol;

  public LogLikelihoodEvaluator() {
    this(Identifiable.randomUID("sparkae-logLikelihoodEval"));
  }

  public LogLikelihoodEvaluator(String uid) {
    super(uid, "logLikelihood (-mean loss, larger is better) or negLogLikelihood (mean loss)", "logLikelihood",
        "negLogLikelihood");
    lossCol = new Param<>(this, "lossCol", "column of the per-row loss -log p(x) or -ELBO(x) (default: loss)");
    setDefault(lossCol, "loss");
  }

  public Param<String> lossCol() { return lossCol; }
  public String getLossCol() { return getOrDefault(lossCol); }
  public LogLikelihoodEvaluator setLossCol(String v) { set(lossCol, v); return this; }
  public LogLikelihoodEvaluator setMetricName(String v) { set(metricName(), v); return this; }

  @Override
  public boolean isLargerBetter() {
    return getMetricName().equals("logLikelihood");
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    String loss = getLossCol();
    requireDouble(dataset.schema(), loss, "loss");
    double[] s = sums(dataset, 2, (row, acc) -> acc[1] += loss(row, 0, loss), "the log-likelihood", loss);
    double mean = s[1] / s[0];
    return isLargerBetter() ? -mean : mean;
  }

  public static MLReader<LogLikelihoodEvaluator> read() { return reader(); }
  public static LogLikelihoodEvaluator load(String path) { return read().load(path); }
}
