package io.sparkae.core;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;

/**
 * Base of the estimators that fit by rounds until convergence (k-means, sparse coding, NMF, ICA): maxIter, the
 * largest number of rounds, and tol, the convergence tolerance each family reads its own way. Estimators trained
 * by epochs (the neural ones) and closed-form ones (PCA) do not have them.
 *
 * @param <M> the model the fit returns
 * @param <E> the concrete estimator (for fluent setters)
 */
public abstract class IterativeEstimator<M extends AutoencoderModel<M>, E extends IterativeEstimator<M, E>>
    extends AutoencoderEstimator<M, E> {
  private static final long serialVersionUID = 1L;

  private final IntParam maxIter;
  private final DoubleParam tol;

  protected IterativeEstimator(String uid) {
    super(uid);
    maxIter = SharedParams.maxIter(this);
    tol = SharedParams.tol(this);
    setDefault(maxIter, 20);
    setDefault(tol, 1e-6);
  }

  public IntParam maxIter() { return maxIter; }
  public DoubleParam tol() { return tol; }
  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public E setMaxIter(int v) { return with(maxIter, v); }
  public E setTol(double v) { return with(tol, v); }
}
