package io.sparkae.linear.kmeans;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One k-means|| oversampling step (Bahmani et al. 2012) in a single pass. Each row x is to be kept with probability
 * {@code min(1, l d^2(x) / phi)}, where d^2(x) is its squared distance to the current candidates and phi the sum
 * of d^2 over all rows, which is unknown until the pass ends. With u ~ U(0,1] drawn from the partition's seed, x is
 * kept iff {@code t(x) = l d^2(x) / u > phi}; since phi is at least any partial sum, a partition keeps only the rows
 * whose t beats its running sum, and each merge drops the rows whose t does not beat the merged sum. The expected
 * number kept per partition stays near l (times log n during the scan, pruned as it goes), and the rows that
 * survive to the driver are exactly {@code {x : t(x) > phi}}. Weighted rows use {@code w d^2(x)} in
 * place of d^2(x) (phi the weighted cost), the weighted k-means|| that MLlib does not do. A plain
 * class: it travels through Kryo.
 */
final class ParallelSample implements Serializable {
  private static final long serialVersionUID = 1L;

  double phi;
  double phiLo;
  private final List<Kept> kept = new ArrayList<>();

  /**
   * A kept row with its score t and its (partition, position) key: the dense values, or for a row of a sparse block
   * only its nonzeros (a kept row is densified on the driver, once it is selected: most kept rows are pruned, and a
   * dense copy of a 100,000-wide row would cost 800 KB each).
   */
  static final class Kept implements Serializable {
    private static final long serialVersionUID = 1L;
    final double t;
    final long key;
    final double[] row;
    final int dim;
    final int[] indices;

    Kept(double t, long key, PointBlock b, int j) {
      this.t = t;
      this.key = key;
      if (b.sparse()) {
        int from = b.csr.rowPtr[j];
        int to = b.csr.rowPtr[j + 1];
        this.indices = Arrays.copyOfRange(b.csr.colIdx, from, to);
        this.row = Arrays.copyOfRange(b.csr.values, from, to);
      } else {
        this.indices = null;
        this.row = b.row(j);
      }
      this.dim = b.dim;
    }

    double[] dense() {
      if (indices == null) {
        return row;
      }
      double[] out = new double[dim];
      for (int p = 0; p < indices.length; p++) {
        out[indices[p]] = row[p];
      }
      return out;
    }
  }

  /** The step over one partition's blocks against the candidates in {@code state}, oversampling factor l. */
  static ParallelSample of(KMeansState state, Iterator<PointBlock> blocks, int partition, long seed, double l) {
    if (!blocks.hasNext()) {
      return null;
    }
    int d = state.dim();
    ParallelSample s = new ParallelSample();
    SplittableRandom rng = new SplittableRandom(seed);
    NearestCenter kernel = null;
    double running = 0;
    int pruneAt = (int) Math.max(64, 4 * l);
    long position = 0;
    while (blocks.hasNext()) {
      PointBlock b = blocks.next();
      if (kernel == null) {
        kernel = new NearestCenter(d, state.k(), b.capacity());
      }
      kernel.assign(state, b, null);
      double blockPhi = 0;
      for (int j = 0; j < b.size; j++, position++) {
        double e = b.weights == null ? kernel.dist2[j] : b.weights[j] * kernel.dist2[j];
        double u = 1.0 - rng.nextDouble();
        blockPhi += e;
        running += e;
        double t = l * e / u;
        if (e > 0 && t > running) {
          s.kept.add(new Kept(t, Farthest.key(partition, position), b, j));
          if (s.kept.size() > pruneAt) {
            s.prune(running);
            pruneAt = Math.max(pruneAt, 2 * s.kept.size());
          }
        }
      }
      double[] p = DoubleDouble.add(s.phi, s.phiLo, blockPhi, 0.0);
      s.phi = p[0];
      s.phiLo = p[1];
    }
    s.prune(s.total());
    return s;
  }

  double total() {
    return phi + phiLo;
  }

  /** Drops the rows whose score does not beat {@code bound}. */
  private void prune(double bound) {
    kept.removeIf(e -> !(e.t > bound));
  }

  ParallelSample merge(ParallelSample o) {
    double[] p = DoubleDouble.add(phi, phiLo, o.phi, o.phiLo);
    phi = p[0];
    phiLo = p[1];
    kept.addAll(o.kept);
    prune(total());
    return this;
  }

  /** The sampled rows, ordered by (partition, position) so that the result does not depend on merge order. */
  List<double[]> selected() {
    prune(total());
    kept.sort((a, b) -> Long.compare(a.key, b.key));
    List<double[]> out = new ArrayList<>();
    for (Kept e : kept) {
      out.add(e.dense());
    }
    return out;
  }
}
