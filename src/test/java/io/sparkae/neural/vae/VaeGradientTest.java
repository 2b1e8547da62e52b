package io.sparkae.neural.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.neural.Activation;
import io.sparkae.testing.Spread;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The VAE's backward pass against central finite differences of its minibatch objective (the noise is a function of
 * the step seed, so the objective is a deterministic function of the parameters), for every decoder, with and
 * without hidden layers, with the softmax latent of the topic model, latent dropout, several samples, a KL weight
 * and weight decay, and for the IWAE bound;
 * and the closed-form KL against its textbook one-dimensional form and a Monte Carlo estimate.
 */
@Tag("stochastic")
class VaeGradientTest {

  private static double objective(Vae vae, float[] p, float[] x, int n, float wd, double epoch, long seed) {
    Vae.Buffers b = vae.evaluator(n);
    System.arraycopy(x, 0, b.input(), 0, x.length);
    double loss = b.gradient(p, new float[p.length], x, n, 0f, epoch, seed);
    double decay = 0;
    for (var stack : new io.sparkae.neural.DenseLayers[] {vae.encoder(), vae.decoder()}) {
      for (int l = 0; l < stack.layers(); l++) {
        for (int i = 0; i < stack.size(l) * stack.size(l + 1); i++) {
          float w = p[stack.weightOffset(l) + i];
          decay += (double) w * w;
        }
      }
    }
    return loss / n + wd / 2 * decay;
  }

  private static float[] data(Likelihood lik, int d, int n, SplittableRandom r) {
    float[] x = new float[d * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = switch (lik) {
        case BERNOULLI -> (float) r.nextDouble();
        case GAUSSIAN -> (float) r.nextGaussian();
        case MULTINOMIAL -> r.nextInt(4);
      };
    }
    return x;
  }

