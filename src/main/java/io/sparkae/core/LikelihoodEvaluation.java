package io.sparkae.core;

import java.util.Map;
import org.apache.spark.sql.Dataset;

/** A probabilistic model, evaluated on held-out data by its -ELBO and the ELBO's terms in one pass. */
public interface LikelihoodEvaluation extends EvaluationExtras {
  /** Rows, mean loss (the -ELBO), the loss's name and the -ELBO's terms on {@code data}. */
  Map<String, Object> heldOutMetrics(Dataset<?> data);
}
