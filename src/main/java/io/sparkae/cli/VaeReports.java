package io.sparkae.cli;

import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.vae.VariationalModel;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.LinePlot;
import io.sparkae.report.ScatterPlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The probabilistic autoencoders' part of {@link ModelReports}: their numbers for metrics.json and their figures,
 * after Kingma and Welling (2014), figures 2, 4 and 5: the training objective and validation -ELBO against the
 * number of rows seen; for image rows a grid of samples from the prior, inputs above their reconstructions and, for
 * a 2-D latent, the learned manifold (decodes of a grid of z spaced through the inverse Gaussian CDF); with labelled
 * data and a 2-D latent, the codes coloured by label.
 */
final class VaeReports {
  private static final long SAMPLE_SEED = 20140101L;

  private VaeReports() {}

  static Map<String, Object> summary(VariationalModel<?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("architecture", m.vae().toString());
    out.put("parameters", m.vae().numParams());
    out.put("latentSize", m.vae().latentSize());
    out.put("roundsPerEpoch", m.roundsPerEpoch());
    double[] train = m.trainLoss();
    out.put("rounds", train.length);
    if (train.length > 0) {
      out.put("finalTrainObjective", train[train.length - 1]);
    }
    double[] val = m.validationLoss();
    if (val.length > 0) {
      out.put("validationNegElboPerEpoch", val);
    }
    return out;
  }

  static List<Path> figures(VariationalModel<?> m, Provenance p, Path scratch) throws IOException {
    List<Path> out = new ArrayList<>();
    double[] train = m.trainLoss();
    if (train.length > 0) {
      int rpe = Math.max(1, m.roundsPerEpoch());
      double rows = Math.max(1, p.rows());
      double[] x = new double[train.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i + 1) * rows / rpe;
      }
      List<LinePlot.Series> series = new ArrayList<>();
      series.add(new LinePlot.Series("train objective (per round)", x, train));
      double[] val = m.validationLoss();
      if (val.length > 0) {
        double[] e = new double[val.length];
        for (int i = 0; i < e.length; i++) {
          e[i] = (i + 1) * rows;
        }
        series.add(new LinePlot.Series("validation -ELBO (per epoch)", e, val));
      }
      Path loss = scratch.resolve("elbo.png");
      boolean logY = Arrays.stream(train).allMatch(v -> v > 0);
      LinePlot.write(loss, "-ELBO per row (nats) against rows seen", "rows seen", "-ELBO", series, logY);
      out.add(loss);
    }
    if (!p.isImage()) {
      return out;
    }
    int h = p.imageHeight();
    int w = p.imageWidth();
    int k = m.vae().latentSize();
    DenseMatrix samples = m.sample(100, SAMPLE_SEED);
    Path grid = scratch.resolve("samples.png");
    ImageGrid.write(grid, columns(samples), h, w, 10, "Samples from the prior, k = " + k + " (decoder means)",
        ImageGrid.Scale.FIXED_01);
    out.add(grid);
    DenseMatrix xs = m.sampleInputs();
    if (xs.cols > 0) {
      DenseMatrix z = new DenseMatrix(k, xs.cols);
      m.autoencoder().encode(xs, xs.cols, z);
      DenseMatrix xhat = m.decodeAll(z);
      List<double[]> images = columns(xs);
      images.addAll(columns(xhat));
      Path rec = scratch.resolve("reconstructions.png");
      ImageGrid.write(rec, images, h, w, xs.cols, "Inputs (top) and reconstructions at mu(x) (bottom)",
          ImageGrid.Scale.FIXED_01);
      out.add(rec);
    }
    if (k == 2 && !m.vae().softmaxLatent()) {
      int side = 20;
      DenseMatrix z = new DenseMatrix(2, side * side);
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          int j = r * side + c;
          z.values[2 * j] = inverseNormalCdf((c + 0.5) / side);
          z.values[2 * j + 1] = inverseNormalCdf(1 - (r + 0.5) / side);
        }
      }
      Path manifold = scratch.resolve("manifold.png");
      ImageGrid.write(manifold, columns(m.decodeAll(z)), h, w, side, "Learned manifold: z through the inverse "
          + "Gaussian CDF on a 20 x 20 grid", ImageGrid.Scale.FIXED_01);
      out.add(manifold);
    }
    return out;
  }

  /** With a 2-D latent and a label column: the codes of up to 5,000 rows of {@code data} coloured by label. */
  static List<Path> dataFigures(VariationalModel<?> m, Dataset<Row> data, String title, Path scratch)
      throws IOException {
    if (m.vae().latentSize() != 2 || m.vae().softmaxLatent()
        || !Arrays.asList(data.columns()).contains("label")) {
      return List.of();
    }
    List<Row> rows = m.copy(new org.apache.spark.ml.param.ParamMap()).setOutputCol("__code")
        .transform(data.select(m.getInputCol(), "label").limit(5000)).select("__code", "label").collectAsList();
    double[] x = new double[rows.size()];
    double[] y = new double[rows.size()];
    int[] labels = new int[rows.size()];
    for (int i = 0; i < x.length; i++) {
      Vector v = (Vector) rows.get(i).get(0);
      x[i] = v.apply(0);
      y[i] = v.apply(1);
      labels[i] = (int) rows.get(i).getDouble(1);
    }
    Path png = scratch.resolve("codes.png");
    ScatterPlot.write(png, "Posterior means mu(x) of " + x.length + " " + title + " rows, by label", x, y, labels);
    return List.of(png);
  }

  private static List<double[]> columns(DenseMatrix m) {
    List<double[]> out = new ArrayList<>();
    for (int j = 0; j < m.cols; j++) {
      out.add(m.column(j));
    }
    return out;
  }

  /**
   * The standard normal quantile function, by Acklam's rational approximation (relative error below 1.2e-9),
   * for p in (0, 1).
   */
  static double inverseNormalCdf(double p) {
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -inverseNormalCdf(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
