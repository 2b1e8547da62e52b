package io.sparkae.neural.vae;

import io.sparkae.core.Autoencoder;
import io.sparkae.linalg.DenseMatrix;

/**
 * A trained {@link Vae} as an {@link Autoencoder}: the code is the posterior mean mu(x) (for the topic model the
 * document's topic proportions softmax(mu(x))), the decoder returns the mean of p(x|z) (Bernoulli probabilities,
 * Gaussian means, or word probabilities), and the per-row loss is the negative ELBO in nats, estimated with the
 * model's L samples whose noise is keyed by (seed, the row's values), so a row's loss does not depend on its block;
 * for a VAE trained on the IWAE bound (K &gt; 1) it is that bound, -log (1/K) sum_k w_k, from K such samples.
 * Immutable; buffers are allocated per call (per block, not per row).
 */
public final class VaeAutoencoder implements Autoencoder {
  private static final long serialVersionUID = 1L;

  private final Vae vae;
  private final float[] params;
  private final long seed;

  public VaeAutoencoder(Vae vae, float[] params, long seed) {
    if (params.length != vae.numParams()) {
      throw new IllegalArgumentException(vae + " needs " + vae.numParams() + " parameters, found " + params.length);
    }
    this.vae = vae;
    this.params = params.clone();
    this.seed = seed;
  }

  public Vae vae() {
    return vae;
  }

  /** The flat parameters (a copy). */
  public float[] parameters() {
    return params.clone();
  }

  /** The seed of the evaluation noise. */
  public long seed() {
    return seed;
  }

  /** The parameters without a copy, for evaluation code in this package. */
  float[] params() {
    return params;
  }

  @Override
  public int inputSize() {
    return vae.inputSize();
  }

  @Override
  public int codeSize() {
    return vae.latentSize();
  }

  private static void load(DenseMatrix m, int n, float[] dst) {
    int len = m.rows * n;
    for (int i = 0; i < len; i++) {
      dst[i] = (float) m.values[i];
    }
  }

  private void checkRows(DenseMatrix m, int rows, String what) {
    if (m.rows != rows) {
      throw new IllegalArgumentException("expected " + what + " with " + rows + " rows, found a " + m.shape()
          + " block");
    }
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    encode(x, n, z, null);
  }

  /** The posterior means (codes) into z and, when {@code sigma} is non-null, the posterior std exp(v/2). */
  public void encode(DenseMatrix x, int n, DenseMatrix z, DenseMatrix sigma) {
    if (n == 0) {
      return;
    }
    checkRows(x, inputSize(), "rows of size " + inputSize());
    int k = vae.latentSize();
    Vae.Buffers b = vae.evaluator(n, 1);
    load(x, n, b.input());
    b.encode(params, n);
    float[] h = b.posterior();
    for (int j = 0; j < n; j++) {
      int ho = j * 2 * k;
      int zo = j * k;
      if (vae.softmaxLatent()) {
        Softmax.of(h, ho, k, z.values, zo);
      } else {
        for (int i = 0; i < k; i++) {
          z.values[zo + i] = h[ho + i];
        }
      }
      if (sigma != null) {
        for (int i = 0; i < k; i++) {
          sigma.values[zo + i] = Math.exp(0.5 * Prior.clampLogVariance(h[ho + k + i]));
        }
      }
    }
  }

  /**
   * The decoder's mean for codes z: latent values (VAE) or topic proportions theta, which must be positive (the
   * topic model; its decoder reads theta directly).
   */
  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    if (n == 0) {
      return;
    }
    checkRows(z, codeSize(), "codes of size " + codeSize());
    Vae.Buffers b = vae.evaluator(n, 1);
    b.decodeCodes(params, z.values, n);
    vae.likelihood().mean(b.decoderOutput(), inputSize(), n, xhat.values);
  }

  @Override
  public void loss(DenseMatrix x, int n, double[] out) {
    if (n == 0) {
      return;
    }
    checkRows(x, inputSize(), "rows of size " + inputSize());
    int kSamples = vae.iwaeSamples();
    if (kSamples > 1) {
      Vae.Buffers b = vae.evaluator(n, Math.min(kSamples, Math.max(1, 8192 / n)));
      load(x, n, b.input());
      b.logLikelihood(params, n, kSamples, seed, out);
      for (int j = 0; j < n; j++) {
        out[j] = -out[j];
      }
      return;
    }
    Vae.Buffers b = vae.evaluator(n, vae.samples());
    load(x, n, b.input());
    b.negElbo(params, n, seed, out, null);
  }

  @Override
  public boolean squaredErrorLoss() {
    return false;
  }

  @Override
  public String lossName() {
    return vae.lossName() + " (nats)";
  }
}
