package io.sparkae.linear.kmeans;

import dev.ludovic.netlib.blas.BLAS;
import io.sparkae.core.PartitionStore;
import io.sparkae.core.RoundLoop.RoundContext;
import io.sparkae.linalg.Blas;
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
 *
 * <p>With few centers ({@code 2 <= k <= }{@link #PER_CENTER_MAX_K} and {@code k <= d}) a row keeps one lower bound
 * per center instead of one for all (Elkan 2003, "Using the triangle inequality to accelerate k-means"): each
 * decays by its own center's move, and {@code ||c_a - c_i|| - U} bounds the distance to c_i too. A row whose bounds
 * rule out every other center keeps c_a as above; otherwise only the distances to the centers not ruled out are
 * computed (one vectorized dot product each, from the row while it is in cache), and the nearest of those is kept
 * when its upper bound is below every other center's lower bound by more than the rounding allowance, so the kernel
 * would have picked it too. Rows where that margin is missing (near ties) go through the kernel as above. The
 * labels, sums and cost are the full round's, as with one bound.
 *
 * <p>With per-center bounds a block is processed in chunks of rows small enough (about 256 KB) to stay in the core's
 * L2 cache from the bound tests through the sums, so a row crosses the memory bus once per round; with one bound the
 * rows left are gathered across the block, 256 per kernel call, to amortize packing the many centers.
 */
final class BoundedRound {
  private BoundedRound() {}

  /** Most centers for which a row keeps one lower bound per center (k doubles per row, beside its d values). */
  static final int PER_CENTER_MAX_K = 32;
  /** Fewest rows per chunk of a block (a chunk is about the kernel's: 256 KB of rows). */
  private static final int MIN_ROWS = 16;
  /** Rows gathered per kernel call with one bound per row. */
  private static final int GATHER = 256;
  /** Relative rounding of the bound updates themselves (a few operations per round). */
  private static final double DRIFT = 1e-14;
  /** As the full round: the per-cluster cost formula is used while it loses at most ten bits. */
  private static final double CANCELLATION = 1024;

  /** Whether rows keep one lower bound per center (see the class comment) for k centers in d dimensions. */
  static boolean perCenter(int d, int k) {
    return k >= 2 && k <= PER_CENTER_MAX_K && k <= d;
  }

  /**
   * What a partition keeps between rounds: per block (in block order), each row's center, its upper bound and its
   * lower bound ({@code lower[b][j]}), or with per-center bounds one per center ({@code lower[b][j k + i]}, 0 at the
   * row's own center).
   */
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
    // The state carries the center distances exactly when rows keep one bound per center.
    boolean pc = s.between != null;
    int width = pc ? k : 1;
    double[] squares = new double[k];
    List<PointBlock> seen = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    List<double[]> uppers = new ArrayList<>();
    List<double[]> lowers = new ArrayList<>();
    NearestCenter kernel = null;
    int rowsPerChunk = Math.max(MIN_ROWS, NearestCenter.CHUNK_DOUBLES / Math.max(1, d));
    DenseMatrix gathered = null;
    int gatherColumns = Math.max(rowsPerChunk, GATHER);
    double[] gatheredNorms = new double[gatherColumns];
    int[] idx = new int[0];
    long position = 0;
    while (blocks.hasNext()) {
      PointBlock b = blocks.next();
      int bi = seen.size();
      seen.add(b);
      int n = b.size;
      if (kernel == null) {
        kernel = new NearestCenter(d, k, b.x.cols);
        gathered = new DenseMatrix(d, gatherColumns);
      }
      if (pc && (kernel.expanded == null || kernel.expanded.length < k * Math.max(n, rowsPerChunk))) {
        kernel.expanded = new double[k * Math.max(n, rowsPerChunk)];
      }
      int[] lab = reuse(spare == null ? null : spare.label, bi, n, int[].class);
      double[] up = reuse(spare == null ? null : spare.upper, bi, n, double[].class);
      double[] lo = reuse(spare == null ? null : spare.lower, bi, n * width, double[].class);
      if (idx.length < n) {
        idx = new int[n];
      }
      double[] xn = b.norms;
      double[] xv = b.x.values;
      double[] w = b.weights;
      if (w != null && st.mass == null) {
        st.mass = new double[k];
        st.massLo = new double[k];
      }
      if (prev == null || bi >= prev.label.length || prev.label[bi] == null || prev.label[bi].length != n
          || prev.lower[bi] == null || prev.lower[bi].length != n * width) {
        // No bounds for this block: every distance, and the kernel adds each row into its cluster's sum as it
        // labels it, in row order (the full round's own call).
        kernel.assign(s.centers, s.norms, b.x, xn, n, st.sums, w);
        for (int j = 0; j < n; j++) {
          idx[j] = j;
        }
        kernelBounds(kernel, s, xn, idx, 0, n, lab, up, lo, pc);
        st.computed += n;
        st.distances += (long) n * k;
        for (int j = 0; j < n; j++) {
          count(st, squares, lab[j], w == null ? 1.0 : w[j], xn[j], w != null);
        }
      } else {
        Rows rows = new Rows(s, kernel.allowance, xv, xn, prev.label[bi], prev.upper[bi], prev.lower[bi], lab, up,
            lo, st);
        if (!pc) {
          // One bound per row (many centers): the rows the bounds cannot settle are gathered across the whole block,
          // so that each kernel call has GATHER columns to amortize packing the k centers.
          int m = 0;
          for (int j = 0; j < n; j++) {
            if (!rows.one(j)) {
              idx[m++] = j;
            }
          }
          for (int start = 0; start < m; start += GATHER) {
            gatherAndAssign(kernel, s, b, idx, start, Math.min(GATHER, m - start), gathered, gatheredNorms, lab, up,
                lo, false);
          }
          st.computed += m;
          st.distances += (long) m * k;
          addRows(st, squares, b, lab, 0, n);
        } else {
          // One bound per center: chunks of rows small enough to stay in the core's L2 cache from the bound tests
          // (which read a row for its dot products) to the sums; the kernel sees only the rare near ties.
          perCenterChunks(rows, kernel, s, b, idx, gathered, gatheredNorms, rowsPerChunk, lab, up, lo, squares);
        }
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

  /**
   * A block's rows with per-center bounds, chunk by chunk: the bound tests, the kernel for the rows they cannot
   * settle, then every row's statistics in row order (the same sums, counts and squares as a full round).
   */
  private static void perCenterChunks(Rows rows, NearestCenter kernel, KMeansState s, PointBlock b, int[] idx,
      DenseMatrix gathered, double[] gatheredNorms, int rowsPerChunk, int[] lab, double[] up, double[] lo,
      double[] squares) {
    ClusterStats st = rows.st;
    int k = s.k();
    int n = b.size;
    for (int start = 0; start < n; start += rowsPerChunk) {
      int end = Math.min(n, start + rowsPerChunk);
      int m = 0;
      for (int j = start; j < end; j++) {
        if (!rows.perCenter(j)) {
          idx[m++] = j;
        }
      }
      if (m > 0) {
        gatherAndAssign(kernel, s, b, idx, 0, m, gathered, gatheredNorms, lab, up, lo, true);
        st.computed += m;
        st.distances += (long) m * k;
      }
      addRows(st, squares, b, lab, start, end);
    }
  }

  /** Labels rows {@code idx[from..from+count)} of block b with the kernel (gathered first) and writes their bounds. */
  private static void gatherAndAssign(NearestCenter kernel, KMeansState s, PointBlock b, int[] idx, int from,
      int count, DenseMatrix gathered, double[] gatheredNorms, int[] lab, double[] up, double[] lo, boolean perCenter) {
    int d = b.dim;
    for (int t = 0; t < count; t++) {
      int j = idx[from + t];
      System.arraycopy(b.x.values, j * d, gathered.values, t * d, d);
      gatheredNorms[t] = b.norms[j];
    }
    kernel.assign(s.centers, s.norms, gathered, gatheredNorms, count, null);
    kernelBounds(kernel, s, b.norms, idx, from, count, lab, up, lo, perCenter);
  }

  /** The statistics of rows [from, to) of block b, in row order: the same sums, counts and squares as a full round. */
  private static void addRows(ClusterStats st, double[] squares, PointBlock b, int[] lab, int from, int to) {
    int d = b.dim;
    double[] w = b.weights;
    for (int j = from; j < to; j++) {
      int a = lab[j];
      double wj = w == null ? 1.0 : w[j];
      count(st, squares, a, wj, b.norms[j], w != null);
      NearestCenter.addRow(st.sums, a * d, b.x.values, j * d, d, wj);
    }
  }

  /** Counts a row (weight w, squared norm xn) in cluster a: its count, its weight and its squared norm. */
  private static void count(ClusterStats st, double[] squares, int a, double w, double xn, boolean weighted) {
    st.counts[a]++;
    if (weighted) {
      st.mass[a] += w;
    }
    // Weight 1 when unweighted: 1 * v is v exactly, so this is the plain sum.
    squares[a] += w * xn;
  }

  /**
   * The bound tests of one block's rows against the round's centers, from the previous round's bounds ({@code pl},
   * {@code pu}, {@code plo}) to this round's ({@code lab}, {@code up}, {@code lo}). A test that settles a row's center
   * writes its new bounds and returns true; one that cannot returns false and the row goes through the kernel.
   */
  private static final class Rows {
    final KMeansState s;
    final double allowance;
    final double[] xv;
    final double[] xn;
    final double[] cv;
    final int d;
    final int k;
    final int[] pl;
    final double[] pu;
    final double[] plo;
    final int[] lab;
    final double[] up;
    final double[] lo;
    final ClusterStats st;
    final BLAS blas = Blas.vectorBlas();

    Rows(KMeansState s, double allowance, double[] xv, double[] xn, int[] pl, double[] pu, double[] plo, int[] lab,
        double[] up, double[] lo, ClusterStats st) {
      this.s = s;
      this.allowance = allowance;
      this.xv = xv;
      this.xn = xn;
      this.cv = s.centers.values;
      this.d = s.dim();
      this.k = s.k();
      this.pl = pl;
      this.pu = pu;
      this.plo = plo;
      this.lab = lab;
      this.up = up;
      this.lo = lo;
      this.st = st;
    }

    /**
     * Row j's expanded squared distance to center i, {@code ||x||^2 - 2 c_i^T x + ||c_i||^2}: within the rounding
     * allowance of the exact value, as the kernel's (a d-term dot product, vectorized).
     */
    private double expanded(int j, int i) {
      st.distances++;
      return xn[j] - 2 * blas.ddot(d, xv, j * d, 1, cv, i * d, 1) + s.norms[i];
    }

    /** The allowance of every expanded squared distance of row j. */
    private double allow(int j) {
      return allowance * (xn[j] + s.maxNorm);
    }

    /** One lower bound per row (Hamerly). */
    boolean one(int j) {
      int a = pl[j];
      double u = (pu[j] + s.moves[a]) * (1 + DRIFT);
      // L bounds the distances to the other centers: the largest move among those.
      double l = plo[j] - (a == s.maxMover ? s.otherMove : s.maxMove);
      l = l > 0 ? l * (1 - DRIFT) : l;
      double h = 2 * s.half[a] * (1 - DRIFT);
      double allow = allow(j);
      if (!separated(u, Math.max(l, h - u), allow)) {
        // Tighten U to the distance to c_a itself (d multiply-adds, against k d for every center), test again.
        u = Math.sqrt(Math.max(0, expanded(j, a)) + allow);
        if (!separated(u, Math.max(l, h - u), allow)) {
          return false;
        }
      }
      lab[j] = a;
      up[j] = u;
      lo[j] = l;
      return true;
    }

    /** One lower bound per center (Elkan); see the class comment. */
    boolean perCenter(int j) {
      int a = pl[j];
      int o = j * k;
      double u = (pu[j] + s.moves[a]) * (1 + DRIFT);
      double lmin = Double.POSITIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        double v = plo[o + i] - s.moves[i];
        v = v > 0 ? v * (1 - DRIFT) : v;
        lo[o + i] = v;
        if (i != a) {
          lmin = Math.min(lmin, v);
        }
      }
      lo[o + a] = 0;
      double h = 2 * s.half[a] * (1 - DRIFT);
      double allow = allow(j);
      if (separated(u, Math.max(lmin, h - u), allow)) {
        lab[j] = a;
        up[j] = u;
        return true;
      }
      double ea = expanded(j, a);
      u = Math.sqrt(Math.max(0, ea) + allow);
      if (separated(u, Math.max(lmin, h - u), allow)) {
        lab[j] = a;
        up[j] = u;
        return true;
      }
      // The centers that the bounds do not rule out against c_a. With more than half of them left, the kernel's
      // gemm (all k distances) is cheaper than a dot product each.
      int ab = a * k;
      int open = 0;
      for (int i = 0; i < k; i++) {
        if (i != a) {
          // D_i >= ||c_a - c_i|| - D_a >= between - U.
          double bound = Math.max(lo[o + i], s.between[ab + i] - u);
          if (separated(u, bound, allow)) {
            lo[o + i] = bound;
          } else {
            // Marks c_i open: every bound that settles a center is positive.
            lo[o + i] = -1;
            open++;
          }
        }
      }
      if (2 * open > k) {
        return false;
      }
      // The distance to each open center; the nearest is the candidate.
      int best = a;
      double eBest = ea;
      for (int i = 0; i < k; i++) {
        if (i == a || lo[o + i] != -1) {
          continue;
        }
        double ei = expanded(j, i);
        lo[o + i] = Math.sqrt(Math.max(0, ei - 3 * allow));
        if (ei < eBest) {
          best = i;
          eBest = ei;
        }
      }
      double ub = Math.sqrt(Math.max(0, eBest) + allow);
      if (best != a) {
        lo[o + a] = Math.sqrt(Math.max(0, ea - 3 * allow));
      }
      // The candidate stands if its upper bound is below every other center's lower bound by the allowance.
      for (int i = 0; i < k; i++) {
        if (i != best && !separated(ub, lo[o + i], allow)) {
          return false;
        }
      }
      lo[o + best] = 0;
      lab[j] = best;
      up[j] = ub;
      return true;
    }
  }

  /**
   * Whether an upper bound u on the distance to a row's center and a lower bound l on the distance to another show
   * that the kernel, had it computed both, would have picked the first by more than its rounding:
   * {@code u^2 + allow < l^2 - allow}.
   */
  private static boolean separated(double u, double l, double allow) {
    return l > 0 && u * u + allow < l * l - allow;
  }

  /**
   * New bounds of the rows {@code idx[from..from+count)} from the kernel's last call (columns 0..count), one lower
   * bound per row or, with {@code perCenter}, one per center from the kernel's expanded distances.
   */
  private static void kernelBounds(NearestCenter kernel, KMeansState s, double[] xn, int[] idx, int from, int count,
      int[] lab, double[] up, double[] lo, boolean perCenter) {
    int k = s.k();
    for (int t = 0; t < count; t++) {
      int j = idx[from + t];
      double allow = kernel.allowance * (xn[j] + s.maxNorm);
      int a = kernel.label[t];
      lab[j] = a;
      // dist2 is within allow of the exact squared distance D_a^2, so U >= D_a. The second smallest expanded value
      // is within allow of its exact one and at most allow above any other center's, so L <= D_i for i != a.
      up[j] = Math.sqrt(kernel.dist2[t] + allow);
      if (perCenter) {
        double[] e = kernel.expanded;
        for (int i = 0; i < k; i++) {
          lo[j * k + i] = i == a ? 0 : Math.sqrt(Math.max(0, e[t * k + i] - 3 * allow));
        }
      } else {
        lo[j] = Math.sqrt(Math.max(0, kernel.second2[t] - 3 * allow));
      }
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
