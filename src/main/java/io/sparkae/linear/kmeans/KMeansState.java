package io.sparkae.linear.kmeans;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;

/**
 * What a k-means round broadcasts: the centers C (d x k, center j in column j) and their squared norms
 * {@code ||c_j||^2}, computed once on the driver; for a Lloyd fit with distance bounds ({@link BoundedRound}) also
 * the fit's id, how far each center moved since the previous round and half the distance from each center to its
 * nearest other center. A plain class, not a record: broadcasts go through Kryo.
 */
final class KMeansState implements Serializable {
  private static final long serialVersionUID = 1L;

  final DenseMatrix centers;
  final double[] norms;
  /** The fit's id in the executors' {@code PartitionStore}, or null for rounds without bounds. */
  final String fit;
  /**
   * Upper bounds on {@code ||c_j - c_j'||} (c' the previous round's centers), or null in the first round of a fit:
   * then every distance is computed.
   */
  final double[] moves;
  /** The largest of {@link #moves} (0 when null), the center that moved it, and the largest of the others. */
  final double maxMove;
  final int maxMover;
  final double otherMove;
  /** Lower bounds on half the distance from center j to its nearest other center (+inf when k = 1), or null. */
  final double[] half;
  /**
   * Lower bounds on {@code ||c_a - c_j||} ({@code [a k + j]}; 0 on the diagonal) for a bounded fit whose rows keep
   * one bound per center ({@link BoundedRound#perCenter}), else null.
   */
  final double[] between;
  /** The largest squared center norm: the rounding allowance of every expanded distance of a row scales with it. */
  final double maxNorm;

  KMeansState(DenseMatrix centers) {
    this(centers, null, null);
  }

  /**
   * The state of a round of fit {@code fit} (null: no bounds) at {@code centers}, which the previous round's
   * {@code previous} centers (null in the first round) moved to.
   */
  KMeansState(DenseMatrix centers, String fit, DenseMatrix previous) {
    this.centers = centers;
    this.norms = squaredNorms(centers);
    this.fit = fit;
    double mx = 0;
    for (double v : norms) {
      mx = Math.max(mx, v);
    }
    this.maxNorm = mx;
    int d = centers.rows;
    int k = centers.cols;
    // Rounding of a d-term sum of squares or dot product: at most about d units in the last place (Higham 2002, 3.1).
    double slack = 1e-15 * (d + 8);
    if (fit == null || previous == null) {
      moves = null;
      maxMove = 0;
      maxMover = -1;
      otherMove = 0;
    } else {
      moves = new double[k];
      double most = 0;
      int mover = 0;
      double other = 0;
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          double r = centers.values[j * d + i] - previous.values[j * d + i];
          s += r * r;
        }
        moves[j] = Math.sqrt(s) * (1 + slack) + Double.MIN_NORMAL;
        if (moves[j] > most) {
          other = most;
          most = moves[j];
          mover = j;
        } else {
          other = Math.max(other, moves[j]);
        }
      }
      maxMove = most;
      maxMover = mover;
      otherMove = other;
    }
    if (fit == null) {
      half = null;
      between = null;
    } else {
      // ||c_a - c_j||^2 = ||c_a||^2 + ||c_j||^2 - 2 c_a^T c_j, less its rounding allowance: a lower bound.
      double[] gram = new double[k * k];
      Blas.blas().dgemm("T", "N", k, k, d, 1.0, centers.values, 0, d, centers.values, 0, d, 0.0, gram, 0, k);
      half = new double[k];
      between = BoundedRound.perCenter(d, k) ? new double[k * k] : null;
      for (int a = 0; a < k; a++) {
        double nearest = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          if (j != a) {
            double sum = norms[a] + norms[j];
            double lower = sum - 2 * gram[a * k + j] - slack * sum;
            if (between != null) {
              between[a * k + j] = Math.sqrt(Math.max(0, lower));
            }
            nearest = Math.min(nearest, lower);
          }
        }
        half[a] = nearest == Double.POSITIVE_INFINITY ? nearest : 0.5 * Math.sqrt(Math.max(0, nearest));
      }
    }
  }

  /** C^T (k x d column-major, {@code [t k + i] = c_i[t]}) for sparse blocks; built once per executor, on demand. */
  private transient double[] transposed;

  synchronized double[] transposed() {
    if (transposed == null) {
      int d = centers.rows;
      int k = centers.cols;
      double[] t = new double[d * k];
      double[] cv = centers.values;
      for (int i = 0; i < k; i++) {
        for (int r = 0; r < d; r++) {
          t[r * k + i] = cv[i * d + r];
        }
      }
      transposed = t;
    }
    return transposed;
  }

  int dim() {
    return centers.rows;
  }

  int k() {
    return centers.cols;
  }

  static double[] squaredNorms(DenseMatrix c) {
    double[] out = new double[c.cols];
    int d = c.rows;
    for (int j = 0; j < c.cols; j++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        double v = c.values[j * d + i];
        s += v * v;
      }
      out[j] = s;
    }
    return out;
  }
}
