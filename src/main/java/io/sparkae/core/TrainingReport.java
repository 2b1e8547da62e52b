package io.sparkae.core;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A model that reports on its training data after the fit (a topic model's coherence and top words). */
public interface TrainingReport {
  /** Numbers for metrics.json and text files (by name) for the output folder. */
  record Report(Map<String, Object> metrics, Map<String, String> files) {}

  Report trainingReport(Dataset<Row> training);
}
