package io.sparkae.neural;

import java.io.Serializable;

/**
 * What the {@link AveragingTrainer} trains: a differentiable per-example objective over one flat float parameter
 * array. The mirrored autoencoder ({@link Network}) and the variational autoencoder
 * ({@link io.sparkae.neural.vae.Vae}) implement it; the trainer, the per-partition {@link LocalTrainer}, the
 * optimizers, checkpoints and parameter averaging are written once against it.
 *
 * <p>Implementations are immutable and serializable (they are shipped to executors); the mutable per-thread buffers
 * live in the {@link Evaluator} that {@link #evaluator(int)} creates once per task.
 */
public interface Objective extends Serializable {

  /** The input dimension d. */
  int inputSize();

  /** The number of parameters P. */
  int numParams();

  /**
   * The trained parameters are {@code p[0, trainedParams())}; the rest, up to P, are statistics the objective keeps
   * in the same array (batch normalisation's running means and variances): {@link Evaluator#gradient} updates them in
   * place and gives them a zero gradient, so the optimizers leave them alone, and parameter averaging averages them
   * like the parameters; block momentum does not extrapolate them. Default: all P are trained.
   */
  default int trainedParams() {
    return numParams();
  }

  /** Fresh parameters from {@code seed}. */
  float[] initialize(long seed);

  /** Buffers for minibatches of up to {@code capacity} examples. */
  Evaluator evaluator(int capacity);

  /** Per-thread buffers and the objective's value and gradient on one minibatch. */
  interface Evaluator {
    /** The input block, d x capacity column-major: the caller fills the first n columns (possibly corrupted). */
    float[] input();

    int capacity();

    /**
     * {@code grad := gradient of the minibatch objective} (the mean over the n examples of the per-example loss,
     * plus {@code (weightDecay / 2) sum ||W||_F^2} on the weights) at parameters p, with the clean examples in
     * {@code target} (d x n). Returns the sum over the n examples of the per-example training loss. Updates the
     * statistics after {@link Objective#trainedParams()} in p, if any, in place (their gradient is 0).
     *
     * @param epoch the position in training in epochs (step / steps per epoch), for schedules such as KL warm-up
     * @param seed the seed of this step's randomness (reparameterisation noise), derived from (seed, step,
     *     partition) by the caller so that a retried task repeats its work exactly
     */
    double gradient(float[] p, float[] grad, float[] target, int n, float weightDecay, double epoch, long seed);

    /**
     * The sum over the first n columns of {@link #input()} of the per-example loss that is reported (for a VAE the
     * negative ELBO, or the negative IWAE bound when it trains on that, whatever the training schedule), with
     * randomness from {@code seed}.
     */
    double loss(float[] p, int n, long seed);
  }
}
