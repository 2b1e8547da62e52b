package io.sparkae.core;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.param.ParamMap;

/**
 * An estimator that writes checkpoints to a folder and can resume from them. The checkpoint's format is the
 * family's; the CLI reaches it only through these methods.
 */
public interface CheckpointedFit {
  /** The checkpoint folder; empty for none. */
  String getCheckpointDir();

  /** Whether to resume from the checkpoint in {@link #getCheckpointDir()}. */
  boolean getResume();

  /** Passes over the data the fit makes. */
  int getEpochs();

  /** The estimator's parameters (for the checkpoint's fingerprint). */
  ParamMap extractParamMap();

  /** True if {@link #getCheckpointDir()} holds a checkpoint. */
  boolean hasCheckpoint(Configuration conf);

  /**
   * The round and rounds per epoch ({@code {round, roundsPerEpoch}}) of the checkpoint in
   * {@link #getCheckpointDir()}, or null when there is none; a corrupt checkpoint gives an IllegalArgumentException
   * naming it.
   */
  int[] checkpointProgress(Configuration conf);

  /** Deletes the checkpoint in {@link #getCheckpointDir()} if there is one. */
  void deleteCheckpoint(Configuration conf);
}
