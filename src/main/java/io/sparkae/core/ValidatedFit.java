package io.sparkae.core;

import org.apache.spark.sql.Dataset;

/** An estimator that evaluates held-out rows during the fit (after every epoch). */
public interface ValidatedFit {
  ValidatedFit setValidationData(Dataset<?> validation);
}
