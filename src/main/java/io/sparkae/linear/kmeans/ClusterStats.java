package io.sparkae.linear.kmeans;

import java.io.Serializable;
import java.util.Iterator;

/**
 * One partition's (then, merged, the whole data's) contribution to a k-means round: rows scanned, rows assigned per
 * cluster, the per-cluster sums {@code S_j = sum_{x in cluster j} x} (d x k, optional), the cost
 * {@code sum ||x - c_label(x)||^2} and the farthest rows. Sums and cost merge in double-double
 * ({@link DoubleDouble}) so that the result does not depend on the order in which Spark merges partitions. A plain
 * class: it travels through Kryo.
 */
final class ClusterStats implements Serializable {
  private static final long serialVersionUID = 1L;

  final int d;
  final int k;
  /** Rows scanned (for mini-batch, more than the rows assigned). */
  long rows;
  /** Rows whose distances to every center were computed (all of them, but in a bounded round). */
  long computed;
  /** Row-center distances computed (k per row, but in a bounded round). */
  long distances;
  final long[] counts;
  /** Per-cluster sums of the rows' weights (high parts), or null when the rows are unweighted. */
  double[] mass;
  double[] massLo;
  /** d x k column-major sums (high parts), or null when not asked for. */
  final double[] sums;
  /** Low parts of the sums; null until the first merge. */
  double[] sumsLo;
  double cost;
  double costLo;
  /** The farthest rows (re-seeding); a bounded round tracks none and the driver fills them in when needed. */
  Farthest farthest;

  ClusterStats(int d, int k, boolean withSums, int farthestCount) {
    this.d = d;
    this.k = k;
    this.counts = new long[k];
    this.sums = withSums ? new double[d * k] : null;
    this.farthest = new Farthest(farthestCount);
  }

  /**
   * Records the assignment the kernel just made for the first n rows of {@code b} (dense or sparse; the sums, if
   * any, the kernel has already added): counts, cost (block subtotal first, for accuracy) and farthest rows, each row
   * counted with its weight {@code w[j]} (w null: 1): the cost and mass are weighted, and the farthest rows are ranked by weighted distance (a row of
   * weight 0 never re-seeds a cluster).
   */
  void addAssigned(NearestCenter kernel, PointBlock b, double[] w, int n, int partition, long firstPosition) {
    double blockCost = 0;
    int[] label = kernel.label;
    double[] dist2 = kernel.dist2;
    if (w != null && mass == null) {
      mass = new double[k];
      massLo = new double[k];
    }
    for (int j = 0; j < n; j++) {
      int a = label[j];
      counts[a]++;
      double e = dist2[j];
      if (w != null) {
        e *= w[j];
        mass[a] += w[j];
      }
      blockCost += e;
      if (farthest.accepts(e)) {
        if (b.sparse()) {
          farthest.offer(e, Farthest.key(partition, firstPosition + j), b.row(j), 0, d);
        } else {
          farthest.offer(e, Farthest.key(partition, firstPosition + j), b.x.values, j * d, d);
        }
      }
    }
    double[] c = DoubleDouble.add(cost, costLo, blockCost, 0.0);
    cost = c[0];
    costLo = c[1];
  }

  /** Adds another partition's statistics into this one. */
  ClusterStats merge(ClusterStats o) {
    rows += o.rows;
    computed += o.computed;
    distances += o.distances;
    for (int j = 0; j < k; j++) {
      counts[j] += o.counts[j];
    }
    if (sums != null) {
      if (sumsLo == null) {
        sumsLo = new double[sums.length];
      }
      DoubleDouble.add(sums, sumsLo, o.sums, o.sumsLo);
    }
    if (o.mass != null) {
      if (mass == null) {
        mass = new double[k];
        massLo = new double[k];
      }
      DoubleDouble.add(mass, massLo, o.mass, o.massLo);
    }
    double[] c = DoubleDouble.add(cost, costLo, o.cost, o.costLo);
    cost = c[0];
    costLo = c[1];
    farthest.merge(o.farthest);
    return this;
  }

  /** The total cost, rounded once from double-double. */
  double totalCost() {
    return cost + costLo;
  }

  /** Rows assigned to some cluster. */
  long assigned() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** The weight of cluster j: its row count, or the sum of its rows' weights when the rows are weighted. */
  double weight(int j) {
    return mass == null ? counts[j] : mass[j] + massLo[j];
  }

  /** Entry i of cluster j's sum, rounded once from double-double. */
  double sum(int i, int j) {
    int p = j * d + i;
    return sums[p] + (sumsLo == null ? 0.0 : sumsLo[p]);
  }

  /** The statistics of one partition's blocks against the centers of {@code state}. */
  static ClusterStats of(KMeansState state, Iterator<PointBlock> blocks, int partition, boolean withSums,
      int farthestCount) {
    if (!blocks.hasNext()) {
      return null;
    }
    ClusterStats st = new ClusterStats(state.dim(), state.k(), withSums, farthestCount);
    NearestCenter kernel = null;
    long position = 0;
    while (blocks.hasNext()) {
      PointBlock b = blocks.next();
      if (kernel == null) {
        kernel = new NearestCenter(st.d, st.k, b.capacity());
      }
      kernel.assign(state, b, st.sums);
      st.addAssigned(kernel, b, b.weights, b.size, partition, position);
      position += b.size;
    }
    st.rows = position;
    st.computed = position;
    st.distances = position * st.k;
    return st;
  }
}
