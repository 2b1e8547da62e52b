package io.sparkae.linear.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.core.PartitionStore;
import io.sparkae.core.RoundLoop.RoundContext;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Distance bounds (Hamerly 2010) change how much a Lloyd round computes, never its result: the bounded fit equals the
 * full one bit for bit, and the bounds kept between rounds are true bounds.
 */
class BoundedRoundTest extends SparkTest {

  /**
   * Overlapping clusters (many rows near a boundary, where skipping is hardest), one cluster, and data far from the
   * origin (offset 1e4: the per-cluster cost formula cancels and the direct sum is taken; the rounding allowance is
   * large against the distances); with one lower bound per row (k > d) and one per center (k <= d, the last three).
   */
  @ParameterizedTest
  @CsvSource({"3000, 8, 12, 1.0, 0", "1500, 5, 1, 2.0, 0", "2000, 6, 7, 2.0, 10000", "2500, 30, 25, 0.6, 0",
      "3000, 16, 12, 1.0, 0", "2000, 12, 7, 2.0, 10000"})
  void boundedLloydEqualsTheFullRounds(int n, int d, int k, double spread, double offset) {
    Mixture m = Mixture.gaussian(n, d, k, spread, 1.0, 17);
    for (double[] row : m.rows) {
      for (int i = 0; i < d; i++) {
        row[i] += offset;
      }
    }
    Dataset<Row> df = Planted.frame(spark(), m.rows, 3).cache();
    KMeans est = new KMeans().setK(k).setSeed(5).setTol(0).setMaxIter(25).setInitMode("random");
    KMeansModel full = est.copy(new org.apache.spark.ml.param.ParamMap()).setBounds(false).fit(df);
    KMeansModel bounded = est.setBounds(true).fit(df);
    assertArrayEquals(full.centers().values, bounded.centers().values, 0.0, "the same centers, bit for bit");
    assertArrayEquals(full.summary().clusterSizes(), bounded.summary().clusterSizes());
    assertEquals(full.trainingCost(), bounded.trainingCost(), 0.0, "the final cost is a full round in both");
    double[] a = full.summary().objectiveHistory();
    double[] b = bounded.summary().objectiveHistory();
    assertEquals(a.length, b.length);
    for (int t = 0; t < a.length; t++) {
      // The per-cluster cost formula against the sum of per-row distances: both within about d ulps of the sum's
      // terms, at most 2^10 times the cost where the formula is used (the guard), so 1e-9 relative is wide.
      assertEquals(a[t], b[t], 1e-9 * a[t], "round " + (t + 1));
    }
    assertEquals(0, PartitionStore.size(), "the fit drops its bounds when it ends");
    df.unpersist();
  }

  /**
   * Round by round on one partition: the kept bounds bound the true distances, and later rounds skip rows. One lower
   * bound per center (k = 8 <= d = 10, and the overlapping k = 12 <= 16) and one per row (k = 40 > 32).
   */
  @ParameterizedTest
  @CsvSource({"2000, 10, 8, 3.0", "2000, 20, 40, 1.0", "2000, 16, 12, 1.0"})
  void keptBoundsAreTrueBoundsAndLaterRoundsSkipRows(int n, int d, int k, double spread) {
    Mixture m = Mixture.gaussian(n, d, k, spread, 1.0, 23);
    List<PointBlock> blocks = new ArrayList<>();
    int blockRows = 300;
    for (int s = 0; s < n; s += blockRows) {
      int c = Math.min(blockRows, n - s);
      DenseMatrix x = new DenseMatrix(d, blockRows);
      for (int j = 0; j < c; j++) {
        System.arraycopy(m.rows[s + j], 0, x.values, j * d, d);
      }
      blocks.add(new PointBlock(x, c));
    }
    DenseMatrix c = new DenseMatrix(d, k);
    for (int j = 0; j < k; j++) {
      System.arraycopy(m.rows[j * 7], 0, c.values, j * d, d);
    }
    String fit = "bounded-round-test";
    KMeansState s = new KMeansState(c, fit, null);
    boolean perCenter = BoundedRound.perCenter(d, k);
    long skipped = 0;
    long distances = 0;
    try {
      for (int round = 1; round <= 12; round++) {
        ClusterStats bounded = BoundedRound.of(s, blocks.iterator(), new RoundContext(round, 0, 1));
        ClusterStats full = ClusterStats.of(s, blocks.iterator(), 0, true, 0);
        assertArrayEquals(full.counts, bounded.counts, "round " + round);
        assertArrayEquals(full.sums, bounded.sums, 0.0, "round " + round + ": the same sums bit for bit");
        assertEquals(full.totalCost(), bounded.totalCost(), 1e-9 * full.totalCost());
        if (round == 1) {
          assertEquals(n, bounded.computed, "the first round computes every distance");
          assertEquals((long) n * k, bounded.distances);
        } else {
          skipped += n - bounded.computed;
          distances += bounded.distances;
        }
        BoundedRound.Kept kept = PartitionStore.get(fit, 0, round, BoundedRound.Kept.class);
        for (int bi = 0; bi < blocks.size(); bi++) {
          PointBlock b = blocks.get(bi);
          for (int j = 0; j < b.size; j++) {
            int a = kept.label[bi][j];
            for (int i = 0; i < k; i++) {
              double dist = Math.sqrt(distance2(b.x, j, s.centers, i));
              if (i == a) {
                assertTrue(dist <= kept.upper[bi][j], "upper bound, round " + round);
              } else {
                double lower = perCenter ? kept.lower[bi][j * k + i] : kept.lower[bi][j];
                assertTrue(dist >= lower, "lower bound, round " + round + ", center " + i);
              }
            }
          }
        }
        CenterUpdate u = CenterUpdate.lloyd(s.centers, full, round, org.slf4j.LoggerFactory.getLogger("test"));
        s = new KMeansState(u.centers, fit, s.centers);
      }
    } finally {
      PartitionStore.dropFit(fit);
    }
    // Planted clusters: once the centers settle, most rows keep theirs. Measured over rounds 2-12 for the three cases:
    // rows skipped by the kernel 99.98%, 65% and 97%, row-center distances computed 1.2%, 36% and 15%. A quarter
    // skipped and three quarters computed are wide margins that still fail if the bounds never rule anything out.
    assertTrue(skipped > n * 11 / 4, "rows skipped over rounds 2-12: " + skipped);
    assertTrue(distances < 3L * n * k * 11 / 4, "distances computed over rounds 2-12: " + distances);
  }

  private static double distance2(DenseMatrix x, int j, DenseMatrix c, int i) {
    int d = x.rows;
    double s = 0;
    for (int t = 0; t < d; t++) {
      double r = x.values[j * d + t] - c.values[i * d + t];
      s += r * r;
    }
    return s;
  }
}
