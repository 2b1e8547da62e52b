package io.sparkae.cli;

import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.kmeans.KMeansModel;
import io.sparkae.report.Histogram;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.LinePlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** k-means summaries and figures: centroids as images, cluster sizes, cost per round. */
final class KMeansReports {
  private KMeansReports() {}

  static Map<String, Object> summary(KMeansModel m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("k", m.k());
    if (m.hasSummary()) {
      out.put("trainingCost", m.summary().trainingCost());
      out.put("iterations", m.summary().numIter());
      out.put("converged", m.summary().converged());
      out.put("clusterSizes", m.summary().clusterSizes());
      out.put("objectiveHistory", m.summary().objectiveHistory());
    }
    return out;
  }

  /** Inertia and silhouette (on a seeded sample) of {@code data}. */
  static Map<String, Object> evaluation(KMeansModel m, Dataset<Row> data) {
    return m.clusteringMetrics(data).toMap();
  }

  static List<Path> figures(KMeansModel m, Provenance p, Path scratch) throws IOException {
    List<Path> out = new ArrayList<>();
    if (p.isImage()) {
      DenseMatrix c = m.centers();
      List<double[]> images = new ArrayList<>();
      List<String> captions = new ArrayList<>();
      long[] sizes = m.hasSummary() ? m.summary().clusterSizes() : null;
      int shown = Math.min(c.cols, 100);
      for (int j = 0; j < shown; j++) {
        images.add(c.column(j));
        captions.add(sizes == null ? String.valueOf(j) : j + ": " + sizes[j]);
      }
      Path grid = scratch.resolve("centroids.png");
      ImageGrid.write(grid, images, p.imageHeight(), p.imageWidth(), Math.min(10, shown),
          "k-means: centroids (cluster: size)", ImageGrid.Scale.PER_IMAGE_MINMAX, captions);
      out.add(grid);
    }
    if (m.hasSummary()) {
      long[] sizes = m.summary().clusterSizes();
      double[] sz = new double[sizes.length];
      for (int j = 0; j < sizes.length; j++) {
        sz[j] = sizes[j];
      }
      Path hist = scratch.resolve("cluster-sizes.png");
      Histogram.write(hist, "k-means: cluster sizes", "rows in cluster", sz, Math.max(5, Math.min(30, sizes.length)));
      out.add(hist);
      double[] cost = m.summary().objectiveHistory();
      if (cost.length > 0) {
        Path curve = scratch.resolve("cost.png");
        LinePlot.write(curve, "k-means: cost per round", "round", "sum of squared distances",
            List.of(LinePlot.Series.ofRounds("cost", cost)), false);
        out.add(curve);
      }
    }
    return out;
  }
}
