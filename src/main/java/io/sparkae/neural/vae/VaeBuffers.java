package io.sparkae.neural.vae;

/**
 * One thread's arrays for a {@link Vae}: up to {@code capacity} rows and {@code draws} latent samples per row, so the
 * decoder's blocks have {@code n * draws} columns, sample l of row j in column {@code l*n + j}. Allocated once per
 * evaluator (once per trainer, once per evaluated partition); nothing is allocated per row or per step. Only arrays:
 * the forward chain is {@link Vae.Buffers}, the backward pass {@link VaeBackward}.
 */
class VaeBuffers {
  final int capacity;
  final int draws;
  /** Encoder activations: {@code enc[0]} the (binarised) input, the last (mu, v) per column. */
  final float[][] enc;
  /** Decoder activations: {@code dec[0]} its input t(z) (times the dropout mask in training), the last p(x|z). */
  final float[][] dec;
  /** The reparameterisation noise eps and the samples z = mu + sigma eps (z is dec[0] without the softmax). */
  final float[] eps;
  final float[] z;
  /** Training with latent dropout: t(z) before the mask, and the mask's factors (0 or 1 / (1 - rate)). */
  final float[] theta;
  final float[] keep;
  /** The likelihood's target (the clean or binarised rows, d x n) and each row's noise key. */
  final float[] x;
  final long[] keys;
  /** -log p(x_j | z_jl) of column l*n + j. */
  final double[] nll;
  /** Backward: dJ/d(decoder output) and the decoder's scratch, dJ/dt(z), dJ/d(mu, v) and the encoder's scratch. */
  final float[] decDelta;
  final float[] decScratch;
  final float[] dTheta;
  final float[] encDelta;
  final float[] encScratch;
  /** Importance weighting: per row the running maximum of the log-weights and the sum of exp(w - max). */
  final double[] logW;
  final double[] acc;
  /**
   * IWAE training: per decoder column first log w, then the column's share
   * {@code w~ / (n L)} of the minibatch loss's gradient.
   */
  final double[] iwWeight;
  final Noise noise = new Noise();

  VaeBuffers(Vae vae, int capacity, int draws) {
    if (capacity < 1 || draws < 1) {
      throw new IllegalArgumentException("buffers for " + capacity + " rows and " + draws + " samples");
    }
    int d = vae.inputSize();
    int k = vae.latentSize();
    int m = capacity * draws;
    boolean dropout = vae.latentDropout() > 0;
    this.capacity = capacity;
    this.draws = draws;
    enc = vae.encoder().activations(capacity);
    dec = vae.decoder().activations(m);
    eps = new float[k * m];
    z = vae.softmaxLatent() ? new float[k * m] : dec[0];
    theta = dropout ? new float[k * m] : null;
    keep = dropout ? new float[k * m] : null;
    x = new float[d * capacity];
    keys = new long[capacity];
    nll = new double[m];
    decDelta = new float[vae.decoder().maxSize() * m];
    decScratch = new float[vae.decoder().maxSize() * m];
    dTheta = new float[k * m];
    encDelta = new float[vae.encoder().maxSize() * capacity];
    encScratch = new float[vae.encoder().maxSize() * capacity];
    logW = new double[capacity];
    acc = new double[capacity];
    iwWeight = new double[m];
  }

  /** The encoder's last layer: mu in rows 0..k-1, v in rows k..2k-1 of each column. */
  final float[] posterior() {
    return enc[enc.length - 1];
  }

  /**
   * The samples z = mu + sigma eps after a forward pass: {@link #z}, except in training with latent dropout and
   * without the softmax latent, where z shares its array with the decoder's (masked) input and {@link #theta} keeps
   * it.
   */
  final float[] latentSamples(boolean dropped) {
    return dropped && theta != null && z == dec[0] ? theta : z;
  }

  /** The decoder's last layer: the parameters of p(x|z) for each column. */
  final float[] decoderOutput() {
    return dec[dec.length - 1];
  }
}
