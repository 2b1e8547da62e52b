package io.sparkae.linear.kmeans;

import io.sparkae.linalg.DenseMatrix;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * One partition's part of a mini-batch k-means round (Sculley 2010, "Web-scale k-means clustering"): a Bernoulli
 * sample of its rows with probability {@code fraction}, drawn from the partition's per-round seed by geometric
 * skips (so unsampled rows cost nothing), copied into one reused d x capacity buffer and assigned with the same
 * gemm kernel as Lloyd. Returns the batch's per-cluster sums and counts; {@code rows} counts every row scanned so
 * that the driver can scale the batch cost to the whole data. Weighted rows carry their weights into the batch.
 * Dense blocks only.
 */
final class MiniBatchStep {
  private MiniBatchStep() {}

  static ClusterStats of(KMeansState state, Iterator<PointBlock> blocks, int partition, long seed, double fraction,
      int farthestCount) {
    if (!blocks.hasNext()) {
      return null;
    }
    int d = state.dim();
    ClusterStats st = new ClusterStats(d, state.k(), true, farthestCount);
    SplittableRandom rng = new SplittableRandom(seed);
    double logKeep = Math.log1p(-Math.min(fraction, 1.0));
    DenseMatrix batch = null;
    PointBlock view = null;
    double[] batchNorms = null;
    double[] batchWeights = null;
    NearestCenter kernel = null;
    int filled = 0;
    long batchRows = 0;
    long position = 0;
    long nextPick = skip(rng, logKeep, fraction);
    while (blocks.hasNext()) {
      PointBlock b = blocks.next();
      if (batch == null) {
        batch = new DenseMatrix(d, b.x.cols);
        view = new PointBlock(batch, 0);
        batchNorms = new double[b.x.cols];
        batchWeights = b.weights == null ? null : new double[b.x.cols];
        kernel = new NearestCenter(d, state.k(), b.x.cols);
      }
      while (nextPick < position + b.size) {
        int j = (int) (nextPick - position);
        System.arraycopy(b.x.values, j * d, batch.values, filled * d, d);
        batchNorms[filled] = b.norms[j];
        if (batchWeights != null) {
          batchWeights[filled] = b.weights[j];
        }
        if (++filled == batch.cols) {
          flush(state, kernel, view, batchNorms, batchWeights, filled, st, partition, batchRows);
          batchRows += filled;
          filled = 0;
        }
        nextPick += 1 + skip(rng, logKeep, fraction);
      }
      position += b.size;
    }
    if (filled > 0) {
      flush(state, kernel, view, batchNorms, batchWeights, filled, st, partition, batchRows);
    }
    st.rows = position;
    return st;
  }

  /** Rows to skip before the next sampled one: geometric with success probability {@code fraction}. */
  private static long skip(SplittableRandom rng, double logKeep, double fraction) {
    if (fraction >= 1.0) {
      return 0;
    }
    return (long) Math.floor(Math.log(1.0 - rng.nextDouble()) / logKeep);
  }

  /** Assigns the first n rows of the batch buffer ({@code view}, a block over it; its own norms unused). */
  private static void flush(KMeansState state, NearestCenter kernel, PointBlock view, double[] norms,
      double[] weights, int n, ClusterStats st, int partition, long firstBatchRow) {
    kernel.assign(state.centers, state.norms, view.x, norms, n, st.sums, weights);
    st.addAssigned(kernel, view, weights, n, partition, firstBatchRow);
  }
}
