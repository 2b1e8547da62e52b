package io.sparkae.linear.gmm;

import java.util.Locale;

/**
 * The shape of each component's covariance: FULL (any symmetric positive definite d x d matrix, k d (d + 1) / 2
 * parameters), DIAG (a diagonal, k d) or SPHERICAL (s2_j I, k). Saved with a model by name.
 */
public enum CovarianceType {
  FULL, DIAG, SPHERICAL;

  /** The param's text ("full", "diag", "spherical") as the enum. */
  static CovarianceType of(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }

  /** The covariance parameters of k components in d dimensions. */
  long parameters(int k, int d) {
    return switch (this) {
      case FULL -> (long) k * d * (d + 1) / 2;
      case DIAG -> (long) k * d;
      case SPHERICAL -> k;
    };
  }
}
