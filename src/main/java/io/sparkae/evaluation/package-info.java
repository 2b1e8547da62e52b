/**
 * Spark ML {@code Evaluator}s for sparkae models, for {@code CrossValidator} and {@code TrainValidationSplit}:
 * {@link io.sparkae.evaluation.ReconstructionErrorEvaluator} (mean squared error, or the mean per-row loss),
 * {@link io.sparkae.evaluation.LogLikelihoodEvaluator} (held-out log-likelihood or ELBO per row, from the loss
 * column of PPCA, the Gaussian mixture, the VAE and the topic model) and
 * {@link io.sparkae.evaluation.PerplexityEvaluator} (the topic model's perplexity bound). They read the columns a
 * model writes when its estimator's {@code reconstructionCol} / {@code lossCol} are set. For k-means and the
 * Gaussian mixture, MLlib's {@code ClusteringEvaluator} (silhouette) reads sparkae's {@code features} and integer
 * {@code prediction} columns as they are. May use core, data, linalg (LayeringTest).
 */
package io.sparkae.evaluation;
