package io.sparkae.neural.vae;

import io.sparkae.neural.BatchNorm;

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
  /**
   * Batch normalisation ({@link Vae}): inference's float scales; training's double scratch, allocated by the first
   * training step ({@link #allocateBatchNorm}): xhat and 1 / std of the last training forward of each network,
   * whether it used batch statistics, the batch's means and variances, and the backward's buffers.
   */
  final float[] bnScale;
  double[] encXhat;
  double[] encInvStd;
  double[] decXhat;
  double[] decInvStd;
  boolean encBatch;
  boolean decBatch;
  double[] bnMean;
  double[] bnVar;
  double[] bnGrad;
  double[] bnSums;
  private final int encOutputs;
  private final int decOutputs;

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
    encOutputs = 2 * k;
    decOutputs = vae.decoder().outputSize();
    bnScale = vae.batchNorm() ? new float[Math.max(encOutputs, decOutputs)] : null;
  }

  /** Training's batch-normalisation scratch, once (a no-op without batch normalisation). */
  final void allocateBatchNorm() {
    if (bnScale == null || encXhat != null) {
      return;
    }
    int f = Math.max(encOutputs, decOutputs);
    int m = capacity * draws;
    encXhat = new double[encOutputs * capacity];
    encInvStd = new double[encOutputs];
    decXhat = new double[decOutputs * m];
    decInvStd = new double[decOutputs];
    bnMean = new double[f];
    bnVar = new double[f];
    bnGrad = new double[f * Math.max(capacity, m)];
    bnSums = new double[2 * f];
  }

  /**
   * The backward pass of a batch-normalised last layer ({@code a = BN(u) + b}, u = W h), in place: {@code delta}
   * holds dJ/da (f x n) and becomes dJ/du for the layer's own backward, {@code grad} of the bias b gains the direct
   * path sum_j dJ/da_j less sum_j dJ/du_j, which the layer's backward then adds (u does not depend on b).
   */
  final void normalizedBackward(float[] grad, float[] delta, int bias, int f, int n, double[] xhat, double[] invStd,
      boolean batch) {
    for (int i = 0; i < f * n; i++) {
      bnGrad[i] = delta[i];
    }
    BatchNorm.backward(bnGrad, xhat, invStd, f, n, batch, bnSums);
    for (int j = 0; j < n; j++) {
      int o = j * f;
      for (int i = 0; i < f; i++) {
        float dx = (float) bnGrad[o + i];
        grad[bias + i] += delta[o + i] - dx;
        delta[o + i] = dx;
      }
    }
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
