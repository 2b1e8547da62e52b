package io.sparkae.core;

import org.apache.spark.ml.param.Params;

/** Saves an unfitted estimator: its metadata and params only, so that it can sit in a saved Pipeline. */
final class ParamsWriter extends StageWriter {
  ParamsWriter(Params stage) {
    super(stage, null, null);
  }
}
