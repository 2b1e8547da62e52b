package io.sparkae.neural;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.FitHistory;
import io.sparkae.core.ModelData;
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

  /** What the training objective is ("squared error per example", "-ELBO per row"). */
  protected abstract String objectiveName();

  /** The objective's unit. */
  protected abstract String objectiveUnit();

  /**
   * The mean training objective of each round, the rounds per epoch and the validation loss after each epoch
   * (empty without validation data); SGD runs a fixed number of epochs, so there is no convergence flag.
   */
  @Override
  public FitHistory history() {
    return new FitHistory(objectiveName(), objectiveUnit(), trainLoss, roundsPerEpoch, null, validationLoss);
  }

  /** @deprecated use {@code history().values()} */
  @Deprecated
  public double[] trainLoss() {
    return trainLoss.clone();
  }

  /** @deprecated use {@code history().validation()} */
  @Deprecated
  public double[] validationLoss() {
    return validationLoss.clone();
  }

  /** @deprecated use {@code history().roundsPerEpoch()} */
  @Deprecated
  public int roundsPerEpoch() {
    return roundsPerEpoch;
  }

  /** The x axis of a loss curve: round i at {@code (i + 1) * scale / roundsPerEpoch}, epoch e at {@code e * scale}. */
  protected static double[][] axes(FitHistory h, double scale) {
    int rpe = Math.max(1, h.roundsPerEpoch());
    double[] x = new double[h.rounds()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i + 1) * scale / rpe;
    }
    double[] e = new double[h.validation().length];
    for (int i = 0; i < e.length; i++) {
      e[i] = (i + 1) * scale;
    }
    return new double[][] {x, e};
  }

  /** A few training rows (d x m, m may be 0), for showing inputs beside their reconstructions (a copy). */
  public DenseMatrix sampleInputs() {
    return sampleInputs.copy();
  }

  /** The saved form of the loss curves and sample rows, for a family's {@code data()}. */
  protected ModelData curves(ModelData data) {
    return history().saveTo(data).put("sampleInputs", sampleInputs);
  }

  /**
   * The saved history (see {@link FitHistory#saveTo}); for a model saved before histories had one name (format 1,
   * early format 2), the arrays "trainLoss", "validationLoss" and "roundsPerEpoch".
   */
  protected static FitHistory savedHistory(ModelData data) {
    FitHistory h = FitHistory.readFrom(data);
    return h != null ? h : new FitHistory("", "", data.vector("trainLoss"), (int) data.scalar("roundsPerEpoch"), null,
        data.vector("validationLoss"));
  }
}
