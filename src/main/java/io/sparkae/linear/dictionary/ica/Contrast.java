package io.sparkae.linear.dictionary.ica;

import java.util.Locale;

/**
 * The nonquadratic contrasts of FastICA (Hyvarinen 1999, section 3.3 with a1 = a2 = 1): G approximates
 * negentropy, g = G' and g' = G'' enter the fixed-point update.
 * <pre>
 *   logcosh  G(u) = log cosh u        g(u) = tanh u               g'(u) = 1 - tanh^2 u
 *   exp      G(u) = -exp(-u^2/2)      g(u) = u exp(-u^2/2)        g'(u) = (1 - u^2) exp(-u^2/2)
 *   cube     G(u) = u^4/4             g(u) = u^3                  g'(u) = 3 u^2
 * </pre>
 */
public enum Contrast {
  LOGCOSH, EXP, CUBE;

  public static Contrast parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** g(u). */
  public double g(double u) {
    return switch (this) {
      case LOGCOSH -> Math.tanh(u);
      case EXP -> u * Math.exp(-u * u / 2);
      case CUBE -> u * u * u;
    };
  }

  /** g'(u). */
  public double gPrime(double u) {
    return switch (this) {
      case LOGCOSH -> {
        double t = Math.tanh(u);
        yield 1 - t * t;
      }
      case EXP -> (1 - u * u) * Math.exp(-u * u / 2);
      case CUBE -> 3 * u * u;
    };
  }

  /**
   * For the first n columns of y (k x n, column-major): {@code gp[i] += g'(y_it)} and {@code y_it := g(y_it)}, with the
   * transcendental function evaluated once per entry (the same values as {@link #g} and {@link #gPrime}).
   */
  void applyInPlace(double[] y, int k, int n, double[] gp) {
    switch (this) {
      case LOGCOSH -> {
        for (int t = 0; t < n; t++) {
          for (int i = 0; i < k; i++) {
            double th = Math.tanh(y[t * k + i]);
            y[t * k + i] = th;
            gp[i] += 1 - th * th;
          }
        }
      }
      case EXP -> {
        for (int t = 0; t < n; t++) {
          for (int i = 0; i < k; i++) {
            double u = y[t * k + i];
            double e = Math.exp(-u * u / 2);
            y[t * k + i] = u * e;
            gp[i] += (1 - u * u) * e;
          }
        }
      }
      case CUBE -> {
        for (int t = 0; t < n; t++) {
          for (int i = 0; i < k; i++) {
            double u = y[t * k + i];
            y[t * k + i] = u * u * u;
            gp[i] += 3 * u * u;
          }
        }
      }
      default -> throw new IllegalStateException(name());
    }
  }
}
