package io.sparkae.neural;

import java.io.Serializable;

/**
 * How a network is trained: minibatch size B, averaging frequency H (local steps between parameter averages), the
 * optimizer and learning rate with step decay {@code lr_e = lr * decay^floor(e / decayEvery)} for epoch e (from 0),
 * L2 weight decay, input corruption for denoising autoencoders (Vincent et al. 2008: masking noise that zeroes each
 * input with probability {@code inputDropout}, or additive Gaussian noise of std {@code inputNoise}), the seed, and
 * the driver's block momentum.
 * Immutable plain class (broadcast through Kryo).
 */
public final class TrainingConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int batchSize;
  public final int averagingFrequency;
  public final Optimizer optimizer;
  public final float learningRate;
  public final float learningRateDecay;
  public final int decayEvery;
  public final float weightDecay;
  public final float inputDropout;
  public final float inputNoise;
  public final long seed;
  /** Block momentum eta of the driver's update (Chen and Huo 2016); 0 for plain averaging. */
  public final float blockMomentum;
  /** Whether rounds start from the Nesterov look-ahead theta + eta Delta (with block momentum). */
  public final boolean blockNesterov;

  public TrainingConfig(int batchSize, int averagingFrequency, Optimizer optimizer, double learningRate,
      double learningRateDecay, int decayEvery, double weightDecay, double inputDropout, double inputNoise,
      long seed) {
    this(batchSize, averagingFrequency, optimizer, learningRate, learningRateDecay, decayEvery, weightDecay,
        inputDropout, inputNoise, seed, 0, true);
  }

  private TrainingConfig(int batchSize, int averagingFrequency, Optimizer optimizer, double learningRate,
      double learningRateDecay, int decayEvery, double weightDecay, double inputDropout, double inputNoise,
      long seed, double blockMomentum, boolean blockNesterov) {
    require(blockMomentum >= 0 && blockMomentum < 1, "blockMomentum = " + blockMomentum + " must lie in [0, 1)");
    require(batchSize >= 1, "batchSize = " + batchSize + " must be >= 1");
    require(averagingFrequency >= 1, "averagingFrequency = " + averagingFrequency + " must be >= 1");
    require(learningRate > 0 && !Double.isInfinite(learningRate), "learningRate = " + learningRate + " must be > 0");
    require(learningRateDecay > 0 && learningRateDecay <= 1, "learningRateDecay = " + learningRateDecay
        + " must lie in (0, 1]");
    require(decayEvery >= 1, "decayEvery = " + decayEvery + " must be >= 1");
    require(weightDecay >= 0 && !Double.isInfinite(weightDecay), "weightDecay = " + weightDecay + " must be >= 0");
    require(inputDropout >= 0 && inputDropout < 1, "inputDropout = " + inputDropout + " must lie in [0, 1)");
    require(inputNoise >= 0 && !Double.isInfinite(inputNoise), "inputNoise = " + inputNoise + " must be >= 0");
    this.batchSize = batchSize;
    this.averagingFrequency = averagingFrequency;
    this.optimizer = optimizer;
    this.learningRate = (float) learningRate;
    this.learningRateDecay = (float) learningRateDecay;
    this.decayEvery = decayEvery;
    this.weightDecay = (float) weightDecay;
    this.inputDropout = (float) inputDropout;
    this.inputNoise = (float) inputNoise;
    this.seed = seed;
    this.blockMomentum = (float) blockMomentum;
    this.blockNesterov = blockNesterov;
  }

  /** These settings with block momentum eta (0: off) and its Nesterov variant on or off. */
  public TrainingConfig withBlockMomentum(double eta, boolean nesterov) {
    return new TrainingConfig(batchSize, averagingFrequency, optimizer, learningRate, learningRateDecay, decayEvery,
        weightDecay, inputDropout, inputNoise, seed, eta, nesterov);
  }

  /** Plain minibatch settings: no decay, no weight decay, no corruption. */
  public static TrainingConfig simple(int batchSize, int averagingFrequency, Optimizer optimizer,
      double learningRate, long seed) {
    return new TrainingConfig(batchSize, averagingFrequency, optimizer, learningRate, 1, 1, 0, 0, 0, seed);
  }

  /** The learning rate of epoch e (from 0). */
  public float learningRate(int epoch) {
    return (float) (learningRate * Math.pow(learningRateDecay, epoch / decayEvery));
  }

  public boolean corrupts() {
    return inputDropout > 0 || inputNoise > 0;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
