package io.sparkae.linear.kmeans;

import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * The driver's half of a k-means round: new centers from the merged {@link ClusterStats}, re-seeding of empty
 * clusters, and how far the centers moved.
 * <ul>
 *   <li>Lloyd: {@code c_j := S_j / n_j}, the mean of the rows assigned to j.</li>
 *   <li>Mini-batch (Sculley 2010): each center keeps the count v_j of rows ever assigned to it and moves towards
 *   each new row with learning rate 1/v_j; for a batch with m_j rows summing to S_j this is exactly
 *   {@code c_j := c_j + (S_j - m_j c_j) / (v_j + m_j)}, {@code v_j := v_j + m_j}.</li>
 * </ul>
 * A cluster with no rows (Lloyd) or none ever (mini-batch) takes the row farthest from its center found during the
 * round, as scikit-learn does; this keeps the cost non-increasing (the row's own cluster only loses a term) and is
 * deterministic. Each re-seeding is logged at INFO.
 */
final class CenterUpdate {
  final DenseMatrix centers;
  /** max_j ||c_j(new) - c_j(old)||^2. */
  final double maxMove2;

  private CenterUpdate(DenseMatrix centers, double maxMove2) {
    this.centers = centers;
    this.maxMove2 = maxMove2;
  }

  /** Lloyd's update. */
  static CenterUpdate lloyd(DenseMatrix old, ClusterStats st, int round, Logger log) {
    return lloyd(old, st, round, log, false);
  }

  /**
   * Lloyd's update, weighted when the statistics are ({@code c_j := S_j / W_j}, W_j the weight of cluster j; a
   * cluster of weight 0 counts as empty); with {@code cosine} each new center is scaled to unit norm (spherical
   * k-means: the mean direction, as MLlib's cosine distance does).
   */
  static CenterUpdate lloyd(DenseMatrix old, ClusterStats st, int round, Logger log, boolean cosine) {
    int d = old.rows;
    int k = old.cols;
    DenseMatrix next = old.copy();
    List<Integer> empty = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      double n = st.weight(j);
      if (!(n > 0)) {
        empty.add(j);
        continue;
      }
      for (int i = 0; i < d; i++) {
        next.values[j * d + i] = st.sum(i, j) / n;
      }
    }
    reseed(next, empty, st, round, log);
    if (cosine) {
      normalize(next, old);
    }
    return new CenterUpdate(next, maxMove2(old, next));
  }

  /** Scales every column of {@code c} to unit norm; a zero column takes its old value. */
  static void normalize(DenseMatrix c, DenseMatrix old) {
    int d = c.rows;
    for (int j = 0; j < c.cols; j++) {
      double n2 = PointBlock.squaredNorm(c.values, j * d, d);
      if (!(n2 > 0)) {
        System.arraycopy(old.values, j * d, c.values, j * d, d);
        continue;
      }
      double s = 1.0 / Math.sqrt(n2);
      for (int i = 0; i < d; i++) {
        c.values[j * d + i] *= s;
      }
    }
  }

  /** Sculley's mini-batch update; {@code seen} (the counts v_j) is updated in place. */
  static CenterUpdate miniBatch(DenseMatrix old, ClusterStats st, double[] seen, int round, Logger log,
      boolean cosine) {
    int d = old.rows;
    int k = old.cols;
    DenseMatrix next = old.copy();
    List<Integer> empty = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      double m = st.weight(j);
      if (m > 0) {
        double rate = 1.0 / (seen[j] + m);
        for (int i = 0; i < d; i++) {
          int p = j * d + i;
          next.values[p] += (st.sum(i, j) - m * old.values[p]) * rate;
        }
        seen[j] += m;
      } else if (seen[j] == 0) {
        empty.add(j);
      }
    }
    reseed(next, empty, st, round, log);
    if (cosine) {
      normalize(next, old);
    }
    return new CenterUpdate(next, maxMove2(old, next));
  }

  private static void reseed(DenseMatrix next, List<Integer> empty, ClusterStats st, int round, Logger log) {
    if (empty.isEmpty()) {
      return;
    }
    int d = next.rows;
    double[][] far = st.farthest.rows();
    double[] dist = st.farthest.distances();
    for (int e = 0; e < empty.size(); e++) {
      int j = empty.get(e);
      if (e >= far.length) {
        log.warn("k-means round {}: cluster {} is empty and no row is left to re-seed it; it keeps its center",
            round, j);
        continue;
      }
      System.arraycopy(far[e], 0, next.values, j * d, d);
      log.info("k-means round {}: cluster {} was empty; re-seeded with the row farthest from its center "
          + "(squared distance {})", round, j, String.format(Locale.ROOT, "%.6g", dist[e]));
    }
  }

  static double maxMove2(DenseMatrix a, DenseMatrix b) {
    int d = a.rows;
    double max = 0;
    for (int j = 0; j < a.cols; j++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        double r = a.values[j * d + i] - b.values[j * d + i];
        s += r * r;
      }
      max = Math.max(max, s);
    }
    return max;
  }
}
