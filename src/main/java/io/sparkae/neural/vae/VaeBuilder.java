package io.sparkae.neural.vae;

import io.sparkae.neural.Activation;

/**
 * The settings of a {@link Vae} ({@link Vae#builder}), each checked as it is set. By default linear encoder and
 * decoder (no hidden layers), relu hidden layers, the N(0, I) prior, no softmax latent, L = 1, K = 1 (the ELBO),
 * beta = 1 without warm-up, no binarisation, no latent dropout and no batch normalisation.
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
  int iwaeSamples = 1;
  double beta = 1;
  double warmupEpochs;
  boolean binarize;
  double latentDropout;
  boolean batchNorm;

  VaeBuilder(int d, int k, Likelihood likelihood) {
    if (k < 1) {
      throw new IllegalArgumentException("latent size = " + k + " must be >= 1");
    }
    this.d = d;
    this.k = k;
    this.likelihood = likelihood;
    this.prior = Prior.standardNormal(k);
  }

  /** h_1..h_m (none: a linear encoder). */
  public VaeBuilder encoderHidden(int... sizes) {
    encoderHidden = sizes.clone();
    return this;
  }

  /** L >= 1 reparameterised samples per row and step. */
  public VaeBuilder samples(int l) {
    if (l < 1) {
      throw new IllegalArgumentException("samples = " + l + " must be >= 1");
    }
    samples = l;
    return this;
  }

  /**
   * K >= 1 importance samples per row and step: K = 1 trains on the ELBO (closed-form KL), K > 1 on the IWAE bound
   * -log (1/K) sum_k w_k (Burda, Grosse and Salakhutdinov 2016); see {@link Vae}.
   */
  public VaeBuilder iwaeSamples(int kSamples) {
    if (kSamples < 1) {
      throw new IllegalArgumentException("iwaeSamples = " + kSamples + " must be >= 1");
    }
    iwaeSamples = kSamples;
    return this;
  }

  /** The activation of the hidden layers of both networks. */
  public VaeBuilder hidden(Activation a) {
    hidden = a;
    return this;
  }

  /** p(z), of k dimensions (default N(0, I_k)). */
  public VaeBuilder prior(Prior p) {
    if (p.size() != k) {
      throw new IllegalArgumentException("the prior has " + p.size() + " dimensions, the latent " + k);
    }
    prior = p;
    return this;
  }

  /** g_1..g_r (none: a linear decoder, as in the topic model and probabilistic PCA). */
  public VaeBuilder decoderHidden(int... sizes) {
    decoderHidden = sizes.clone();
    return this;
  }

  /** The weight of the KL term (1 for the ELBO). */
  public VaeBuilder beta(double b) {
    beta = finiteNonNegative("beta", b);
    return this;
  }

  /** Whether the decoder reads t(z) = softmax(z) (the topic model's proportions) instead of z. */
  public VaeBuilder softmaxLatent(boolean on) {
    softmaxLatent = on;
    return this;
  }

  /** Epochs over which the KL weight rises linearly from 0 to beta (0: none). */
  public VaeBuilder warmupEpochs(double e) {
    warmupEpochs = finiteNonNegative("warmupEpochs", e);
    return this;
  }

  /** Dynamic binarisation of the rows (Salakhutdinov and Murray 2008); needs the Bernoulli decoder. */
  public VaeBuilder binarize(boolean on) {
    if (on && likelihood != Likelihood.BERNOULLI) {
      throw new IllegalArgumentException("binarize needs the bernoulli decoder, found " + likelihood.lowerName());
    }
    binarize = on;
    return this;
  }

  /**
   * In training, the probability of zeroing each entry of the decoder's input t(z) (inverted dropout, Srivastava et
   * al. 2014; ProdLDA drops topic proportions with 0.2); 0 for none.
   */
  public VaeBuilder latentDropout(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("latentDropout = " + rate + " must lie in [0, 1)");
    }
    latentDropout = rate;
    return this;
  }

  /**
   * Batch normalisation, without a learned scale, of the encoder's (mu, v) and of the decoder's output before the
   * likelihood (ProdLDA's remedy against unused topics, Srivastava and Sutton 2017); see {@link Vae}.
   */
  public VaeBuilder batchNorm(boolean on) {
    batchNorm = on;
    return this;
  }

  public Vae build() {
    return new Vae(this);
  }

  private static double finiteNonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " = " + v + " must be finite and >= 0");
    }
    return v;
  }
}
