package io.sparkae.linear.gmm;

import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * The driver's M step (Bishop 2006, eq. 9.24-9.26): from the merged {@link EmStats} the new weights
 * {@code N_j / n}, means {@code S1_j / N_j} and covariances, with {@code regAbs} added to every diagonal. FULL uses
 * the scatter about the broadcast mean c_j: {@code Sigma_j = S2_j / N_j - (mu_j - c_j)(mu_j - c_j)^T}, which loses
 * no digits to a large mean. A component with less than one row's worth of responsibility is re-seeded at the
 * worst explained row with the data's variances and weight 1 / n, and logged.
 */
final class MStep implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Responsibility mass below which a component is empty: less than one row. */
  static final double EMPTY = 1.0;

  private final CovarianceType type;
  private final double regAbs;
  private final double[] dataVariances;
  private final transient Logger log;

  MStep(CovarianceType type, double regAbs, double[] dataVariances, Logger log) {
    this.type = type;
    this.regAbs = regAbs;
    this.dataVariances = dataVariances.clone();
    this.log = log;
  }

  GmmAutoencoder apply(GmmAutoencoder previous, EmStats st, int round) {
    int d = previous.inputSize();
    int k = previous.codeSize();
    DenseMatrix c = previous.means();
    double[] weights = new double[k];
    DenseMatrix means = new DenseMatrix(d, k);
    int[] shape = GmmAutoencoder.covarianceShape(type, d, k);
    DenseMatrix cov = new DenseMatrix(shape[0], shape[1]);
    double meanVariance = 0;
    for (double v : dataVariances) {
      meanVariance += v / Math.max(1, d);
    }
    for (int j = 0; j < k; j++) {
      double nj = st.counts[j];
      if (nj < EMPTY) {
        log.warn("Gaussian mixture round {}: component {} is empty (responsibility {}); re-seeded at the row the "
            + "mixture explains worst (log p(x) = {})", round, j, String.format(Locale.ROOT, "%.3g", nj),
            String.format(Locale.ROOT, "%.6g", st.worstLogP));
        weights[j] = 1.0 / st.rows;
        System.arraycopy(st.worstRow, 0, means.values, j * d, d);
        for (int t = 0; t < d; t++) {
          switch (type) {
            case FULL -> cov.values[j * d * d + t * d + t] = dataVariances[t] + regAbs;
            case DIAG -> cov.values[j * d + t] = dataVariances[t] + regAbs;
            case SPHERICAL -> cov.values[j] = meanVariance + regAbs;
            default -> throw new IllegalStateException();
          }
        }
        continue;
      }
      weights[j] = nj / st.rows;
      for (int t = 0; t < d; t++) {
        means.values[j * d + t] = st.s1.values[j * d + t] / nj;
      }
      switch (type) {
        case FULL -> {
          double[] delta = new double[d];
          for (int t = 0; t < d; t++) {
            delta[t] = means.values[j * d + t] - c.values[j * d + t];
          }
          int base = j * d * d;
          for (int col = 0; col < d; col++) {
            for (int row = 0; row <= col; row++) {
              double v = st.s2.values[base + col * d + row] / nj - delta[row] * delta[col];
              cov.values[base + col * d + row] = v;
              cov.values[base + row * d + col] = v;
            }
            cov.values[base + col * d + col] += regAbs;
          }
        }
        case DIAG -> {
          for (int t = 0; t < d; t++) {
            double m = means.values[j * d + t];
            cov.values[j * d + t] = Math.max(0, st.s2.values[j * d + t] / nj - m * m) + regAbs;
          }
        }
        case SPHERICAL -> {
          double mm = 0;
          for (int t = 0; t < d; t++) {
            double m = means.values[j * d + t];
            mm += m * m;
          }
          cov.values[j] = Math.max(0, st.s2.values[j] / nj - mm) / Math.max(1, d) + regAbs;
        }
        default -> throw new IllegalStateException();
      }
    }
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    for (int j = 0; j < k; j++) {
      weights[j] /= total;
    }
    return new GmmAutoencoder(type, weights, means, cov);
  }
}
