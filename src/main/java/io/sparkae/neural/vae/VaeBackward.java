package io.sparkae.neural.vae;

import io.sparkae.neural.DenseLayers;
import java.util.Arrays;

/**
 * The VAE's backward pass, after a training forward of {@link Vae.Buffers} has left dJ/d(decoder output) in
 * {@link VaeBuffers#decDelta} (already divided by the n L columns). With J the minibatch loss
 * {@code (1/n) sum_j [(1/L) sum_l -log p(x_j | z_jl) + beta KL_j]}, it adds to {@code grad}:
 * <pre>
 *   batch norm   dJ/du from dJ/da, a = BN(u) + b, and dJ/db          (with batch normalisation; {@link VaeBuffers})
 *   decoder      dJ/dW_dec, and dJ/dt at the decoder's input       (dense layers, {@link DenseLayers#backward})
 *   dropout      dJ/dt *= keep
 *   softmax      dJ/dz = theta * (dJ/dt - &lt;dJ/dt, theta&gt;)      (only with the softmax latent)
 *   reparam.     z = mu + exp(v/2) eps:  dJ/dmu += dJ/dz,  dJ/dv += dJ/dz * exp(v/2) eps / 2   (summed over l)
 *   KL           dJ/d(mu, v) += (beta / n) dKL/d(mu, v)             (closed form, {@link Prior#kl})
 *   batch norm   the same through BN of (mu, v)                     (with batch normalisation)
 *   encoder      dJ/dW_enc                                           (dense layers)
 *   decay        weightDecay * W on every weight block
 * </pre>
 * For the IWAE ({@link Vae.Buffers#iwaeGradient}, which derives it) the decoder's deltas arrive already scaled by
 * each column's weight {@code w~_c / (n L)}, the closed-form KL is off (klWeight = 0), and the sampled prior and
 * posterior terms of the log-weights add
 * <pre>
 *   prior        dJ/dz_c += beta w~_c / (n L) (z_c - m) / s^2           (before the reparameterisation step)
 *   posterior    dJ/dv   += -beta / (2n)                                 (log q = sum -(v + eps^2 + log 2 pi) / 2)
 * </pre>
 */
final class VaeBackward {
  private VaeBackward() {}

  static void backward(Vae vae, VaeBuffers b, float[] p, float[] grad, int n, double klWeight,
      float weightDecay) {
    backward(vae, b, p, grad, n, klWeight, weightDecay, null, 0);
  }

  /**
   * The backward pass; with {@code iwWeight} non-null (the IWAE: per column {@code w~_c / (n L)}) also the sampled
   * prior and posterior terms, weighted by {@code iwBeta}.
   */
  static void backward(Vae vae, VaeBuffers b, float[] p, float[] grad, int n, double klWeight,
      float weightDecay, double[] iwWeight, double iwBeta) {
    int k = vae.latentSize();
    int m = n * b.draws;
    DenseLayers encoder = vae.encoder();
    DenseLayers decoder = vae.decoder();
    boolean dropout = vae.latentDropout() > 0;
    if (vae.batchNorm()) {
      b.normalizedBackward(grad, b.decDelta, decoder.biasOffset(decoder.layers() - 1), decoder.outputSize(), m,
          b.decXhat, b.decInvStd, b.decBatch);
    }
    decoder.backward(p, grad, b.dec, b.decDelta, b.decScratch, m, b.dTheta);
    if (dropout) {
      for (int i = 0; i < k * m; i++) {
        b.dTheta[i] *= b.keep[i];
      }
    }
    if (vae.softmaxLatent()) {
      Softmax.backward(dropout ? b.theta : b.dec[0], b.dTheta, m, k);
    }
    boolean sampledKl = iwWeight != null && iwBeta > 0;
    if (sampledKl) {
      Prior prior = vae.prior();
      float[] z = b.latentSamples(dropout);
      for (int c = 0; c < m; c++) {
        double w = iwBeta * iwWeight[c];
        int zo = c * k;
        for (int i = 0; i < k; i++) {
          b.dTheta[zo + i] += (float) (w * (z[zo + i] - prior.mean(i)) / prior.variance(i));
        }
      }
    }
    float[] h = b.posterior();
    Arrays.fill(b.encDelta, 0, 2 * k * n, 0f);
    for (int l = 0; l < b.draws; l++) {
      for (int j = 0; j < n; j++) {
        int ho = j * 2 * k;
        int zo = (l * n + j) * k;
        for (int i = 0; i < k; i++) {
          float g = b.dTheta[zo + i];
          float raw = h[ho + k + i];
          double v = Prior.clampLogVariance(raw);
          b.encDelta[ho + i] += g;
          if (v == raw) {
            b.encDelta[ho + k + i] += g * 0.5f * (float) Math.exp(0.5 * v) * b.eps[zo + i];
          }
        }
      }
    }
    if (sampledKl) {
      float dv = (float) (-0.5 * iwBeta / n);
      for (int j = 0; j < n; j++) {
        int ho = j * 2 * k;
        for (int i = 0; i < k; i++) {
          if (Prior.clampLogVariance(h[ho + k + i]) == h[ho + k + i]) {
            b.encDelta[ho + k + i] += dv;
          }
        }
      }
    }
    if (klWeight > 0) {
      for (int j = 0; j < n; j++) {
        vae.prior().kl(h, j * 2 * k, b.encDelta, (float) (klWeight / n));
      }
    }
    if (vae.batchNorm()) {
      b.normalizedBackward(grad, b.encDelta, encoder.biasOffset(encoder.layers() - 1), 2 * k, n, b.encXhat,
          b.encInvStd, b.encBatch);
    }
    encoder.backward(p, grad, b.enc, b.encDelta, b.encScratch, n, null);
    encoder.addWeightDecay(p, grad, weightDecay);
    decoder.addWeightDecay(p, grad, weightDecay);
  }
}
