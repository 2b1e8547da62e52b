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
}
