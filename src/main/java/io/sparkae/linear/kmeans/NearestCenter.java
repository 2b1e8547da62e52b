package io.sparkae.linear.kmeans;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.CsrMatrix;
import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;

/**
 * The k-means kernel: the nearest center of every column of a dense block, with one level-3 {@code dgemm} per block
 * (per chunk of columns when k is large) for the distances and a scan of the k x n result for the argmin:
 * <pre>
 *   ||x_j - c_i||^2 = ||x_j||^2 - 2 c_i^T x_j + ||c_i||^2,   G := -2 C^T X   (k x n, one dgemm)
 *   label_j = argmin_i (G_ij + ||c_i||^2)                     (||x_j||^2 is the same for every i)
 * </pre>
 * With the row norms given, the squared distance to the chosen center is {@code ||x_j||^2 + min_i (...)}, unless
 * cancellation makes that inaccurate ({@code ||x||^2 + ||c||^2 > 1024 d^2}, a relative error that could exceed
 * about 1e-12): then, and when no norms are given, it is computed directly as {@code ||x_j - c_label||^2}. When
 * asked, x_j is added into its cluster's column of a d x k sum matrix (O(d) per row, a vectorized daxpy,
 * instead of a one-hot gemm costing O(dk)).
 * Buffers are allocated once; {@link #assign} allocates nothing. Not thread-safe: one instance per task.
 */
final class NearestCenter {
  /** Largest scratch G, in doubles (16 MB): blocks are processed in chunks of columns below it. */
  private static final int MAX_SCRATCH = 1 << 21;
  /**
   * Columns of X per chunk, in doubles of X (256 KB): the chunk the gemm has just read is still in the core's L2
   * cache when the argmin and the cluster sums read it again, so X crosses the memory bus once per round instead of
   * twice (at small k the round is bound by that bandwidth, not by the gemm's flops). At least
   * {@link #MIN_CHUNK} columns, so that packing C for each gemm stays a small part of it at large k.
   */
  static final int CHUNK_DOUBLES = Integer.getInteger("sparkae.kmeans.chunkDoubles", 1 << 15);
  private static final int MIN_CHUNK = Integer.getInteger("sparkae.kmeans.minChunk", 32);
  /** Above this ratio of (||x||^2 + ||c||^2) to the expanded distance, the distance is recomputed directly. */
  private static final double CANCELLATION = 1024;

  private final int d;
  private final int k;
  private final int chunk;
  /**
   * Rounding allowance of the expanded squared distance, relative to {@code ||x||^2 + ||c||^2}: the rounding error
   * of a d-term dot product is at most about d units in the last place of those terms (d * 1.1e-16, Higham 2002,
   * 3.1), so {@code 1e-15 (d + 8)} is a margin of 9 or more over the worst case (the typical error is about
   * sqrt(d) units).
   */
  final double allowance;
  private final double[] g;
  /** Nearest center of column j of the last block. */
  int[] label = new int[0];
  /** Squared distance of column j of the last block to its nearest center (relative error below ~1e-12). */
  double[] dist2 = new double[0];
  /**
   * The second smallest expanded squared distance of column j of the last block, {@code ||x||^2 + min over the
   * other centers of (-2 c^T x + ||c||^2)}, as rounded (within {@link #allowance} times {@code ||x||^2 + ||c||^2}
   * of the exact value); +inf when k = 1, NaN when no norms are given. The distance bounds of {@link BoundedRound}
   * start from it.
   */
  double[] second2 = new double[0];
  /**
   * When set (k entries per column, at least k times the columns of a call), {@link #assign} also writes every
   * expanded squared distance of column j there, {@code [j k + i] = ||x_j||^2 - 2 c_i^T x_j + ||c_i||^2} as rounded
   * (within {@link #allowance} times {@code ||x||^2 + ||c_i||^2} of the exact value); needs the column norms.
   */
  double[] expanded;

