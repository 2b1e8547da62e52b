package io.sparkae.neural;

import java.io.Serializable;
import java.util.Locale;

/**
 * First-order updates of the flat parameter array p from its gradient g, with their state in one flat float array
 * (so that it is averaged across partitions like the parameters):
 * <pre>
 *   sgd (heavy ball, Polyak 1964)   v := mu v + g;   p := p - lr v                   state: v (P floats)
 *   adam (Kingma and Ba 2015)       t := t + 1;  m := b1 m + (1 - b1) g;  v := b2 v + (1 - b2) g^2;
 *                                   p := p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *                                   state: m, v (2P floats), then t
 * </pre>
 * Plain serializable class (broadcast through Kryo), immutable.
 */
public final class Optimizer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The update rule. */
  public enum Kind { SGD, ADAM }

  private final Kind kind;
  private final float momentum;
  private final float beta1;
  private final float beta2;
  private final float epsilon;

  private Optimizer(Kind kind, double momentum, double beta1, double beta2, double epsilon) {
    this.kind = kind;
    this.momentum = (float) momentum;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
  }

  /** Minibatch SGD with heavy-ball momentum mu in [0, 1) (0: plain SGD). */
  public static Optimizer sgd(double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum = " + momentum + " must lie in [0, 1)");
    }
    return new Optimizer(Kind.SGD, momentum, 0, 0, 0);
  }

  /** Adam with the paper's defaults b1 = 0.9, b2 = 0.999, eps = 1e-8. */
  public static Optimizer adam() {
    return adam(0.9);
  }

  /** Adam with first-moment decay b1 in [0, 1) (ProdLDA uses 0.99), b2 = 0.999, eps = 1e-8. */
  public static Optimizer adam(double beta1) {
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("Adam's beta1 = " + beta1 + " must lie in [0, 1)");
    }
    return new Optimizer(Kind.ADAM, 0, beta1, 0.999, 1e-8);
  }

  /** "sgd" (with {@code momentum}) or "adam". */
  public static Optimizer parse(String name, double momentum) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "sgd":
        return sgd(momentum);
      case "adam":
        return adam();
      default:
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected sgd or adam");
    }
  }

  public Kind kind() {
    return kind;
  }

  /** Floats of state for P parameters. */
  public int stateSize(int numParams) {
    return kind == Kind.ADAM ? 2 * numParams + 1 : momentum > 0 ? numParams : 0;
  }

  /** One update of p[0, P) from g with learning rate lr; state is updated in place. */
  public void step(float[] p, float[] g, float[] state, float lr) {
    int n = p.length;
    if (kind == Kind.SGD) {
      if (momentum == 0f) {
        for (int i = 0; i < n; i++) {
          p[i] -= lr * g[i];
        }
        return;
      }
      for (int i = 0; i < n; i++) {
        float v = momentum * state[i] + g[i];
        state[i] = v;
        p[i] -= lr * v;
      }
      return;
    }
    float t = state[2 * n] + 1f;
    state[2 * n] = t;
    // Bias corrections folded into the step size and epsilon (Kingma and Ba 2015, end of section 2).
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    float stepSize = (float) (lr * Math.sqrt(c2) / c1);
    float eps = (float) (epsilon * Math.sqrt(c2));
    float b1 = beta1;
    float b2 = beta2;
    for (int i = 0; i < n; i++) {
      float gi = g[i];
      float m = b1 * state[i] + (1f - b1) * gi;
      float v = b2 * state[n + i] + (1f - b2) * gi * gi;
      state[i] = m;
      state[n + i] = v;
      p[i] -= stepSize * m / ((float) Math.sqrt(v) + eps);
    }
  }

  @Override
  public String toString() {
    return kind == Kind.ADAM ? (beta1 == 0.9f ? "adam" : "adam(beta1 " + beta1 + ")") : momentum > 0 ? "sgd(momentum " + momentum + ")" : "sgd";
  }
}
