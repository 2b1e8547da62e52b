package io.sparkae.linear.kmeans;

import io.sparkae.core.InputColumn;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.SparkErrors;
import io.sparkae.data.Block;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * How well a k-means model clusters a data set, in two passes over all its rows:
 * <ul>
 *   <li>inertia {@code sum_i min_j ||x_i - c_j||^2} (scikit-learn's name; MLlib's trainingCost on training data);</li>
 *   <li>the silhouette (Rousseeuw 1987) with squared Euclidean dissimilarity, exactly as MLlib's
 *   ClusteringEvaluator computes it by default: for x in cluster A, a(x) is the mean of ||x - y||^2 over the other
 *   rows y of A, b(x) the smallest mean of ||x - y||^2 over another cluster, s(x) = (b - a) / max(a, b) (0 in a
 *   singleton cluster), and the score is the mean of s over all rows. Per-cluster count N_C, sum Y_C and
 *   Psi_C = sum ||y||^2 make it O(n k d) rather than O(n^2 d): the mean over C is
 *   {@code ||x||^2 - 2 x^T Y_C / N_C + Psi_C / N_C}, one gemm per block.</li>
 * </ul>
 * Rows are assigned to their nearest center under the model.
 */
public final class ClusteringMetrics {
  private final long rows;
  private final double inertia;
  private final double silhouette;

  private ClusteringMetrics(long rows, double inertia, double silhouette) {
    this.rows = rows;
    this.inertia = inertia;
    this.silhouette = silhouette;
  }

  public long rows() {
    return rows;
  }

  /** Sum of squared distances to the nearest center. */
  public double inertia() {
    return inertia;
  }

  /** Mean silhouette with squared Euclidean dissimilarity, over all rows, in [-1, 1]. */
  public double silhouette() {
    return silhouette;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("inertia", inertia);
    m.put("meanSquaredDistance", inertia / rows);
    m.put("silhouetteSquaredEuclidean", silhouette);
    return m;
  }

  /** Per-cluster N_C, Y_C (d x k), Psi_C, and the inertia; then, in the second pass, the silhouette sum. */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    final long[] counts;
    final double[] sums;
    final double[] sumSquares;
    double inertia;
    double silhouetteSum;

    Stats(int d, int k) {
      counts = new long[k];
      sums = new double[d * k];
      sumSquares = new double[k];
    }

    Stats merge(Stats o) {
      rows += o.rows;
      inertia += o.inertia;
      silhouetteSum += o.silhouetteSum;
      for (int j = 0; j < counts.length; j++) {
        counts[j] += o.counts[j];
        sumSquares[j] += o.sumSquares[j];
      }
      for (int i = 0; i < sums.length; i++) {
        sums[i] += o.sums[i];
      }
      return this;
    }
  }

  /** What the second pass broadcasts: the model and the first pass's per-cluster statistics. */
  static final class Pass2 implements Serializable {
    private static final long serialVersionUID = 1L;
    final KMeansAutoencoder model;
    final Stats clusters;

    Pass2(KMeansAutoencoder model, Stats clusters) {
      this.model = model;
      this.clusters = clusters;
    }
  }

  static ClusteringMetrics compute(KMeansModel model, Dataset<?> dataset) {
    String column = model.getInputCol();
    InputColumn.requireVector(dataset.schema(), column);
    KMeansAutoencoder ae = model.autoencoder();
    int d = ae.inputSize();
    int k = ae.codeSize();
    int blockRows = model.getBlockSize();
    try {
      RoundLoop<InternalRow, KMeansAutoencoder, Stats> first = new RoundLoop<>(
          InputColumn.internalRows(dataset, column), 0L,
          (m, it, ctx) -> clusterStats(m, it, new Blocker(column, d, blockRows, false, ctx.partition())),
          Stats::merge);
      Stats s = first.round(ae, 1);
      if (s == null || s.rows == 0) {
        throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
      }
      RoundLoop<InternalRow, Pass2, Stats> second = new RoundLoop<>(InputColumn.internalRows(dataset, column), 0L,
          (p, it, ctx) -> silhouettes(p, it, new Blocker(column, d, blockRows, false, ctx.partition())),
          Stats::merge);
      Stats t = second.round(new Pass2(ae, s), 2);
      return new ClusteringMetrics(s.rows, s.inertia, t.silhouetteSum / s.rows);
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      throw SparkErrors.rethrow(e);
    }
  }

  private static Stats clusterStats(KMeansAutoencoder m, Iterator<InternalRow> rows, Blocker blocker) {
    Iterator<Block> blocks = blocker.blocks(RowCursor.ofInternalRows(rows), true);
    if (!blocks.hasNext()) {
      return null;
    }
    int d = m.inputSize();
    Stats s = new Stats(d, m.codeSize());
    int[] label = new int[blocker.blockRows()];
    double[] dist2 = new double[blocker.blockRows()];
    while (blocks.hasNext()) {
      Block b = blocks.next();
      m.assign(b.dense, b.size, label, dist2);
      double[] x = b.dense.values;
      for (int j = 0; j < b.size; j++) {
        int a = label[j];
        s.counts[a]++;
        s.inertia += dist2[j];
        double sq = 0;
        for (int i = 0; i < d; i++) {
          double v = x[j * d + i];
          s.sums[a * d + i] += v;
          sq += v * v;
        }
        s.sumSquares[a] += sq;
      }
      s.rows += b.size;
    }
    return s;
  }

  private static Stats silhouettes(Pass2 p, Iterator<InternalRow> rows, Blocker blocker) {
    Iterator<Block> blocks = blocker.blocks(RowCursor.ofInternalRows(rows), true);
    if (!blocks.hasNext()) {
      return null;
    }
    KMeansAutoencoder m = p.model;
    int d = m.inputSize();
    int k = m.codeSize();
    long[] n = p.clusters.counts;
    // Mean of each cluster (d x k) and Psi_C / N_C.
    DenseMatrix means = new DenseMatrix(d, k);
    double[] meanSq = new double[k];
    for (int c = 0; c < k; c++) {
      for (int i = 0; n[c] > 0 && i < d; i++) {
        means.values[c * d + i] = p.clusters.sums[c * d + i] / n[c];
      }
      meanSq[c] = n[c] > 0 ? p.clusters.sumSquares[c] / n[c] : 0;
    }
    Stats out = new Stats(0, 0);
    int cap = blocker.blockRows();
    int[] label = new int[cap];
    double[] g = new double[k * cap];
    while (blocks.hasNext()) {
      Block b = blocks.next();
      m.assign(b.dense, b.size, label, null);
      double[] x = b.dense.values;
      Blas.blas().dgemm("T", "N", k, b.size, d, -2.0, means.values, 0, d, x, 0, d, 0.0, g, 0, k);
      for (int j = 0; j < b.size; j++) {
        double xx = 0;
        for (int i = 0; i < d; i++) {
          xx += x[j * d + i] * x[j * d + i];
        }
        int a = label[j];
        if (n[a] <= 1) {
          continue;
        }
        double own = (xx + g[j * k + a] + meanSq[a]) * n[a] / (n[a] - 1);
        double other = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          if (c != a && n[c] > 0) {
            other = Math.min(other, xx + g[j * k + c] + meanSq[c]);
          }
        }
        if (other == Double.POSITIVE_INFINITY) {
          continue;
        }
        out.silhouetteSum += own < other ? 1 - own / other : own > other ? other / own - 1 : 0;
      }
    }
    return out;
  }
}