  /** A kernel for d-dimensional rows, k centers and blocks of at most {@code maxColumns} columns. */
  NearestCenter(int d, int k, int maxColumns) {
    this.d = d;
    this.k = k;
    this.allowance = 1e-15 * (d + 8);
    this.chunk = Math.max(1, Math.min(Math.min(Math.max(1, maxColumns), MAX_SCRATCH / k),
        Math.max(MIN_CHUNK, CHUNK_DOUBLES / Math.max(1, d))));
    this.g = new double[k * chunk];
    ensure(maxColumns);
  }

  private void ensure(int n) {
    if (label.length < n) {
      label = new int[n];
      dist2 = new double[n];
      second2 = new double[n];
    }
  }

  /**
   * Assigns the first {@code n} columns of {@code x} (d x capacity) to the nearest of the centers {@code c} (d x k)
   * whose squared norms are {@code norms}; fills {@link #label} and {@link #dist2}. {@code xNorms} holds the
   * columns' squared norms, or is null. With {@code sums} (d x k, column-major) non-null, also
   * {@code sums[:, label_j] += x_j}.
   */
  void assign(DenseMatrix c, double[] norms, DenseMatrix x, double[] xNorms, int n, double[] sums) {
    assign(c, norms, x, xNorms, n, sums, null);
  }

  /**
   * The rows of a cached block against the round's centers: dense blocks as above, sparse ones with
   * {@link #assignSparse}; with {@code sums}, each row is added with its weight.
   */
  void assign(KMeansState s, PointBlock b, double[] sums) {
    if (b.sparse()) {
      assignSparse(s.centers, s.norms, s.transposed(), b.csr, b.norms, b.size, sums, b.weights);
    } else {
      assign(s.centers, s.norms, b.x, b.norms, b.size, sums, b.weights);
    }
  }

