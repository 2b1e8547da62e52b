package io.sparkae.neural;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;

/**
 * Base of the models an {@link SgdEstimator} fits: their loss curves (the training objective per round, the mean
 * over the round's minibatches; the validation loss per epoch when validation data was set), the rounds per epoch
 * that place rounds on the epoch axis, and a few training rows kept for the report's reconstruction figure.
 * Immutable: arrays are copied in and out.
 *
 * @param <M> the concrete model
 */
public abstract class TrainedModel<M extends TrainedModel<M>> extends AutoencoderModel<M> {
  private static final long serialVersionUID = 1L;

  private final double[] trainLoss;
  private final double[] validationLoss;
  private final int roundsPerEpoch;
  private final DenseMatrix sampleInputs;

  protected TrainedModel(String uid, double[] trainLoss, double[] validationLoss, int roundsPerEpoch,
      DenseMatrix sampleInputs, Provenance provenance) {
    super(uid, provenance);
    this.trainLoss = trainLoss.clone();
    this.validationLoss = validationLoss.clone();
    this.roundsPerEpoch = roundsPerEpoch;
    this.sampleInputs = sampleInputs.copy();
  }

  /** Mean training objective of each round (a copy). */
  public double[] trainLoss() {
    return trainLoss.clone();
  }

  /** Mean validation loss after each epoch (a copy; empty without validation data). */
  public double[] validationLoss() {
    return validationLoss.clone();
  }

  public int roundsPerEpoch() {
    return roundsPerEpoch;
  }

  /** A few training rows (d x m, m may be 0), for showing inputs beside their reconstructions (a copy). */
  public DenseMatrix sampleInputs() {
    return sampleInputs.copy();
  }

  /** The saved form of the loss curves and sample rows, for a family's {@code data()}. */
  protected io.sparkae.core.ModelData curves(io.sparkae.core.ModelData data) {
    return data.put("trainLoss", trainLoss)
        .put("validationLoss", validationLoss)
        .put("roundsPerEpoch", roundsPerEpoch)
        .put("sampleInputs", sampleInputs);
  }
}
