package io.sparkae.neural.vae;

import io.sparkae.neural.Activation;

/**
 * The settings of a {@link Vae} ({@link Vae#builder}); by default linear encoder and decoder (no hidden layers), relu
 * hidden layers, the N(0, I) prior, no softmax latent, L = 1, beta = 1 without warm-up, no binarisation and no latent
 * dropout.
 */
public final class VaeBuilder {
  final int d;
  final int k;
  final Likelihood likelihood;
  int[] encoderHidden = new int[0];
  int[] decoderHidden = new int[0];
  Activation hidden = Activation.RELU;
  Prior prior;
  boolean softmaxLatent;
  int samples = 1;
  double beta = 1;
  double warmupEpochs;
  boolean binarize;
  double latentDropout;

  VaeBuilder(int d, int k, Likelihood likelihood) {
    this.d = d;
    this.k = k;
    this.likelihood = likelihood;
  }

  /** h_1..h_m (none: a linear encoder). */
  public VaeBuilder encoderHidden(int... sizes) {
    encoderHidden = sizes.clone();
    return this;
  }

  /** g_1..g_r (none: a linear decoder, as in the topic model and probabilistic PCA). */
  public VaeBuilder decoderHidden(int... sizes) {
    decoderHidden = sizes.clone();
    return this;
  }

  /** The activation of the hidden layers of both networks. */
  public VaeBuilder hidden(Activation a) {
    hidden = a;
    return this;
  }

  /** p(z) (default, or null: N(0, I_k)). */
  public VaeBuilder prior(Prior p) {
    prior = p;
    return this;
  }

  /** Whether the decoder reads t(z) = softmax(z) (the topic model's proportions) instead of z. */
  public VaeBuilder softmaxLatent(boolean on) {
    softmaxLatent = on;
    return this;
  }

  /** L >= 1 reparameterised samples per row and step. */
  public VaeBuilder samples(int l) {
    samples = l;
    return this;
  }

  /** The weight of the KL term (1 for the ELBO). */
  public VaeBuilder beta(double b) {
    beta = b;
    return this;
  }

  /** Epochs over which the KL weight rises linearly from 0 to beta (0: none). */
  public VaeBuilder warmupEpochs(double e) {
    warmupEpochs = e;
    return this;
  }

  /** Dynamic binarisation of the rows (needs the Bernoulli decoder). */
  public VaeBuilder binarize(boolean on) {
    binarize = on;
    return this;
  }

  /**
   * In training, the probability of zeroing each entry of the decoder's input t(z) (inverted dropout, Srivastava
   * et al. 2014; ProdLDA drops topic proportions with 0.2); 0 for none.
   */
  public VaeBuilder latentDropout(double rate) {
    latentDropout = rate;
    return this;
  }

  /** The VAE; fails on a setting out of range. */
  public Vae build() {
    return new Vae(this);
  }

  /** Fails on a setting out of range (called by the VAE's constructor). */
  void check() {
    if (k < 1) {
      throw new IllegalArgumentException("latent size = " + k + " must be >= 1");
    }
    if (prior != null && prior.size() != k) {
      throw new IllegalArgumentException("the prior has " + prior.size() + " dimensions, the latent " + k);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("samples = " + samples + " must be >= 1");
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta = " + beta + " must be finite and >= 0");
    }
    if (!(warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
      throw new IllegalArgumentException("warmupEpochs = " + warmupEpochs + " must be finite and >= 0");
    }
    if (!(latentDropout >= 0 && latentDropout < 1)) {
      throw new IllegalArgumentException("latentDropout = " + latentDropout + " must lie in [0, 1)");
    }
    if (binarize && likelihood != Likelihood.BERNOULLI) {
      throw new IllegalArgumentException("binarize needs the bernoulli decoder, found " + likelihood.lowerName());
    }
  }
}
