package io.sparkae.cli;

import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.NeuralAutoencoderModel;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.LinePlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The neural autoencoder's part of {@link ModelReports}: its numbers for metrics.json and its figures (the loss
 * curve; when rows are images, sample inputs above their reconstructions and the first layer's filters).
 */
final class NeuralReports {
  private NeuralReports() {}

  static Map<String, Object> summary(NeuralAutoencoderModel m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("architecture", m.architecture().toString());
    out.put("layers", m.architecture().sizes());
    out.put("parameters", m.architecture().numParams());
    out.put("roundsPerEpoch", m.roundsPerEpoch());
    double[] train = m.trainLoss();
    out.put("rounds", train.length);
    if (train.length > 0) {
      out.put("finalTrainLoss", train[train.length - 1]);
    }
    double[] val = m.validationLoss();
    if (val.length > 0) {
      out.put("validationLossPerEpoch", val);
    }
    return out;
  }

  static List<Path> figures(NeuralAutoencoderModel m, Provenance p, Path scratch) throws IOException {
    List<Path> out = new ArrayList<>();
    double[] train = m.trainLoss();
    if (train.length > 0) {
      int rpe = Math.max(1, m.roundsPerEpoch());
      double[] x = new double[train.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i + 1) / (double) rpe;
      }
      List<LinePlot.Series> series = new ArrayList<>();
      series.add(new LinePlot.Series("train (per round)", x, train));
      double[] val = m.validationLoss();
      if (val.length > 0) {
        double[] e = new double[val.length];
        for (int i = 0; i < e.length; i++) {
          e[i] = i + 1;
        }
        series.add(new LinePlot.Series("validation (per epoch)", e, val));
      }
      Path loss = scratch.resolve("loss.png");
      boolean logY = Arrays.stream(train).allMatch(v -> v > 0);
      LinePlot.write(loss, "Neural autoencoder: " + m.autoencoder().lossName() + " per example", "epoch", "loss",
          series, logY);
      out.add(loss);
    }
    if (!p.isImage()) {
      return out;
    }
    int h = p.imageHeight();
    int w = p.imageWidth();
    DenseMatrix xs = m.sampleInputs();
    if (xs.cols > 0) {
      DenseMatrix xhat = new DenseMatrix(xs.rows, xs.cols);
      DenseMatrix z = new DenseMatrix(m.autoencoder().codeSize(), xs.cols);
      m.autoencoder().encode(xs, xs.cols, z);
      m.autoencoder().decode(z, xs.cols, xhat);
      List<double[]> images = new ArrayList<>();
      for (int j = 0; j < xs.cols; j++) {
        images.add(xs.column(j));
      }
      for (int j = 0; j < xs.cols; j++) {
        images.add(xhat.column(j));
      }
      Path grid = scratch.resolve("reconstructions.png");
      ImageGrid.write(grid, images, h, w, xs.cols, "Inputs (top) and reconstructions (bottom)",
          ImageGrid.Scale.PER_IMAGE_MINMAX);
      out.add(grid);
    }
    DenseMatrix w0 = m.firstLayerWeights();
    int shown = Math.min(w0.rows, 64);
    List<double[]> filters = new ArrayList<>();
    for (int i = 0; i < shown; i++) {
      double[] f = new double[w0.cols];
      for (int j = 0; j < w0.cols; j++) {
        f[j] = w0.get(i, j);
      }
      filters.add(f);
    }
    Path fig = scratch.resolve("filters.png");
    ImageGrid.write(fig, filters, h, w, 8, "First layer filters (" + shown + " of " + w0.rows + ", grey = 0)",
        ImageGrid.Scale.PER_IMAGE_SYMMETRIC);
    out.add(fig);
    return out;
  }
}
