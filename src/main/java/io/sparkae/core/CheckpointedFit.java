package io.sparkae.core;

import org.apache.spark.ml.param.ParamMap;

/** An estimator that writes checkpoints to a folder and can resume from them. */
public interface CheckpointedFit {
  /** The checkpoint folder; empty for none. */
  String getCheckpointDir();

  /** Whether to resume from the checkpoint in {@link #getCheckpointDir()}. */
  boolean getResume();

  /** Passes over the data the fit makes. */
  int getEpochs();

  /** The estimator's parameters (for the checkpoint's fingerprint). */
  ParamMap extractParamMap();
}