  /**
   * As {@link #assign(DenseMatrix, double[], DenseMatrix, double[], int, double[])}, with {@code sums[:, label_j]
   * += w_j x_j} when {@code w} (the rows' weights) is non-null.
   */
  void assign(DenseMatrix c, double[] norms, DenseMatrix x, double[] xNorms, int n, double[] sums, double[] w) {
    if (c.rows != d || c.cols != k || x.rows != d || n > x.cols) {
      throw new IllegalArgumentException("nearest center: C is " + c.shape() + ", X is " + x.shape() + " (using " + n
          + " columns), expected C to be " + d + "x" + k + " and X to have " + d + " rows");
    }
    ensure(n);
    double[] xv = x.values;
    double[] cv = c.values;
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      Blas.blas().dgemm("T", "N", k, m, d, -2.0, cv, 0, d, xv, start * d, d, 0.0, g, 0, k);
      for (int j = 0; j < m; j++) {
        int go = j * k;
        int a = scan(go, norms);
        double best = scanBest;
        double next = scanNext;
        int col = start + j;
        label[col] = a;
        second2[col] = xNorms == null ? Double.NaN : xNorms[col] + next;
        if (expanded != null) {
          for (int i = 0; i < k; i++) {
            expanded[col * k + i] = xNorms[col] + (g[go + i] + norms[i]);
          }
        }
        int xo = col * d;
        int co = a * d;
        double fast = xNorms == null ? 0 : xNorms[col] + best;
        if (xNorms != null && fast * CANCELLATION > xNorms[col] + norms[a]) {
          dist2[col] = fast;
        } else {
          double s = 0;
          for (int t = 0; t < d; t++) {
            double r = xv[xo + t] - cv[co + t];
            s += r * r;
          }
          dist2[col] = s;
        }
        if (sums != null) {
          addRow(sums, co, xv, xo, d, w == null ? 1.0 : w[col]);
        }
      }
    }
  }

  /**
   * {@code sums[co..co+d) += w x[xo..xo+d)}, through netlib's Java (Vector API) BLAS: C2 leaves this loop at two
   * offsets into two arrays scalar, and it is the per-row cost of a round whose distances the bounds skip. Every
   * round, bounded or full, adds its rows with this one method, so their sums agree bit for bit (with w = 1 it is
   * the plain sum, fused or not).
   */
  static void addRow(double[] sums, int co, double[] xv, int xo, int d, double w) {
    Blas.vectorBlas().daxpy(d, w, xv, xo, 1, sums, co, 1);
  }

  /** The smallest and second smallest value of the last {@link #scan}. */
  private double scanBest;
  private double scanNext;

  /**
   * The index of the smallest {@code g[go + i] + norms[i]} over the k centers; its value in {@link #scanBest}, the
   * second smallest in {@link #scanNext} (+inf when k = 1). The argmin both kernels share.
   */
  private int scan(int go, double[] norms) {
    double best = g[go] + norms[0];
    int a = 0;
    double next = Double.POSITIVE_INFINITY;
    for (int i = 1; i < k; i++) {
      double v = g[go + i] + norms[i];
      if (v < best) {
        next = best;
        best = v;
        a = i;
      } else if (v < next) {
        next = v;
      }
    }
    scanBest = best;
    scanNext = next;
    return a;
  }

  /**
   * The sparse form of {@link #assign}: {@code G = -2 C^T X} for n CSR rows costs k multiply-adds per nonzero,
   * reading for each nonzero x_t the contiguous column t of {@code ct} = C^T (k x d, {@code ct[t k + i] = c_i[t]}),
   * so no row is ever densified. The distance to the chosen center is {@code ||x||^2 + min_i (...)} unless that
   * cancels (as in the dense case); then it is computed over the row's nonzeros as
   * {@code sum_{t in nz} (x_t - c_t)^2 + (||c||^2 - sum_{t in nz} c_t^2)}. With {@code sums},
   * {@code sums[:, label_j] += w_j x_j} over the nonzeros.
   */
  void assignSparse(DenseMatrix c, double[] norms, double[] ct, CsrMatrix x, double[] xNorms, int n, double[] sums,
      double[] w) {
    if (c.rows != d || c.cols != k || x.cols != d || n > x.rows || ct.length != d * k) {
      throw new IllegalArgumentException("nearest center: C is " + c.shape() + ", X is " + x.shape() + " (using " + n
          + " rows), expected C to be " + d + "x" + k + " and X to have " + d + " columns");
    }
    ensure(n);
    int[] ptr = x.rowPtr;
    int[] idx = x.colIdx;
    double[] xv = x.values;
    double[] cv = c.values;
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      Arrays.fill(g, 0, k * m, 0.0);
      for (int j = 0; j < m; j++) {
        int go = j * k;
        int row = start + j;
        for (int p = ptr[row]; p < ptr[row + 1]; p++) {
          double v = -2.0 * xv[p];
          int to = idx[p] * k;
          for (int i = 0; i < k; i++) {
            g[go + i] += v * ct[to + i];
          }
        }
      }
      for (int j = 0; j < m; j++) {
        int go = j * k;
        int a = scan(go, norms);
        double best = scanBest;
        double next = scanNext;
        int row = start + j;
        label[row] = a;
        second2[row] = xNorms[row] + next;
        int co = a * d;
        double fast = xNorms[row] + best;
        if (fast * CANCELLATION > xNorms[row] + norms[a]) {
          dist2[row] = fast;
        } else {
          double on = 0;
          double cOn = 0;
          for (int p = ptr[row]; p < ptr[row + 1]; p++) {
            double ci = cv[co + idx[p]];
            double r = xv[p] - ci;
            on += r * r;
            cOn += ci * ci;
          }
          dist2[row] = on + Math.max(0.0, norms[a] - cOn);
        }
        if (sums != null) {
          double wj = w == null ? 1.0 : w[row];
          for (int p = ptr[row]; p < ptr[row + 1]; p++) {
            sums[co + idx[p]] += wj * xv[p];
          }
        }
      }
    }
  }
}
