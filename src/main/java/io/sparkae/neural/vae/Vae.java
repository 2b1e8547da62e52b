package io.sparkae.neural.vae;

import io.sparkae.neural.Activation;
import io.sparkae.neural.BatchNorm;
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
 * <p>With {@code iwaeSamples} K &gt; 1 training minimises that bound instead (the IWAE): per row, L independent
 * groups of K samples, and
 * <pre>
 *   l(x) = (1/L) sum_g -log (1/K) sum_k w_gk,   log w = log p(x|z) + beta(e) [log p(z) - log q(z|x)]
 * </pre>
 * (L = 1 is Burda et al.'s IWAE; L &gt; 1 averages L bounds, Rainforth et al. 2018's MIWAE(L, K); beta = 1 after
 * warm-up is the bound itself). The gradient weights each sample's by its normalised importance weight
 * ({@link Buffers#iwaeGradient}, where the derivation is); the reported per-row loss ({@link Evaluator#loss}, the
 * model's loss and its history) is then the -IWAE-K bound, K samples keyed by the row, and {@link #lossName} says
 * which bound a figure is.
 *
 * <p>Layout of the flat parameters: the encoder stack (d, h_1, ..., h_m, 2k) then the decoder stack (k, g_1, ...,
 * g_r, o), o = d (2d for the Gaussian decoder); hidden layers use one activation, last layers are linear. The
 * encoder's last layer emits mu in rows 0..k-1 and v in rows k..2k-1 of each column.
 *
 * <p>With {@code binarize} each row is replaced by a Bernoulli sample of its values (dynamic binarisation,
 * Salakhutdinov and Murray 2008), in training and in every reported loss, each draw seeded by the step or by the row's
 * values.
 *
 * <p>With {@code batchNorm} (ProdLDA's remedy against collapsed topics; Srivastava and Sutton 2017, whose code
 * normalises the encoder's mu and log-variance and the decoder's logits) the last layer of each network is
 * batch-normalised without a learned scale ({@link BatchNorm}): with {@code u = W h} the layer's output before its
 * bias b, it emits {@code BN(u) + b}, so the layer's own bias is the learned shift (BN would cancel it otherwise; the
 * paper's TensorFlow and PyTorch code keep BN's shift too, for the decoder the background log-frequencies of the
 * words). Per minibatch, each of the 2k encoder outputs is normalised over the n rows and each decoder output over
 * the n L columns (every sample counts), eps = {@value #BN_EPSILON} (the paper's TensorFlow default: it bounds the
 * gain 1 / sqrt(var + eps) at about 32 for outputs that hardly vary across the batch, e.g. logits of words whose
 * weights are still tiny). The gradient goes through the batch statistics exactly. A training block of fewer than
 * two columns (a single row in a partition's last minibatch) is normalised by the running statistics instead (its
 * batch variance would be 0) and does not update them.
 *
 * <p>Running statistics: per output, an exponential moving average of the batch means and of the unbiased batch
 * variances with momentum {@value #BN_MOMENTUM} (PyTorch's default; a memory of about ten steps, so after a round of
 * H = 25 local steps each worker's averages describe the parameters it ends the round with; the paper's TensorFlow
 * code uses 0.001, whose memory of a thousand steps would lag parameters that Adam moves at these rates). They live
 * in the flat parameter array after the weights (see {@link #trainedParams()}: zero gradient, so no optimizer moves
 * them, and no weight decay), so each worker keeps its own during a round and the driver merges them as it merges
 * the parameters: the sample-weighted mean of the workers' running means and, likewise, the mean of their running
 * variances (simply averaged, not by the law of total variance: each worker's running variance estimates the
 * within-batch variance that training normalises by, and the spread of the workers' running means is the noise of
 * their averages, not variance a batch shows). They are saved with the model (as parameters), checkpointed, and
 * used in every other pass (the reported loss, validation, encode, decode, transform), so inference is
 * deterministic and a row's code does not depend on the other rows of its block.
 *
 * <p>Built by {@link #builder}. The forward chain (target, encoder, samples, t(z), decoder, -log p(x|z)) is written
 * once in {@link Buffers} and used by training, the -ELBO and the importance-weighted estimate; the backward pass is
 * {@link VaeBackward}, the arrays {@link VaeBuffers}. Immutable; the evaluator holds the buffers.
 */
public final class Vae implements Objective {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final long BINARIZE = 0x7F4A7C159E3779B9L;
  private static final long DROPOUT = 0x44524F50L;
  /** Batch normalisation's eps in 1 / sqrt(var + eps). */
  public static final double BN_EPSILON = 1e-3;
  /** The momentum rho of batch normalisation's running statistics, M := (1 - rho) M + rho m. */
  public static final double BN_MOMENTUM = 0.1;

  private final int d;
  private final int k;
  private final DenseLayers encoder;
  private final DenseLayers decoder;
  private final Likelihood likelihood;
  private final Prior prior;
  private final boolean softmaxLatent;
  private final int samples;
  private final int iwaeSamples;
  private final double beta;
  private final double warmupEpochs;
  private final boolean binarize;
  private final float latentDropout;
  private final boolean batchNorm;
  /** Where the running statistics start in the flat parameters: the weights' count. */
  private final int statsOffset;
  private final int numParams;

  /** A VAE for rows of d features, a latent of size k and the decoder {@code likelihood}; see {@link VaeBuilder}. */
  public static VaeBuilder builder(int d, int k, Likelihood likelihood) {
    return new VaeBuilder(d, k, likelihood);
  }

  /** The positional form of {@link #builder}, argument for argument (kept for the callers written against it). */
  public Vae(int d, int[] encoderHidden, int k, int[] decoderHidden, Activation hidden, Likelihood likelihood,
      Prior prior, boolean softmaxLatent, int samples, double beta, double warmupEpochs, boolean binarize,
      double latentDropout) {
    this(builder(d, k, likelihood).encoderHidden(encoderHidden).decoderHidden(decoderHidden).hidden(hidden)
        .prior(prior).softmaxLatent(softmaxLatent).samples(samples).beta(beta).warmupEpochs(warmupEpochs)
        .binarize(binarize).latentDropout(latentDropout));
  }

  Vae(VaeBuilder b) {
    this.d = b.d;
    this.k = b.k;
    this.encoder = DenseLayers.stack(concat(d, b.encoderHidden, 2 * k), b.hidden, 0);
    this.decoder = DenseLayers.stack(concat(k, b.decoderHidden, b.likelihood.outputSize(d)), b.hidden,
        encoder.numParams());
    this.likelihood = b.likelihood;
    this.prior = b.prior;
    this.softmaxLatent = b.softmaxLatent;
    this.samples = b.samples;
    this.iwaeSamples = b.iwaeSamples;
    this.beta = b.beta;
    this.warmupEpochs = b.warmupEpochs;
    this.binarize = b.binarize;
    this.latentDropout = (float) b.latentDropout;
    this.batchNorm = b.batchNorm;
    this.statsOffset = encoder.numParams() + decoder.numParams();
    long total = statsOffset + (batchNorm ? 2L * (2 * k + decoder.outputSize()) : 0);
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the VAE needs " + total + " parameters, more than one array holds");
    }
    this.numParams = (int) total;
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
    return numParams;
  }

  /**
   * The weights and biases; with batch normalisation the running statistics follow, from this offset: the running
   * means of the 2k encoder outputs, their running variances, then the decoder's outputs' means and variances.
   */
  @Override
  public int trainedParams() {
    return statsOffset;
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

  /** K, the importance samples of the training bound: 1 for the ELBO, K &gt; 1 for the IWAE bound. */
  public int iwaeSamples() {
    return iwaeSamples;
  }

  /** Which bound is trained and reported per row: "-ELBO", or "-IWAE-K bound" for K &gt; 1. */
  public String lossName() {
    return iwaeSamples > 1 ? "-IWAE-" + iwaeSamples + " bound" : "-ELBO";
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

  public boolean batchNorm() {
    return batchNorm;
  }

  /**
   * The factor by which inference scales decoder output i before its bias: {@code 1 / sqrt(V_i + eps)} with V_i the
   * running variance, with batch normalisation; 1 without.
   */
  public double outputScale(float[] p, int i) {
    return batchNorm ? 1 / Math.sqrt(p[statsOffset + 4 * k + decoder.outputSize() + i] + BN_EPSILON) : 1;
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
    if (batchNorm) { // running means 0, variances 1
      Arrays.fill(p, statsOffset + 2 * k, statsOffset + 4 * k, 1f);
      int o = decoder.outputSize();
      Arrays.fill(p, statsOffset + 4 * k + o, statsOffset + 4 * k + 2 * o, 1f);
    }
    return p;
  }

  /** Buffers for training and {@link Evaluator#loss}: L K samples per row. */
  @Override
  public Buffers evaluator(int capacity) {
    return new Buffers(capacity, samples * iwaeSamples);
  }

  /** Buffers for up to {@code capacity} rows and {@code draws} latent samples per row at a time. */
  public Buffers evaluator(int capacity, int draws) {
    return new Buffers(capacity, draws);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "VAE(%sencoder %s, decoder %s%s, %s, %s, %s prior, L %d, beta %s%s%s, "
        + "%d parameters)", iwaeSamples > 1 ? lossName() + ", " : "", Arrays.toString(encoder.sizes()),
        softmaxLatent ? "softmax -> " : "",
        Arrays.toString(decoder.sizes()), encoder.hidden().lowerName(), likelihood.lowerName(),
        prior.alpha() > 0 ? "Dirichlet(" + prior.alpha() + ") Laplace" : "N(0, I)", samples, beta,
        warmupEpochs > 0 ? ", warm-up " + warmupEpochs + " epochs" : "", (binarize ? ", binarized" : "")
        + (latentDropout > 0 ? ", latent dropout " + latentDropout : "") + (batchNorm ? ", batch norm" : ""),
        numParams());
  }

  /**
   * One thread's evaluator on its {@link VaeBuffers}: the losses, and the forward chain they share, written once.
   * {@code n <= capacity} rows, {@code draws} samples per row.
   */
  public final class Buffers extends VaeBuffers implements Objective.Evaluator {

    Buffers(int capacity, int draws) {
      super(Vae.this, capacity, draws);
    }

    @Override
    public float[] input() {
      return enc[0];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    // ---- The losses -----------------------------------------------------------------------------------------

    /**
     * One training step's loss on n rows, summed over them, and {@code grad :=} the gradient of its mean plus weight
     * decay: as in PyTorch's VAE example, {@code reconstruction + beta * KL}, the -ELBO when beta(epoch) = 1.
     */
    @Override
    public double gradient(float[] p, float[] grad, float[] target, int n, float weightDecay, double epoch,
        long seed) {
      if (iwaeSamples > 1) {
        return iwaeGradient(p, grad, target, n, weightDecay, epoch, seed, iwaeSamples);
      }
      check(n);
      Arrays.fill(grad, 0f);
      allocateBatchNorm();
      encodePosterior(p, target, n, seed, true);
      double reconstruction = decodeSamples(p, n, draws, seed, 0, true, 1f / (n * draws)) / draws; // sum_j E_q -log p
      double kl = 0;                                                             // sum_j KL(q(z|x_j) || p(z))
      for (int j = 0; j < n; j++) {
        kl += prior.kl(posterior(), j * 2 * k, null, 0f);
      }
      double klWeight = beta(epoch);
      double loss = reconstruction + klWeight * kl; // the -ELBO when klWeight = 1
      VaeBackward.backward(Vae.this, this, p, grad, n, klWeight, weightDecay);
      return loss;
    }

    /**
     * The IWAE training step: the loss of {@link Vae}'s class comment with L = draws / kSamples groups of
     * {@code kSamples} samples, summed over the n rows (each row's loss the mean over its groups), and
     * {@code grad :=} the gradient of its mean plus weight decay. Sample s of row j is column {@code s n + j} of the
     * decoder's block (n L K columns, one level-3 pass), group g its samples gK .. gK + K - 1; the noise is the
     * ELBO's, stream (seed, row, s).
     *
     * <p>Derivation (one row, one group; eps_k fixed, z_k = mu + sigma eps_k, sigma = exp(v/2), prior N(m, diag
     * s^2), beta = beta(epoch)). With {@code l = -log sum_k w_k + log K} and {@code w~ = softmax(log w)},
     * <pre>
     *   dl/dtheta = -sum_k w~_k d(log w_k)/dtheta.
     * </pre>
     * The three parts of {@code log w_k}, as functions of (mu, v) through z_k and directly:
     * <pre>
     *   log p(x|z_k)     through z_k only: d/dz_k by the decoder's backward pass (d/dW_dec directly)
     *   log p(z_k)       = sum_i -(1/2) [log 2 pi + log s_i^2 + (z_ki - m_i)^2 / s_i^2]
     *                      d/dz_ki = -(z_ki - m_i) / s_i^2
     *   log q(z_k|x)     = sum_i -(1/2) [log 2 pi + v_i + ((z_ki - mu_i) / sigma_i)^2]
     *                    = sum_i -(1/2) [log 2 pi + v_i + eps_ki^2]
     * </pre>
     * so with the noise fixed log q depends on the parameters only through -v_i / 2: its path derivative through
     * z_k ({@code -(z - mu) / sigma^2 = -eps / sigma} per unit of dz) cancels its direct derivative in mu
     * ({@code +eps / sigma}) and, in v, the direct {@code (z - mu)^2 / (2 sigma^2) = eps^2 / 2} cancels the path
     * {@code -eps / sigma * dz/dv = -eps / sigma * sigma eps / 2}, leaving {@code d log q / dv_i = -1/2},
     * {@code d log q / dmu_i = 0} (this is the total derivative; dropping the score term instead, as "sticking the
     * landing" does, is a different estimator). With {@code dz_ki/dmu_i = 1}, {@code dz_ki/dv_i = sigma_i eps_ki / 2}
     * and {@code G_k = d(-log p(x|z_k))/dz_k + beta (z_k - m) / s^2}:
     * <pre>
     *   dl/dW_dec = sum_k w~_k d(-log p(x|z_k))/dW_dec
     *   dl/dmu_i  = sum_k w~_k G_ki
     *   dl/dv_i   = sum_k w~_k G_ki sigma_i eps_ki / 2  -  beta / 2          (sum_k w~_k = 1)
     * </pre>
     * and dW_enc by the encoder's backward pass from (dl/dmu, dl/dv). On the block: the decoder's deltas of column
     * c are scaled by {@code w~_c / (n L)} (the mean over rows and groups), so one decoder backward over the n L K
     * columns gives the first line, and {@link VaeBackward} adds {@code beta w~_c / (n L) (z - m) / s^2} to dl/dz
     * before the reparameterisation step and {@code -beta / (2n)} to dl/dv after it. In expectation over eps, K = 1
     * gives the ELBO's gradient with the closed-form KL: {@code E[z - m] = mu - m} and
     * {@code E[(z - m) sigma eps / 2] = sigma^2 / 2}, so dl/dv has mean {@code (sigma^2 / s^2 - 1) / 2 = dKL/dv}.
     * The log-variance is clamped as everywhere ({@link Prior#clampLogVariance}), with no gradient outside.
     */
    double iwaeGradient(float[] p, float[] grad, float[] target, int n, float weightDecay, double epoch, long seed,
        int kSamples) {
      check(n);
      if (kSamples < 1 || draws % kSamples != 0) {
        throw new IllegalArgumentException("buffers of " + draws + " samples per row do not hold groups of K = "
            + kSamples);
      }
      int groups = draws / kSamples;
      int m = n * draws;
      Arrays.fill(grad, 0f);
      allocateBatchNorm();
      encodePosterior(p, target, n, seed, true);
      decodeSamples(p, n, draws, seed, 0, true, 1f); // decDelta := d(-log p(x|z))/da, scaled below
      double b = beta(epoch);
      float[] zs = latentSamples(latentDropout > 0);
      double perColumn = 1.0 / ((double) n * groups);
      double logK = Math.log(kSamples);
      double loss = 0;
      for (int g = 0; g < groups; g++) {
        for (int j = 0; j < n; j++) {
          int first = g * kSamples * n + j; // column of sample gK of row j; its K samples are n columns apart
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0, c = first; s < kSamples; s++, c += n) {
            double lw = -nll[c];
            if (b > 0) {
              lw += b * (prior.logDensity(zs, c * k) - logPosterior(j, c));
            }
            iwWeight[c] = lw;
            max = Math.max(max, lw);
          }
          double sum = 0;
          for (int s = 0, c = first; s < kSamples; s++, c += n) {
            double e = Math.exp(iwWeight[c] - max);
            iwWeight[c] = e;
            sum += e;
          }
          loss += logK - (max + Math.log(sum)); // -log (1/K) sum_k w_k, by log-sum-exp
          for (int s = 0, c = first; s < kSamples; s++, c += n) {
            iwWeight[c] = iwWeight[c] / sum * perColumn;
          }
        }
      }
      int o = decoder.outputSize();
      for (int c = 0; c < m; c++) {
        float w = (float) iwWeight[c];
        for (int i = c * o; i < (c + 1) * o; i++) {
          decDelta[i] *= w;
        }
      }
      VaeBackward.backward(Vae.this, this, p, grad, n, 0, weightDecay, iwWeight, b);
      return loss / groups;
    }

    /**
     * The reported per-row loss summed over the first n columns of the input (beta = 1), each row's noise keyed by
     * its values: the -ELBO, or with K &gt; 1 the -IWAE-K bound (K samples).
     */
    @Override
    public double loss(float[] p, int n, long seed) {
      return iwaeSamples > 1 ? -logLikelihood(p, n, iwaeSamples, seed, null) : negElbo(p, n, seed, null, null);
    }

    /**
     * Per-row -ELBO into {@code out[j]} (may be null) and its parts (reconstruction, KL) into {@code parts[2j],
     * parts[2j+1]} (may be null), estimated with this evaluator's {@code draws} samples; returns the sum. Row noise
     * is keyed by (seed, the row's values), so a row gets the same figure in any block or partition.
     */
    public double negElbo(float[] p, int n, long seed, double[] out, double[] parts) {
      check(n);
      encodePosterior(p, enc[0], n, seed, false);
      decodeSamples(p, n, draws, seed, 0, false, 0f);
      double total = 0;
      for (int j = 0; j < n; j++) {
        double reconstruction = 0; // (1/L) sum_l -log p(x_j | z_jl)
        for (int l = 0; l < draws; l++) {
          reconstruction += nll[l * n + j];
        }
        reconstruction /= draws;
        double kl = prior.kl(posterior(), j * 2 * k, null, 0f);
        double negElbo = reconstruction + kl;
        if (out != null) {
          out[j] = negElbo;
        }
        if (parts != null) {
          parts[2 * j] = reconstruction;
          parts[2 * j + 1] = kl;
        }
        total += negElbo;
      }
      return total;
    }

    /**
     * Importance-weighted estimates of log p(x_j) with K samples (Burda et al. 2016, eq. 8) into {@code out[j]} for
     * the first n columns of the input: {@code log (1/K) sum_k w_k} with {@code log w_k = log p(x|z_k) + log p(z_k)
     * - log q(z_k|x)}; q(z|x) is the proposal, samples are drawn {@code draws} at a time and combined with a running
     * log-sum-exp. Returns the sum.
     */
    public double logLikelihood(float[] p, int n, int kSamples, long seed, double[] out) {
      check(n);
      if (kSamples < 1) {
        throw new IllegalArgumentException("importance samples K = " + kSamples + " must be >= 1");
      }
      encodePosterior(p, enc[0], n, seed, false);
      Arrays.fill(logW, 0, n, Double.NEGATIVE_INFINITY);
      Arrays.fill(acc, 0, n, 0.0);
      for (int first = 0; first < kSamples; first += draws) {
        int s = Math.min(draws, kSamples - first);
        decodeSamples(p, n, s, seed, first, false, 0f);
        for (int l = 0; l < s; l++) {
          for (int j = 0; j < n; j++) {
            double w = -nll[l * n + j] + prior.logDensity(z, (l * n + j) * k) - logPosterior(j, l * n + j);
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

    /** log q(z|x_j) of the sample in column c, from its noise: {@code -(1/2) sum_i [log 2 pi + v_i + eps_i^2]}. */
    private double logPosterior(int j, int c) {
      float[] h = posterior();
      int ho = j * 2 * k;
      int zo = c * k;
      double logQ = 0;
      for (int i = 0; i < k; i++) {
        double e = eps[zo + i];
        logQ -= 0.5 * (LOG_2PI + Prior.clampLogVariance(h[ho + k + i]) + e * e);
      }
      return logQ;
    }

    // ---- The forward chain, written once --------------------------------------------------------------------

    /** Runs the encoder on the first n columns of {@link #input()}: (mu, v) into {@link #posterior()}. */
    public void encode(float[] p, int n) {
      check(n);
      encoder.forward(p, enc, n);
      normalizePosterior(p, n, false);
    }

    /**
     * x -> q(z|x) for the first n rows: the likelihood's target from {@code target} (binarised when set, each row's
     * draw keyed by its index in training and by its values in evaluation), then the encoder.
     */
    private void encodePosterior(float[] p, float[] target, int n, long seed, boolean training) {
      prepareTarget(target, n, seed, !training);
      encoder.forward(p, enc, n);
      normalizePosterior(p, n, training);
    }

    /**
     * Samples {@code firstSample .. firstSample + s - 1} of each of the n encoded rows through the decoder: z = mu +
     * sigma eps, t(z) (with latent dropout in training), the decoder, and -log p(x_j | z_jl) into
     * {@code nll[l*n + j]}; in training also {@code decDelta := scale * d(-log p)/da}. Returns the sum of -log p.
     */
    private double decodeSamples(float[] p, int n, int s, long seed, int firstSample, boolean training,
        float scale) {
      int m = n * s;
      sample(n, s, seed, firstSample);
      if (training && latentDropout > 0) {
        dropLatent(m, seed);
        decoder.forward(p, dec, m);
      } else {
        decode(p, m);
      }
      normalizeOutput(p, m, training);
      int o = decoder.outputSize();
      float[] a = decoderOutput();
      float[] delta = training ? decDelta : null;
      double total = 0;
      for (int l = 0; l < s; l++) {
        total += likelihood.negLogLikelihood(a, l * n * o, x, 0, d, n, delta, scale, nll, l * n);
      }
      return total;
    }

    /** Runs the decoder on the first {@code cols} columns of z (after t = softmax if set). */
    private void decode(float[] p, int cols) {
      if (softmaxLatent) {
        Softmax.columns(z, dec[0], cols, k);
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
      normalizeOutput(p, n, false);
    }

    // ---- Batch normalisation of the last layers ---------------------------------------------------------------

    /** Batch-normalises (mu, v) of n rows (no-op without batch norm); in training by the batch's statistics. */
    private void normalizePosterior(float[] p, int n, boolean training) {
      if (batchNorm) {
        encBatch = normalize(p, posterior(), encoder, 2 * k, n, statsOffset, training, encXhat, encInvStd);
      }
    }

    /** Batch-normalises the decoder's output of {@code cols} columns (no-op without batch norm). */
    private void normalizeOutput(float[] p, int cols, boolean training) {
      if (batchNorm) {
        decBatch = normalize(p, decoderOutput(), decoder, decoder.outputSize(), cols, statsOffset + 4 * k,
            training, decXhat, decInvStd);
      }
    }

    /**
     * {@code a := BN(a - b) + b} on the first n columns of the last layer's output a (f x n, b its bias), the running
     * statistics at {@code stats} (means) and {@code stats + f} (variances). Training with n &gt;= 2 uses the batch's
     * statistics, keeps xhat and 1 / std for the backward pass and updates the running statistics in p; returns
     * whether it did. Otherwise the running statistics, in float (evaluation buffers get no double scratch).
     */
    private boolean normalize(float[] p, float[] a, DenseLayers layers, int f, int n, int stats, boolean training,
        double[] xhat, double[] invStd) {
      int bias = layers.biasOffset(layers.layers() - 1);
      if (!training) {
        for (int i = 0; i < f; i++) {
          bnScale[i] = (float) (1 / Math.sqrt(p[stats + f + i] + BN_EPSILON));
        }
        for (int j = 0; j < n; j++) {
          int o = j * f;
          for (int i = 0; i < f; i++) {
            a[o + i] = (a[o + i] - p[bias + i] - p[stats + i]) * bnScale[i] + p[bias + i];
          }
        }
        return false;
      }
      for (int j = 0; j < n; j++) {
        int o = j * f;
        for (int i = 0; i < f; i++) {
          xhat[o + i] = (double) a[o + i] - p[bias + i];
        }
      }
      boolean batch = n >= 2;
      if (batch) {
        BatchNorm.normalize(xhat, f, n, BN_EPSILON, bnMean, bnVar, invStd);
        BatchNorm.updateRunning(p, stats, stats + f, bnMean, bnVar, f, n, BN_MOMENTUM);
      } else {
        BatchNorm.normalizeWith(xhat, f, n, BN_EPSILON, p, stats, stats + f, invStd);
      }
      for (int j = 0; j < n; j++) {
        int o = j * f;
        for (int i = 0; i < f; i++) {
          a[o + i] = (float) (xhat[o + i] + p[bias + i]);
        }
      }
      return batch;
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
      System.arraycopy(target, 0, x, 0, d * n);
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
        Softmax.columns(z, theta, cols, k);
      } else {
        System.arraycopy(z, 0, theta, 0, k * cols);
      }
      float kept = 1f / (1f - latentDropout);
      noise.reseed(Noise.streamSeed(seed, DROPOUT, 0));
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
  }
}