  private static void assertGradientsMatch(Vae vae, float wd, double epoch, long baseSeed) {
    long seed = Spread.seed(baseSeed);
    float[] p = vae.initialize(seed);
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (0.1 * r.nextGaussian());
    }
    int n = 3;
    float[] x = data(vae.likelihood(), vae.inputSize(), n, r);
    long stepSeed = seed * 31 + 7;
    Vae.Buffers b = vae.evaluator(n);
    System.arraycopy(x, 0, b.input(), 0, x.length);
    float[] grad = new float[p.length];
    b.gradient(p, grad, x, n, wd, epoch, stepSeed);
    double scale = 0;
    for (float g : grad) {
      scale = Math.max(scale, Math.abs(g));
    }
    // Central differences in float with h = 1e-3: truncation O(h^2) and rounding O(eps_float |f| / h), about 1e-4
    // of the objective's scale; the allowance below is 20x to 30x that. worst = largest err / allowance: measured
    // at most 0.18 (network) and 0.02 (VAE) over 5 seeds and both BLAS.
    float h = 1e-3f;
    double worst = 0;
    for (int i = 0; i < p.length; i++) {
      float old = p[i];
      p[i] = old + h;
      double up = objective(vae, p, x, n, wd, epoch, stepSeed);
      p[i] = old - h;
      double down = objective(vae, p, x, n, wd, epoch, stepSeed);
      p[i] = old;
      double numeric = (up - down) / ((double) (old + h) - (double) (old - h));
      double err = Math.abs(numeric - grad[i]);
      worst = Math.max(worst, err / (3e-3 * Math.max(1, scale) + 1e-2 * Math.abs(numeric)));
      assertTrue(err <= 3e-3 * Math.max(1, scale) + 1e-2 * Math.abs(numeric),
          vae + ": parameter " + i + " analytic " + grad[i] + " numeric " + numeric);
    }
    Spread.record("vae.gradientErrorOverAllowance", worst);
  }

  @Test
  void everyDecoderWithAndWithoutHiddenLayers() {
    for (Likelihood lik : Likelihood.values()) {
      assertGradientsMatch(new Vae(5, new int[] {4}, 2, new int[] {3}, Activation.TANH, lik, Prior.standardNormal(2),
          false, 2, 1.0, 0, false, 0), 0f, 1, 21);
      assertGradientsMatch(new Vae(4, new int[0], 2, new int[0], Activation.RELU, lik, Prior.standardNormal(2),
          false, 1, 1.0, 0, false, 0.3), 0f, 1, 22);
    }
  }

  @Test
  void softmaxLatentWithDirichletPriorKlWeightWarmUpAndWeightDecay() {
    assertGradientsMatch(new Vae(6, new int[] {5}, 3, new int[0], Activation.SOFTPLUS, Likelihood.MULTINOMIAL,
        Prior.dirichletLaplace(3, 0.5), true, 2, 1.0, 0, false, 0.2), 0f, 1, 23);
    assertGradientsMatch(new Vae(5, new int[] {4, 3}, 2, new int[] {4}, Activation.RELU, Likelihood.BERNOULLI,
        Prior.standardNormal(2), false, 1, 0.5, 4, false, 0), 0.05f, 1.5, 24);
    assertGradientsMatch(new Vae(5, new int[] {4}, 2, new int[] {3}, Activation.SIGMOID, Likelihood.BERNOULLI,
        Prior.standardNormal(2), false, 3, 1.0, 0, true, 0), 0f, 1, 25);
  }

  /**
   * Batch normalisation of (mu, v) and of the decoder's output, through the whole VAE: the topic model's shape
   * (softmax latent, Dirichlet prior, multinomial decoder) with two samples and latent dropout, and a Bernoulli VAE
   * with hidden layers on both sides. The running statistics get a zero gradient (and do not enter the training
   * loss, so their numeric derivative is 0 too).
   */
  @Test
  void batchNormalisedOutputsOfBothNetworks() {
    assertGradientsMatch(Vae.builder(6, 3, Likelihood.MULTINOMIAL).encoderHidden(5).hidden(Activation.SOFTPLUS)
        .prior(Prior.dirichletLaplace(3, 0.5)).softmaxLatent(true).samples(2).latentDropout(0.2).batchNorm(true)
        .build(), 0f, 1, 26);
    assertGradientsMatch(Vae.builder(5, 2, Likelihood.BERNOULLI).encoderHidden(4).decoderHidden(3)
        .hidden(Activation.TANH).batchNorm(true).build(), 0.05f, 0.5, 27);
  }

  @Test
  void iwaeBoundWithEveryDecoderGroupsSoftmaxLatentDropoutWarmUpAndWeightDecay() {
    for (Likelihood lik : Likelihood.values()) {
      assertGradientsMatch(Vae.builder(5, 2, lik).encoderHidden(4).decoderHidden(3).hidden(Activation.TANH)
          .iwaeSamples(4).build(), 0f, 1, 26);
    }
    assertGradientsMatch(Vae.builder(6, 3, Likelihood.MULTINOMIAL).encoderHidden(5).hidden(Activation.SOFTPLUS)
        .prior(Prior.dirichletLaplace(3, 0.5)).softmaxLatent(true).samples(2).iwaeSamples(3).latentDropout(0.2)
        .build(), 0f, 1, 27);
    assertGradientsMatch(Vae.builder(5, 2, Likelihood.BERNOULLI).encoderHidden(4, 3).decoderHidden(4)
        .samples(2).iwaeSamples(3).beta(0.5).warmupEpochs(4).latentDropout(0.3).build(), 0.05f, 1.5, 28);
  }

  /**
   * The two options merged from separate work: batch normalisation of the decoder's output over the n L K columns of
   * an IWAE block, whose deltas are weighted by the normalised importance weights (BN's backward is linear in them).
   */
  @Test
  void iwaeBoundWithBatchNormalisation() {
    assertGradientsMatch(Vae.builder(6, 3, Likelihood.MULTINOMIAL).encoderHidden(5).hidden(Activation.SOFTPLUS)
        .prior(Prior.dirichletLaplace(3, 0.5)).softmaxLatent(true).samples(2).iwaeSamples(3).batchNorm(true)
        .build(), 0f, 1, 29);
    assertGradientsMatch(Vae.builder(5, 2, Likelihood.BERNOULLI).encoderHidden(4).decoderHidden(3)
        .hidden(Activation.TANH).iwaeSamples(4).batchNorm(true).build(), 0.05f, 0.5, 30);
  }

  @Test
  void klMatchesTheOneDimensionalFormulaAndMonteCarlo() {
    Prior p = Prior.dirichletLaplace(2, 0.3);
    float mu = 0.7f;
    float v = -0.4f;
    float[] h = {mu, 0.1f, v, 0.2f};
    double kl = p.kl(h, 0, null, 0f);
    double expected = 0;
    float[] mus = {mu, 0.1f};
    float[] vs = {v, 0.2f};
    for (int i = 0; i < 2; i++) {
      double sigma = Math.exp(vs[i] / 2);
      double s = Math.sqrt(p.variance(i));
      double m = p.mean(i);
      expected += Math.log(s / sigma) + (sigma * sigma + (mus[i] - m) * (mus[i] - m)) / (2 * s * s) - 0.5;
    }
    assertEquals(expected, kl, 1e-6);
    // Monte Carlo: E_q[log q(z) - log p(z)] over 400,000 draws, within 5 standard errors.
    SplittableRandom r = new SplittableRandom(5);
    int draws = 400_000;
    double sum = 0;
    double sq = 0;
    float[] z = new float[2];
    for (int t = 0; t < draws; t++) {
      double logQ = 0;
      for (int i = 0; i < 2; i++) {
        double e = r.nextGaussian();
        z[i] = (float) (mus[i] + Math.exp(vs[i] / 2) * e);
        logQ -= 0.5 * (Math.log(2 * Math.PI) + vs[i] + e * e);
      }
      double term = logQ - p.logDensity(z, 0);
      sum += term;
      sq += term * term;
    }
    double mean = sum / draws;
    double se = Math.sqrt((sq / draws - mean * mean) / draws);
    assertEquals(kl, mean, 5 * se);
    assertEquals(0.0, Prior.standardNormal(3).kl(new float[6], 0, null, 0f), 1e-12, "KL(N(0,I) || N(0,I)) = 0");
  }

  @Test
  void dirichletLaplaceMomentsFollowSrivastavaAndSutton() {
    Prior p = Prior.dirichletLaplace(50, 0.02);
    assertEquals(0.0, p.mean(7), 1e-12);
    assertEquals((1 / 0.02) * (1 - 1.0 / 50), p.variance(7), 1e-9);
  }
}
