package io.sparkae.neural;

import java.util.Locale;

/**
 * Element-wise activations y = f(a), applied in place on a range of a float array. The backward pass is written in
 * terms of the output y alone, so that a layer keeps only its post-activations:
 * <pre>
 *   identity  y = a                           f'(a) = 1
 *   relu      y = max(a, 0)                   f'(a) = [y &gt; 0]
 *   sigmoid   y = 1 / (1 + exp(-a))           f'(a) = y (1 - y)
 *   tanh      y = tanh(a)                     f'(a) = 1 - y^2
 *   softplus  y = log(1 + exp(a))             f'(a) = sigmoid(a) = 1 - exp(-y)
 * </pre>
 */
public enum Activation {
  IDENTITY, RELU, SIGMOID, TANH, SOFTPLUS;

  /** {@code a[off, off + len) := f(a[off, off + len))}. */
  public void apply(float[] a, int off, int len) {
    int end = off + len;
    switch (this) {
      case IDENTITY:
        return;
      case RELU:
        for (int i = off; i < end; i++) {
          if (a[i] < 0f) {
            a[i] = 0f;
          }
        }
        return;
      case SIGMOID:
        for (int i = off; i < end; i++) {
          a[i] = sigmoid(a[i]);
        }
        return;
      case TANH:
        for (int i = off; i < end; i++) {
          a[i] = (float) Math.tanh(a[i]);
        }
        return;
      case SOFTPLUS:
        for (int i = off; i < end; i++) {
          // Stable: log(1 + exp(a)) = max(a, 0) + log1p(exp(-|a|)).
          float v = a[i];
          a[i] = (float) (Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))));
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }

  /** {@code g[i] *= f'(a_i)} for i in [off, off + len), with f'(a) written through y = f(a). */
  public void backward(float[] y, float[] g, int off, int len) {
    int end = off + len;
    switch (this) {
      case IDENTITY:
        return;
      case RELU:
        for (int i = off; i < end; i++) {
          if (y[i] <= 0f) {
            g[i] = 0f;
          }
        }
        return;
      case SIGMOID:
        for (int i = off; i < end; i++) {
          g[i] *= y[i] * (1f - y[i]);
        }
        return;
      case TANH:
        for (int i = off; i < end; i++) {
          g[i] *= 1f - y[i] * y[i];
        }
        return;
      case SOFTPLUS:
        for (int i = off; i < end; i++) {
          g[i] *= (float) -Math.expm1(-y[i]);
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }

  /** Whether He initialisation suits this activation (rectifiers) rather than Xavier/Glorot. */
  public boolean rectifier() {
    return this == RELU || this == SOFTPLUS;
  }

  /** The stable logistic function. */
  public static float sigmoid(float a) {
    if (a >= 0) {
      return (float) (1.0 / (1.0 + Math.exp(-a)));
    }
    double e = Math.exp(a);
    return (float) (e / (1.0 + e));
  }

  /** By lower-case name: identity, relu, sigmoid, tanh, softplus (linear is an alias of identity). */
  public static Activation parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("linear")) {
      return IDENTITY;
    }
    for (Activation a : values()) {
      if (a.name().toLowerCase(Locale.ROOT).equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown activation '" + name
        + "'; expected identity, relu, sigmoid, tanh or softplus");
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
