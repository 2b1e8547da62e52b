package io.sparkae.neural.vae;

import io.sparkae.neural.Activation;
import io.sparkae.neural.DenseLayers;
import io.sparkae.neural.Objective;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The variational autoencoder (Kingma and Welling 2014) as an {@link Objective}: an encoder network
 * {@code x -> (mu(x), v(x))} giving the diagonal Gaussian posterior q(z|x) = N(mu, diag exp(v)), the
 * reparameterised samples {@code z_l = mu + exp(v/2) * eps_l}, eps_l ~ N(0, I), l = 1..L, an optional map
 * {@code t(z) = softmax(z)} (the topic model's document proportions theta; Srivastava and Sutton 2017), and a decoder
 * network {@code t(z) -> a} giving p(x|z) ({@link Likelihood}). The per-row training loss is
 * <pre>
 *   l(x) = (1/L) sum_l -log p(x | z_l) + beta(e) KL(q(z|x) || p(z)),     beta(e) = beta min(1, e / warmupEpochs)
 * </pre>
 * with the KL term in closed form ({@link Prior}); with beta = 1 and after warm-up it is the negative evidence lower
 * bound -ELBO(x) <= -log p(x) (estimated with L samples), which {@link Evaluator#loss} always reports. The
 * importance-weighted estimate {@code log p(x) ~ log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x)} (Burda, Grosse and
 * Salakhutdinov 2016) lies between the ELBO and log p(x) and grows with K.
 *
 * <p>Layout of the flat parameters: the encoder stack (d, h_1, ..., h_m, 2k) then the decoder stack (k, g_1, ...,
 * g_r, o), o = d (2d for the Gaussian decoder); hidden layers use one activation, last layers are linear. The
 * encoder's last layer emits mu in rows 0..k-1 and v in rows k..2k-1 of each column.
 *
 * <p>With {@code binarize} each row is replaced by a Bernoulli sample of its values (dynamic binarisation,
 * Salakhutdinov and Murray 2008), in training and in every reported loss, each draw seeded by the step or by the row's
 * values. Immutable; the evaluator holds the buffers.
 */
public final class Vae implements Objective {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final long BINARIZE = 0x7F4A7C159E3779B9L;

  private final int d;
  private final int k;
  private final DenseLayers encoder;
  private final DenseLayers decoder;
  private final Likelihood likelihood;
  private final Prior prior;
  private final boolean softmaxLatent;
  private final int samples;
  private final double beta;
  private final double warmupEpochs;
  private final boolean binarize;
  private final float latentDropout;

  /**
   * @param encoderHidden h_1..h_m (may be empty: a linear encoder)
   * @param decoderHidden g_1..g_r (may be empty: a linear decoder, as in the topic model and probabilistic PCA)
   * @param samples L >= 1 reparameterised samples per row and step
   * @param beta weight of the KL term (1 for the ELBO)
   * @param warmupEpochs epochs over which the KL weight rises linearly from 0 to beta (0: none)
   * @param latentDropout in training, the probability of zeroing each entry of the decoder's input t(z) (inverted
   *     dropout, Srivastava et al. 2014; ProdLDA drops topic proportions with 0.2); 0 for none
   */
  public Vae(int d, int[] encoderHidden, int k, int[] decoderHidden, Activation hidden, Likelihood likelihood,
      Prior prior, boolean softmaxLatent, int samples, double beta, double warmupEpochs, boolean binarize,
      double latentDropout) {
    if (k < 1) {
      throw new IllegalArgumentException("latent size = " + k + " must be >= 1");
    }
    if (prior.size() != k) {
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
    this.d = d;
    this.k = k;
    this.encoder = DenseLayers.stack(concat(d, encoderHidden, 2 * k), hidden, 0);
    this.decoder = DenseLayers.stack(concat(k, decoderHidden, likelihood.outputSize(d)), hidden, encoder.numParams());
    this.likelihood = likelihood;
    this.prior = prior;
    this.softmaxLatent = softmaxLatent;
    this.samples = samples;
    this.beta = beta;
    this.warmupEpochs = warmupEpochs;
    this.binarize = binarize;
    this.latentDropout = (float) latentDropout;
  }

  private static int[] concat(int first, int[] middle, int last) {
    int[] s = new int[middle.length + 2];
    s[0] = first;
    System.arraycopy(middle, 0, s, 1, middle.length);
    s[s.length - 1] = last;
    return s;
  }

  @Override
  public int inputSize() {
    return d;
  }

  public int latentSize() {
    return k;
  }

  @Override
  public int numParams() {
    return encoder.numParams() + decoder.numParams();
  }

  public DenseLayers encoder() {
    return encoder;
  }

  public DenseLayers decoder() {
    return decoder;
  }

  public Likelihood likelihood() {
    return likelihood;
  }

  public Prior prior() {
    return prior;
  }

  public boolean softmaxLatent() {
    return softmaxLatent;
  }

  public int samples() {
    return samples;
  }

  public double beta() {
    return beta;
  }

  public double warmupEpochs() {
    return warmupEpochs;
  }

  public boolean binarize() {
    return binarize;
  }

  public double latentDropout() {
    return latentDropout;
  }

  /** The KL weight at training position {@code epoch} (in epochs). */
  public double beta(double epoch) {
    return warmupEpochs > 0 ? beta * Math.min(1.0, epoch / warmupEpochs) : beta;
  }

  @Override
  public float[] initialize(long seed) {
    float[] p = new float[numParams()];
    SplittableRandom r = new SplittableRandom(seed);
    encoder.initialize(p, r);
    decoder.initialize(p, r);
    // Log-variance heads start at 0 (posterior and Gaussian decoder variances 1): with random weights, inputs of a
    // few units gave log-variances of +-10 before the first step, a loss of 1e6 and runs that never recovered.
    encoder.zeroLastLayerRows(p, k, 2 * k);
    if (likelihood == Likelihood.GAUSSIAN) {
      decoder.zeroLastLayerRows(p, d, 2 * d);
    }
    return p;
  }

  @Override
  public Buffers evaluator(int capacity) {
    return new Buffers(capacity, samples);
  }

  /** Buffers for up to {@code capacity} rows and {@code draws} latent samples per row at a time. */
  public Buffers evaluator(int capacity, int draws) {
    return new Buffers(capacity, draws);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "VAE(encoder %s, decoder %s%s, %s, %s, %s prior, L %d, beta %s%s%s, "
        + "%d parameters)", Arrays.toString(encoder.sizes()), softmaxLatent ? "softmax -> " : "",
        Arrays.toString(decoder.sizes()), encoder.hidden().lowerName(), likelihood.lowerName(),
        prior.alpha() > 0 ? "Dirichlet(" + prior.alpha() + ") Laplace" : "N(0, I)", samples, beta,
        warmupEpochs > 0 ? ", warm-up " + warmupEpochs + " epochs" : "", (binarize ? ", binarized" : "")
        + (latentDropout > 0 ? ", latent dropout " + latentDropout : ""), numParams());
  }

  /**
   * One thread's buffers: {@code n <= capacity} rows, {@code draws} samples per row (decoder blocks of
   * {@code n * draws} columns, sample l of row j in column {@code l*n + j}).
   */
  public final class Buffers implements Objective.Evaluator {
    private final int capacity;
    private final int draws;
    private final float[][] enc;
    private final float[][] dec;
    private final float[] encDelta;
    private final float[] encScratch;
    private final float[] decDelta;
    private final float[] decScratch;
    private final float[] eps;
    private final float[] z;
    private final float[] dTheta;
    private final float[] x;
    private final double[] nll;
    private final double[] logW;
    private final double[] acc;
    private final long[] keys;
    private final float[] theta;
    private final float[] keep;
    private final Noise noise = new Noise();

    Buffers(int capacity, int draws) {
      if (capacity < 1 || draws < 1) {
        throw new IllegalArgumentException("buffers for " + capacity + " rows and " + draws + " samples");
      }
      this.capacity = capacity;
      this.draws = draws;
      int m = capacity * draws;
      enc = encoder.activations(capacity);
      dec = decoder.activations(m);
      encDelta = new float[encoder.maxSize() * capacity];
      encScratch = new float[encoder.maxSize() * capacity];
      decDelta = new float[decoder.maxSize() * m];
      decScratch = new float[decoder.maxSize() * m];
      eps = new float[k * m];
      z = softmaxLatent ? new float[k * m] : dec[0];
      dTheta = new float[k * m];
      x = new float[d * capacity];
      nll = new double[m];
      logW = new double[capacity];
      acc = new double[capacity];
      keys = new long[capacity];
      theta = latentDropout > 0 ? new float[k * m] : null;
      keep = latentDropout > 0 ? new float[k * m] : null;
    }

    @Override
    public float[] input() {
      return enc[0];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    /** The encoder's last layer after {@link #encode}: mu in rows 0..k-1, v in rows k..2k-1 of each column. */
    public float[] posterior() {
      return enc[enc.length - 1];
    }

    /** The decoder's last layer after a decode: the parameters of p(x|z) for each column. */
    public float[] decoderOutput() {
      return dec[dec.length - 1];
    }

    /** The decoder's input block (k x columns), filled by the caller before {@link #decode}. */
    public float[] decoderInput() {
      return softmaxLatent ? z : dec[0];
    }

    /** Runs the encoder on the first n columns of {@link #input()}. */
    public void encode(float[] p, int n) {
      check(n);
      encoder.forward(p, enc, n);
    }

    /** Runs the decoder on the first {@code cols} columns of {@link #decoderInput()} (after t = softmax if set). */
    public void decode(float[] p, int cols) {
      if (softmaxLatent) {
        softmaxColumns(z, dec[0], cols);
      }
      decoder.forward(p, dec, cols);
    }

    /**
     * Runs the decoder on n codes given as doubles (k x n): latent values z, or for the softmax latent the topic
     * proportions theta themselves (fed to the decoder as they are).
     */
    public void decodeCodes(float[] p, double[] codes, int n) {
      if (n < 1 || n > capacity * draws) {
        throw new IllegalArgumentException(n + " codes for buffers of " + capacity * draws + " columns");
      }
      float[] in = dec[0];
      for (int i = 0; i < k * n; i++) {
        in[i] = (float) codes[i];
      }
      decoder.forward(p, dec, n);
    }

    private void check(int n) {
      if (n < 1 || n > capacity) {
        throw new IllegalArgumentException("batch of " + n + " rows for buffers of " + capacity);
      }
    }

    /**
     * Replaces the input's first n columns by Bernoulli draws when binarising (row j's stream from key(j)) and keeps
     * the clean-or-binarised rows in {@code x} as the likelihood's target.
     */
    private void prepareTarget(float[] target, int n, long seed, boolean byContent) {
      float[] in = enc[0];
      if (target != in) {
        System.arraycopy(target, 0, x, 0, d * n);
      } else {
        System.arraycopy(in, 0, x, 0, d * n);
      }
      for (int j = 0; j < n; j++) {
        keys[j] = byContent ? Noise.rowKey(x, j * d, d) : j;
      }
      if (!binarize) {
        return;
      }
      for (int j = 0; j < n; j++) {
        int off = j * d;
        noise.reseed(Noise.streamSeed(seed ^ BINARIZE, keys[j], 0));
        for (int i = off; i < off + d; i++) {
          float b = noise.uniform() < x[i] ? 1f : 0f;
          x[i] = b;
          in[i] = b;
        }
      }
    }

    /**
     * Training only: t(z) into {@code theta}, then the decoder's input {@code t(z) * keep} with keep = 0 with
     * probability latentDropout and 1 / (1 - latentDropout) otherwise, drawn from the step's seed.
     */
    private void dropLatent(int cols, long seed) {
      if (softmaxLatent) {
        softmaxColumns(z, theta, cols);
      } else {
        System.arraycopy(z, 0, theta, 0, k * cols);
      }
      float kept = 1f / (1f - latentDropout);
      noise.reseed(Noise.streamSeed(seed, 0x44524F50L, 0));
      float[] in = dec[0];
      for (int i = 0; i < k * cols; i++) {
        keep[i] = noise.uniform() < latentDropout ? 0f : kept;
        in[i] = theta[i] * keep[i];
      }
    }

    /** Draws eps and z = mu + sigma eps for {@code s} samples of n rows, row j's stream keyed by keys[j]. */
    private void sample(int n, int s, long seed, int firstSample) {
      float[] h = posterior();
      for (int l = 0; l < s; l++) {
        for (int j = 0; j < n; j++) {
          noise.reseed(Noise.streamSeed(seed, keys[j], firstSample + l));
          int ho = j * 2 * k;
          int zo = (l * n + j) * k;
          for (int i = 0; i < k; i++) {
            float e = (float) noise.gaussian();
            eps[zo + i] = e;
            z[zo + i] = h[ho + i] + (float) Math.exp(0.5 * Prior.clampLogVariance(h[ho + k + i])) * e;
          }
        }
      }
    }

    @Override
    public double gradient(float[] p, float[] grad, float[] target, int n, float weightDecay, double epoch,
        long seed) {
      check(n);
      Arrays.fill(grad, 0f);
      prepareTarget(target, n, seed, false);
      encoder.forward(p, enc, n);
      int m = n * draws;
      sample(n, draws, seed, 0);
      if (latentDropout > 0) {
        dropLatent(m, seed);
        decoder.forward(p, dec, m);
      } else {
        decode(p, m);
      }
      int o = decoder.outputSize();
      float scale = 1f / m;
      float[] a = decoderOutput();
      double recon = 0;
      for (int l = 0; l < draws; l++) {
        recon += likelihood.negLogLikelihood(a, l * n * o, x, 0, d, n, decDelta, scale, null, 0);
      }
      decoder.backward(p, grad, dec, decDelta, decScratch, m, dTheta);
      if (latentDropout > 0) {
        for (int i = 0; i < k * m; i++) {
          dTheta[i] *= keep[i];
        }
      }
      if (softmaxLatent) {
        softmaxBackward(latentDropout > 0 ? theta : dec[0], dTheta, m);
      }
      float[] h = posterior();
      Arrays.fill(encDelta, 0, 2 * k * n, 0f);
      for (int l = 0; l < draws; l++) {
        for (int j = 0; j < n; j++) {
          int ho = j * 2 * k;
          int zo = (l * n + j) * k;
          for (int i = 0; i < k; i++) {
            float g = dTheta[zo + i];
            float raw = h[ho + k + i];
            double v = Prior.clampLogVariance(raw);
            encDelta[ho + i] += g;
            if (v == raw) {
              encDelta[ho + k + i] += g * 0.5f * (float) Math.exp(0.5 * v) * eps[zo + i];
            }
          }
        }
      }
      double b = beta(epoch);
      double kl = 0;
      for (int j = 0; j < n; j++) {
        kl += prior.kl(h, j * 2 * k, b > 0 ? encDelta : null, (float) (b / n));
      }
      encoder.backward(p, grad, enc, encDelta, encScratch, n, null);
      encoder.addWeightDecay(p, grad, weightDecay);
      decoder.addWeightDecay(p, grad, weightDecay);
      return recon / draws + b * kl;
    }

    /** -ELBO summed over the first n columns of the input (beta = 1), each row's noise keyed by its values. */
    @Override
    public double loss(float[] p, int n, long seed) {
      return negElbo(p, n, seed, null, null);
    }

    /**
     * Per-row -ELBO into {@code out[j]} (may be null) and its parts (reconstruction, KL) into {@code parts[2j],
     * parts[2j+1]} (may be null), estimated with this evaluator's {@code draws} samples; returns the sum. Row noise
     * is keyed by (seed, the row's values), so a row gets the same figure in any block or partition.
     */
    public double negElbo(float[] p, int n, long seed, double[] out, double[] parts) {
      check(n);
      prepareTarget(enc[0], n, seed, true);
      encoder.forward(p, enc, n);
      int m = n * draws;
      sample(n, draws, seed, 0);
      decode(p, m);
      int o = decoder.outputSize();
      for (int l = 0; l < draws; l++) {
        likelihood.negLogLikelihood(decoderOutput(), l * n * o, x, 0, d, n, null, 0f, nll, l * n);
      }
      float[] h = posterior();
      double total = 0;
      for (int j = 0; j < n; j++) {
        double r = 0;
        for (int l = 0; l < draws; l++) {
          r += nll[l * n + j];
        }
        r /= draws;
        double kl = prior.kl(h, j * 2 * k, null, 0f);
        if (out != null) {
          out[j] = r + kl;
        }
        if (parts != null) {
          parts[2 * j] = r;
          parts[2 * j + 1] = kl;
        }
        total += r + kl;
      }
      return total;
    }

    /**
     * Importance-weighted estimates of log p(x_j) with K samples (Burda et al. 2016, eq. 8) into {@code out[j]} for
     * the first n columns of the input; q(z|x) is the proposal, samples are drawn {@code draws} at a time and
     * combined with a running log-sum-exp. Returns the sum.
     */
    public double logLikelihood(float[] p, int n, int kSamples, long seed, double[] out) {
      check(n);
      if (kSamples < 1) {
        throw new IllegalArgumentException("importance samples K = " + kSamples + " must be >= 1");
      }
      prepareTarget(enc[0], n, seed, true);
      encoder.forward(p, enc, n);
      Arrays.fill(logW, 0, n, Double.NEGATIVE_INFINITY);
      Arrays.fill(acc, 0, n, 0.0);
      float[] h = posterior();
      for (int first = 0; first < kSamples; first += draws) {
        int s = Math.min(draws, kSamples - first);
        sample(n, s, seed, first);
        decode(p, n * s);
        int o = decoder.outputSize();
        for (int l = 0; l < s; l++) {
          likelihood.negLogLikelihood(decoderOutput(), l * n * o, x, 0, d, n, null, 0f, nll, l * n);
        }
        for (int l = 0; l < s; l++) {
          for (int j = 0; j < n; j++) {
            int zo = (l * n + j) * k;
            int ho = j * 2 * k;
            double logQ = 0;
            for (int i = 0; i < k; i++) {
              double e = eps[zo + i];
              logQ -= 0.5 * (LOG_2PI + Prior.clampLogVariance(h[ho + k + i]) + e * e);
            }
            double w = -nll[l * n + j] + prior.logDensity(z, zo) - logQ;
            // Running log-sum-exp: logW[j] is the running maximum, acc[j] the sum of exp(w - max).
            if (w > logW[j]) {
              acc[j] = acc[j] * Math.exp(logW[j] - w) + 1.0;
              logW[j] = w;
            } else {
              acc[j] += Math.exp(w - logW[j]);
            }
          }
        }
      }
      double total = 0;
      double logK = Math.log(kSamples);
      for (int j = 0; j < n; j++) {
        double v = logW[j] + Math.log(acc[j]) - logK;
        if (out != null) {
          out[j] = v;
        }
        total += v;
      }
      return total;
    }
  }

  /** {@code theta[:, c] := softmax(z[:, c])} for the first cols columns of k rows. */
  private void softmaxColumns(float[] z, float[] theta, int cols) {
    for (int c = 0; c < cols; c++) {
      Softmax.of(z, c * k, k, theta, c * k);
    }
  }

  /** {@code g := theta * (g - <g, theta>)} per column: the softmax's Jacobian (symmetric) applied to g. */
  private void softmaxBackward(float[] theta, float[] g, int cols) {
    for (int c = 0; c < cols; c++) {
      int off = c * k;
      double dot = 0;
      for (int i = 0; i < k; i++) {
        dot += (double) g[off + i] * theta[off + i];
      }
      for (int i = 0; i < k; i++) {
        g[off + i] = theta[off + i] * (float) (g[off + i] - dot);
      }
    }
  }
}
