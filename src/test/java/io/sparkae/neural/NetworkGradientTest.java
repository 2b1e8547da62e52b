package io.sparkae.neural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Spread;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks: the backward pass against central finite differences of the minibatch objective, for every
 * activation (as hidden, code and output activation), both losses, tied weights, the L1 code penalty, top-k codes
 * and weight decay. Finite differences are taken in float with step 1e-3 on an objective summed in double.
 */
@Tag("stochastic")
class NetworkGradientTest {

  private static double objective(Network net, float[] p, float[] x, int n, float wd) {
    Network.Workspace ws = net.workspace(n);
    System.arraycopy(x, 0, ws.acts[0], 0, x.length);
    net.forward(p, ws, n);
    Architecture a = net.architecture();
    double loss = a.loss().evaluate(ws.acts[a.layers()], x, a.inputSize(), n, null, 1f, null);
    if (a.l1() > 0) {
      float[] z = ws.acts[a.codeLayer()];
      for (int i = 0; i < a.codeSize() * n; i++) {
        loss += a.l1() * Math.abs(z[i]);
      }
    }
    double decay = 0;
    for (int l = 0; l < a.layers(); l++) {
      if (a.ownsWeights(l)) {
        for (int i = 0; i < a.size(l) * a.size(l + 1); i++) {
          float w = p[a.weightOffset(l) + i];
          decay += (double) w * w;
        }
      }
    }
    return loss / n + wd / 2 * decay;
  }

  private static void assertGradientsMatch(Architecture a, float wd, long baseSeed) {
    long seed = Spread.seed(baseSeed);
    Network net = new Network(a);
    float[] p = net.initialize(seed);
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (0.1 * r.nextGaussian()); // nonzero biases too
    }
    int n = 3;
    int d = a.inputSize();
    float[] x = new float[d * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = a.loss() == Loss.CROSS_ENTROPY ? (float) r.nextDouble() : (float) r.nextGaussian();
    }
    Network.Workspace ws = net.workspace(n);
    System.arraycopy(x, 0, ws.acts[0], 0, x.length);
    net.forward(p, ws, n);
    float[] grad = new float[p.length];
    double loss = net.backward(p, grad, ws, x, n, wd);
    double obj = objective(net, p, x, n, 0f);
    assertEquals(obj, loss / n, 1e-6 * Math.max(1, Math.abs(obj)), "backward returns the summed loss");
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
      double up = objective(net, p, x, n, wd);
      p[i] = old - h;
      double down = objective(net, p, x, n, wd);
      p[i] = old;
      double numeric = (up - down) / ((double) (old + h) - (double) (old - h));
      double err = Math.abs(numeric - grad[i]);
      worst = Math.max(worst, err / (2e-3 * Math.max(1, scale) + 1e-2 * Math.abs(numeric)));
      assertTrue(err <= 2e-3 * Math.max(1, scale) + 1e-2 * Math.abs(numeric),
          a + ": parameter " + i + " analytic " + grad[i] + " numeric " + numeric);
    }
    Spread.record("network.gradientErrorOverAllowance", worst);
  }

  @Test
  void everyActivationAsHiddenCodeAndOutputWithSquaredError() {
    for (Activation f : Activation.values()) {
      assertGradientsMatch(new Architecture(new int[] {5, 4, 3}, f, f, f, Loss.SQUARED_ERROR, false, 0, 0), 0f, 11);
    }
  }

  @Test
  void crossEntropyFromLogitsWithEveryHiddenActivation() {
    for (Activation f : Activation.values()) {
      assertGradientsMatch(new Architecture(new int[] {6, 4, 2}, f, Activation.IDENTITY, Activation.IDENTITY, Loss.CROSS_ENTROPY,
          false, 0, 0), 0f, 12);
    }
  }

  @Test
  void tiedWeightsL1TopKAndWeightDecay() {
    assertGradientsMatch(new Architecture(new int[] {5, 4, 3}, Activation.TANH, Activation.IDENTITY, Activation.SIGMOID,
        Loss.SQUARED_ERROR, true, 0, 0), 0f, 13);
    assertGradientsMatch(new Architecture(new int[] {5, 3}, Activation.TANH, Activation.TANH, Activation.IDENTITY,
        Loss.SQUARED_ERROR, false, 0, 0.3), 0f, 14);
    assertGradientsMatch(new Architecture(new int[] {6, 5, 4}, Activation.SOFTPLUS, Activation.IDENTITY, Activation.IDENTITY,
        Loss.SQUARED_ERROR, false, 2, 0), 0f, 15);
    assertGradientsMatch(new Architecture(new int[] {5, 4, 3}, Activation.SIGMOID, Activation.SIGMOID, Activation.IDENTITY,
        Loss.CROSS_ENTROPY, true, 0, 0), 0.05f, 16);
  }

  @Test
  void optimizersFollowTheirUpdateRules() {
    float[] p = {1f, -2f};
    float[] g = {0.5f, -4f};
    float[] adam = new float[Optimizer.adam().stateSize(2)];
    Optimizer.adam().step(p, g, adam, 0.1f);
    // Adam's first step is lr * sign(g) (up to eps).
    assertEquals(0.9f, p[0], 1e-6f);
    assertEquals(-1.9f, p[1], 1e-6f);
    assertEquals(1f, adam[4], 0f, "step count kept in the state");
    float[] q = {1f};
    float[] v = new float[1];
    Optimizer sgd = Optimizer.sgd(0.5);
    sgd.step(q, new float[] {1f}, v, 0.1f);
    sgd.step(q, new float[] {1f}, v, 0.1f);
    assertEquals(1f - 0.1f - 0.1f * 1.5f, q[0], 1e-6f, "heavy ball: v = 0.5 v + g");
  }

  @Test
  void lossesMatchTheirFormulas() {
    float[] a = {-30f, 0f, 2f};
    float[] x = {1f, 0.5f, 0f};
    double[] per = new double[3];
    Loss.CROSS_ENTROPY.evaluate(a, x, 1, 3, null, 1f, per);
    assertEquals(30.0, per[0], 1e-9, "stable for large negative logits: -log sigmoid(-30) ~ 30");
    assertEquals(Math.log(2), per[1], 1e-7);
    assertEquals(Math.log1p(Math.exp(2)), per[2], 1e-6);
    float[] y = {1f, 2f};
    float[] t = {0f, 4f};
    assertEquals(5.0, Loss.SQUARED_ERROR.evaluate(y, t, 2, 1, null, 1f, null), 1e-12);
    float[] sp = {-100f, 0f, 100f};
    Activation.SOFTPLUS.apply(sp, 0, 3);
    assertEquals(0f, sp[0], 1e-30f);
    assertEquals((float) Math.log(2), sp[1], 1e-7f);
    assertEquals(100f, sp[2], 1e-5f);
  }
}
