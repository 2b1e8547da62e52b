package io.sparkae.linear.kmeans;

import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;

/**
 * Initial centers on the driver, from cached blocks:
 * <ul>
 *   <li>"random": k rows drawn uniformly without replacement (smallest random keys), distinct;</li>
 *   <li>"k-means||" (Bahmani, Moseley, Vattani, Kumar, Vassilvitskii 2012, "Scalable k-means++"): one row drawn
 *   uniformly, then {@code initSteps} rounds each adding every row with probability
 *   {@code min(1, l d^2(x) / phi)}, l = 2k (as MLlib), then the candidates weighted by the rows nearest to them
 *   and reduced to k by weighted k-means++ and Lloyd on the driver ({@link LocalKMeans});</li>
 *   <li>"given": the user's centers, checked (and scaled to unit norm for the cosine distance).</li>
 * </ul>
 * A first pass ({@link InitScan}) counts the rows and finds min(k, distinct rows): k larger than the number of
 * distinct points is an error, and when sampling yields fewer than k distinct candidates the rest come from the
 * distinct rows that pass found, so a fit always starts from k distinct centers. Weighted rows: the first row is drawn
 * with probability proportional to its weight, the oversampling uses weighted costs and the candidates weigh the
 * weights of their rows.
 */
final class KMeansInit {
  private KMeansInit() {}

  /** Initial centers (d x k). */
  static final class Result {
    final DenseMatrix centers;

    Result(DenseMatrix centers) {
      this.centers = centers;
    }
  }

  static Result initialize(JavaRDD<PointBlock> blocks, int d, int k, String mode, int initSteps, double[][] given,
      long seed, String column, Logger log, boolean cosine) {
    if (mode.equals("given")) {
      DenseMatrix c = givenCenters(given, d, k);
      if (cosine) {
        for (int j = 0; j < k; j++) {
          if (!(PointBlock.squaredNorm(c.values, j * d, d) > 0)) {
            throw new IllegalArgumentException("initial center " + j + " is the zero vector: the cosine distance is "
                + "not defined for it");
          }
        }
        CenterUpdate.normalize(c, c);
      }
      return new Result(c);
    }
    int sampleSize = mode.equals("random") ? k : 1;
    RoundLoop<PointBlock, Integer, InitScan> scanLoop = new RoundLoop<>(blocks, Seeds.derive(seed, "kmeans-init-scan"),
        (dim, it, ctx) -> InitScan.of(it, dim, k, sampleSize, ctx.seed(), ctx.partition()), InitScan::merge);
    InitScan scan = scanLoop.round(d, 1);
    if (scan == null || scan.rows == 0) {
      throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
    }
    if (scan.distinctCount() < k) {
      throw new IllegalArgumentException("k = " + k + " is larger than the number of distinct points ("
          + scan.distinctCount() + ") in input column '" + column + "' (" + scan.rows + " rows)");
    }
    List<double[]> centers;
    if (mode.equals("random")) {
      centers = Points.distinct(scan.sample, List.of());
    } else {
      centers = kMeansParallel(blocks, d, k, initSteps, scan.sample.get(0), seed, log, cosine);
    }
    List<double[]> sorted = new ArrayList<>(scan.distinct);
    sorted.sort(Points::compare);
    List<double[]> fill = Points.distinct(sorted, centers);
    if (centers.size() < k) {
      log.info("k-means init ({}) found {} distinct candidates for k = {}; completing with distinct rows", mode,
          centers.size(), k);
    }
    for (int i = 0; centers.size() < k; i++) {
      centers.add(fill.get(i));
    }
    return new Result(toMatrix(centers.subList(0, k), d));
  }

  private static List<double[]> kMeansParallel(JavaRDD<PointBlock> blocks, int d, int k, int initSteps, double[] first,
      long seed, Logger log, boolean cosine) {
    List<double[]> candidates = new ArrayList<>();
    candidates.add(first);
    double l = 2.0 * k;
    RoundLoop<PointBlock, KMeansState, ParallelSample> stepLoop = new RoundLoop<>(blocks,
        Seeds.derive(seed, "kmeans||"), (s, it, ctx) -> ParallelSample.of(s, it, ctx.partition(), ctx.seed(), l),
        ParallelSample::merge);
    for (int step = 1; step <= initSteps; step++) {
      ParallelSample sample = stepLoop.round(new KMeansState(toMatrix(candidates, d)), step);
      List<double[]> added = Points.distinct(sample.selected(), candidates);
      log.debug("k-means|| step {}: cost {} with {} candidates, {} added", step, sample.total(), candidates.size(),
          added.size());
      candidates.addAll(added);
      if (sample.total() == 0 || added.isEmpty()) {
        break;
      }
    }
    if (candidates.size() <= k) {
      return candidates;
    }
    DenseMatrix cand = toMatrix(candidates, d);
    RoundLoop<PointBlock, KMeansState, ClusterStats> weightLoop = new RoundLoop<>(blocks, seed,
        (s, it, ctx) -> ClusterStats.of(s, it, ctx.partition(), false, 0), ClusterStats::merge);
    ClusterStats w = weightLoop.round(new KMeansState(cand), 1);
    double[] weights = new double[cand.cols];
    for (int j = 0; j < weights.length; j++) {
      weights[j] = w.weight(j);
    }
    DenseMatrix c = LocalKMeans.fit(cand, weights, k, Seeds.derive(seed, "kmeans++"), 30);
    if (cosine) {
      // The candidates are unit rows; their weighted means are not.
      CenterUpdate.normalize(c, c.copy());
    }
    log.info("k-means|| chose {} candidates in {} steps and reduced them to k = {} (candidate cost {})",
        cand.cols, initSteps, k, String.format(Locale.ROOT, "%.6g", w.totalCost()));
    List<double[]> out = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      out.add(c.column(j));
    }
    return out;
  }

  /** The user's centers as a d x k matrix, checked against k and d. */
  static DenseMatrix givenCenters(double[][] given, int d, int k) {
    if (given == null) {
      throw new IllegalArgumentException("initMode 'given' needs initial centers: call setInitialCenters");
    }
    if (given.length != k) {
      throw new IllegalArgumentException("initialCenters holds " + given.length + " centers but k = " + k);
    }
    for (int j = 0; j < k; j++) {
      if (given[j] == null || given[j].length != d) {
        throw new IllegalArgumentException("initial center " + j + " has size "
            + (given[j] == null ? 0 : given[j].length) + ", expected d = " + d + " (the size of the input vectors)");
      }
      for (double v : given[j]) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          throw new IllegalArgumentException("initial center " + j + " holds " + v
              + " (NaN and infinite values are not allowed)");
        }
      }
    }
    List<double[]> rows = new ArrayList<>(Arrays.asList(given));
    return toMatrix(rows, d);
  }

  static DenseMatrix toMatrix(List<double[]> rows, int d) {
    DenseMatrix m = new DenseMatrix(d, rows.size());
    for (int j = 0; j < rows.size(); j++) {
      System.arraycopy(rows.get(j), 0, m.values, j * d, d);
    }
    return m;
  }
}
