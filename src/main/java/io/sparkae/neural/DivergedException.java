package io.sparkae.neural;

/**
 * Training stopped because the loss or the averaged parameters stopped being finite. Names the round and epoch and
 * keeps the parameters of the last good round.
 */
public final class DivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int round;
  private final transient float[] lastGood;

  public DivergedException(String message, int round, float[] lastGood) {
    super(message);
    this.round = round;
    this.lastGood = lastGood;
  }

  /** The round (from 1) whose loss was not finite. */
  public int round() {
    return round;
  }

  /** The parameters after the last round with a finite loss (the initial ones if round 1 failed); a copy. */
  public float[] lastGoodParameters() {
    return lastGood == null ? null : lastGood.clone();
  }
}
