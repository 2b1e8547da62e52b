package io.sparkae.linear.kmeans;

import io.sparkae.core.PartitionStore;
import io.sparkae.core.RoundLoop.RoundContext;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A Lloyd round that computes only the distances it needs (Hamerly 2010, "Making k-means even faster"): every row
 * keeps, between rounds, its center a, an upper bound U on its distance to c_a and a lower bound L on its distance
 * to every other center. When the centers move by delta_j, {@code U + delta_a} and {@code L - max_{j != a} delta_j} still
 * bound the new distances (triangle inequality), and so does {@code 2 h_a - U} below, with h_a half the distance
 * from c_a to its nearest other center. While {@code U^2 + A < max(L, 2 h_a - U)^2 - A} the row's center cannot
 * change and no distance is computed; else U is first tightened to the distance to c_a itself (one d-term sum)
 * and the test repeated. The other rows are gathered into chunks and go through the same gemm kernel
 * as a full round ({@link NearestCenter}), which also gives their new bounds.
 *
 * <p>The result is the full round's. A is the rounding allowance of the kernel's expanded squared distances
 * ({@link NearestCenter#allowance} times {@code ||x||^2 + max_j ||c_j||^2}), so a row is skipped only when the
 * kernel, had it computed every distance, would have picked the same center by a margin wider than its rounding:
 * the labels are those of the full round. The per-cluster sums and counts are then computed for every row in block
 * order, as the full round does, so the sums are the same bit for bit. The cost is computed per cluster from those
 * statistics, {@code sum ||x||^2 - 2 c^T S + n ||c||^2}, and directly over the cluster's rows where that would lose
 * more than ten bits to cancellation (the full round's own guard). The bounds are kept per partition in the
 * executor's {@link PartitionStore}; a partition that finds none (first round, executor lost, memory short)
 * computes every distance: the same labels, sums and cost, only slower. Farthest rows (to re-seed an empty
 * cluster) are not tracked: the driver asks for them in an extra full round when a cluster is empty. Weighted rows
 * enter the sums, squares and cost with their weights (S = sum w x, n = sum w). Dense blocks only.
 */
final class BoundedRound {
  private BoundedRound() {}

  /** Columns gathered per kernel call: the kernel's own chunk size for d = 784 is about this. */
  private static final int GATHER = 256;
  /** Relative rounding of the bound updates themselves (a few operations per round). */
  private static final double DRIFT = 1e-14;
  /** As the full round: the per-cluster cost formula is used while it loses at most ten bits. */
  private static final double CANCELLATION = 1024;

  /** What a partition keeps between rounds: per block (in block order), each row's center and its two bounds. */
  static final class Kept implements Serializable {
    private static final long serialVersionUID = 1L;
    final int[][] label;
    final double[][] upper;
    final double[][] lower;

    Kept(int blocks) {
      label = new int[blocks][];
      upper = new double[blocks][];
      lower = new double[blocks][];
    }
  }

  /** This partition's statistics for the round at {@code s}; see the class comment. */
  static ClusterStats of(KMeansState s, Iterator<PointBlock> blocks, RoundContext ctx) {
    if (!blocks.hasNext()) {
      return null;
    }
    int d = s.dim();
    int k = s.k();
    int partition = ctx.partition();
    int round = ctx.round();
    Kept prev = s.moves == null ? null : PartitionStore.get(s.fit, partition, round - 1, Kept.class);
    Kept spare = round > 2 ? PartitionStore.take(s.fit, partition, round - 2, Kept.class) : null;
    ClusterStats st = new ClusterStats(d, k, true, 0);
    double[] squares = new double[k];
    List<PointBlock> seen = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    List<double[]> uppers = new ArrayList<>();
    List<double[]> lowers = new ArrayList<>();
    NearestCenter kernel = null;
    DenseMatrix gathered = null;
    double[] gatheredNorms = new double[GATHER];
    int[] idx = new int[0];
    double[] cv = s.centers.values;
    long position = 0;
    while (blocks.hasNext()) {
      PointBlock b = blocks.next();
      int bi = seen.size();
      seen.add(b);
      int n = b.size;
      if (kernel == null) {
        kernel = new NearestCenter(d, k, Math.max(b.x.cols, GATHER));
        gathered = new DenseMatrix(d, GATHER);
      }
      int[] lab = reuse(spare == null ? null : spare.label, bi, n, int[].class);
      double[] up = reuse(spare == null ? null : spare.upper, bi, n, double[].class);
      double[] lo = reuse(spare == null ? null : spare.lower, bi, n, double[].class);
      if (idx.length < n) {
        idx = new int[n];
      }
      double[] xn = b.norms;
      int m = 0;
      if (prev != null && bi < prev.label.length && prev.label[bi] != null && prev.label[bi].length == n) {
        int[] pl = prev.label[bi];
        double[] pu = prev.upper[bi];
        double[] plo = prev.lower[bi];
        for (int j = 0; j < n; j++) {
          int a = pl[j];
          double u = (pu[j] + s.moves[a]) * (1 + DRIFT);
          // L bounds the distances to the other centers: the largest move among those.
          double l = plo[j] - (a == s.maxMover ? s.otherMove : s.maxMove);
          l = l > 0 ? l * (1 - DRIFT) : l;
          double h = 2 * s.half[a] * (1 - DRIFT);
          double lm = Math.max(l, h - u);
          double allow = kernel.allowance * (xn[j] + s.maxNorm);
          if (lm > 0 && u * u + allow < lm * lm - allow) {
            lab[j] = a;
            up[j] = u;
            lo[j] = l;
            continue;
          }
          // Tighten U to the distance to c_a itself (d multiply-adds, against k d for every center), test again.
          u = Math.sqrt(distance2(b.x.values, j * d, cv, a * d, d) + allow);
          lm = Math.max(l, h - u);
          if (lm > 0 && u * u + allow < lm * lm - allow) {
            lab[j] = a;
            up[j] = u;
            lo[j] = l;
          } else {
            idx[m++] = j;
          }
        }
      } else {
        for (int j = 0; j < n; j++) {
          idx[m++] = j;
        }
      }
      st.computed += m;
      if (m == n) {
        kernel.assign(s.centers, s.norms, b.x, xn, n, null);
        bounds(kernel, s, xn, idx, 0, n, lab, up, lo);
      } else {
        for (int start = 0; start < m; start += GATHER) {
          int c = Math.min(GATHER, m - start);
          for (int t = 0; t < c; t++) {
            int j = idx[start + t];
            System.arraycopy(b.x.values, j * d, gathered.values, t * d, d);
            gatheredNorms[t] = xn[j];
          }
          kernel.assign(s.centers, s.norms, gathered, gatheredNorms, c, null);
          bounds(kernel, s, xn, idx, start, c, lab, up, lo);
        }
      }
      // The statistics of every row, in block order: the same sums, counts and squares as a full round.
      double[] xv = b.x.values;
      double[] sums = st.sums;
      double[] w = b.weights;
      if (w != null && st.mass == null) {
        st.mass = new double[k];
        st.massLo = new double[k];
      }
      for (int j = 0; j < n; j++) {
        int a = lab[j];
        st.counts[a]++;
        int xo = j * d;
        int co = a * d;
        // Weight 1 when unweighted: 1 * v is v exactly, so this is the plain sum.
        double wj = w == null ? 1.0 : w[j];
        if (w != null) {
          st.mass[a] += wj;
        }
        squares[a] += wj * xn[j];
        NearestCenter.addRow(sums, co, xv, xo, d, wj);
      }
      labels.add(lab);
      uppers.add(up);
      lowers.add(lo);
      position += n;
    }
    st.rows = position;
    st.cost = cost(s, st, squares, seen, labels);
    Kept kept = new Kept(seen.size());
    for (int i = 0; i < seen.size(); i++) {
      kept.label[i] = labels.get(i);
      kept.upper[i] = uppers.get(i);
      kept.lower[i] = lowers.get(i);
    }
    PartitionStore.put(s.fit, partition, round, kept);
    return st;
  }

  /** {@code ||x - c||^2} for x at {@code xo} and c at {@code co}, directly (four partial sums). */
  private static double distance2(double[] xv, int xo, double[] cv, int co, int d) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int t = 0;
    for (; t + 3 < d; t += 4) {
      double r0 = xv[xo + t] - cv[co + t];
      double r1 = xv[xo + t + 1] - cv[co + t + 1];
      double r2 = xv[xo + t + 2] - cv[co + t + 2];
      double r3 = xv[xo + t + 3] - cv[co + t + 3];
      s0 += r0 * r0;
      s1 += r1 * r1;
      s2 += r2 * r2;
      s3 += r3 * r3;
    }
    for (; t < d; t++) {
      double r = xv[xo + t] - cv[co + t];
      s0 += r * r;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** New bounds of the rows {@code idx[from..from+count)} from the kernel's last call (columns 0..count). */
  private static void bounds(NearestCenter kernel, KMeansState s, double[] xn, int[] idx, int from, int count,
      int[] lab, double[] up, double[] lo) {
    for (int t = 0; t < count; t++) {
      int j = idx[from + t];
      double allow = kernel.allowance * (xn[j] + s.maxNorm);
      lab[j] = kernel.label[t];
      // dist2 is within allow of the exact squared distance D_a^2, so U >= D_a. The second smallest expanded value
      // is within allow of its exact one and at most allow above any other center's, so L <= D_i for i != a.
      up[j] = Math.sqrt(kernel.dist2[t] + allow);
      lo[j] = Math.sqrt(Math.max(0, kernel.second2[t] - 3 * allow));
    }
  }

  /** sum over clusters of {@code sum ||x||^2 - 2 c^T S + n ||c||^2}, directly where that cancels too much. */
  private static double cost(KMeansState s, ClusterStats st, double[] squares, List<PointBlock> blocks,
      List<int[]> labels) {
    int d = s.dim();
    int k = s.k();
    double[] cv = s.centers.values;
    double[] per = new double[k];
    boolean[] direct = new boolean[k];
    boolean any = false;
    for (int a = 0; a < k; a++) {
      double n = st.weight(a);
      if (st.counts[a] == 0) {
        continue;
      }
      double dot = 0;
      for (int t = 0; t < d; t++) {
        dot += cv[a * d + t] * st.sums[a * d + t];
      }
      double scale = squares[a] + n * s.norms[a];
      per[a] = squares[a] - 2 * dot + n * s.norms[a];
      if (!(per[a] * CANCELLATION > scale)) {
        direct[a] = true;
        per[a] = 0;
        any = true;
      }
    }
    if (any) {
      for (int i = 0; i < blocks.size(); i++) {
        PointBlock b = blocks.get(i);
        int[] lab = labels.get(i);
        double[] xv = b.x.values;
        for (int j = 0; j < b.size; j++) {
          int a = lab[j];
          if (direct[a]) {
            double e = 0;
            for (int t = 0; t < d; t++) {
              double r = xv[j * d + t] - cv[a * d + t];
              e += r * r;
            }
            per[a] += b.weights == null ? e : b.weights[j] * e;
          }
        }
      }
    }
    double total = 0;
    for (double v : per) {
      total += v;
    }
    return total;
  }

  @SuppressWarnings("unchecked")
  private static <A> A reuse(Object[] spare, int block, int n, Class<A> type) {
    if (spare != null && block < spare.length && spare[block] != null) {
      Object a = spare[block];
      if ((type == int[].class && ((int[]) a).length == n) || (type == double[].class && ((double[]) a).length == n)) {
        return (A) a;
      }
    }
    return type == int[].class ? (A) new int[n] : (A) new double[n];
  }
}
