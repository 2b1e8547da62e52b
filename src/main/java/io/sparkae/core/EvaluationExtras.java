package io.sparkae.core;

import java.util.Map;
import org.apache.spark.sql.Dataset;

/** A model with numbers to report on data beyond the mean loss and the explained variance. */
public interface EvaluationExtras {
  /**
   * The extra numbers on {@code data}, by metrics key: k-means' inertia and silhouette, a probabilistic model's
   * -ELBO terms and, with {@code importanceSamples} K &gt; 0, its importance-weighted log-likelihood.
   */
  Map<String, Object> evaluationExtras(Dataset<?> data, int importanceSamples);
}
