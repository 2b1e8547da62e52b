package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.kmeans.KMeansModel;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.neural.NeuralAutoencoderModel;
import io.sparkae.neural.vae.VariationalModel;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.ScreePlot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-family summaries (for metrics.json) and figures (for report/): the one place the CLI knows what each model
 * family has to show. Figures are drawn on the driver into a local scratch folder, then copied into the output.
 */
final class ModelReports {
  private ModelReports() {}

  /** Family-specific numbers for metrics.json. */
  static Map<String, Object> summary(AutoencoderModel<?> model) {
    Map<String, Object> out = new LinkedHashMap<>();
    Provenance p = model.provenance();
    out.put("rows", p.rows());
    out.put("features", p.features());
    out.put("codeSize", model.autoencoder().codeSize());
    if (model instanceof PCAModel pca) {
      double[] ratio = pca.explainedVarianceRatio();
      double cumulative = 0;
      for (double r : ratio) {
        cumulative += r;
      }
      out.put("explainedVarianceRatio", ratio);
      out.put("cumulativeExplainedVarianceRatio", cumulative);
      out.put("explainedVariance", pca.explainedVariance());
      out.put("totalVariance", pca.totalVariance());
    }
    if (model instanceof NeuralAutoencoderModel nn) {
      out.putAll(NeuralReports.summary(nn));
    }
    if (model instanceof VariationalModel<?> vm) {
      out.putAll(VaeReports.summary(vm));
    }
    DictionaryReports.summary(model, out);
    if (model instanceof KMeansModel km) {
      out.putAll(KMeansReports.summary(km));
    }
    return out;
  }

  /**
   * Family-specific evaluation numbers beyond loss and explained variance (none for PCA); for probabilistic models
   * the -ELBO terms and, with {@code importanceSamples} K &gt; 0, the importance-weighted log-likelihood.
   */
  static Map<String, Object> evaluationExtras(AutoencoderModel<?> model, Dataset<Row> data, int importanceSamples) {
    if (model instanceof KMeansModel km) {
      return KMeansReports.evaluation(km, data);
    }
    if (model instanceof VariationalModel<?> vm) {
      return vm.evaluateLikelihood(data, importanceSamples).toMap();
    }
    return Map.of();
  }

  /** Figures that need data beside the model (a VAE's 2-D codes by label); none for most families. */
  static List<String> writeDataFigures(AutoencoderModel<?> model, Dataset<Row> data, String title, OutputDir dir,
      String prefix) {
    if (!(model instanceof VariationalModel<?> vm)) {
      return List.of();
    }
    List<String> written = new ArrayList<>();
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("sparkae-figures");
      for (Path f : VaeReports.dataFigures(vm, data, title, scratch)) {
        written.add(copy(dir, f, prefix));
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw figures: " + e.getMessage(), e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  /** Draws the model's figures into {@code dir} under {@code prefix}; returns the file names written. */
  static List<String> write(AutoencoderModel<?> model, OutputDir dir, String prefix) {
    List<String> written = new ArrayList<>();
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("sparkae-figures");
      Provenance p = model.provenance();
      if (model instanceof PCAModel pca) {
        Path scree = scratch.resolve("scree.png");
        ScreePlot.write(scree, pca.explainedVarianceRatio(), "PCA: explained variance ratio (k = " + pca.k() + ")");
        written.add(copy(dir, scree, prefix));
        if (p.isImage()) {
          Path grid = scratch.resolve("components.png");
          componentGrid(pca, p, grid);
          written.add(copy(dir, grid, prefix));
        }
      }
      if (model instanceof NeuralAutoencoderModel nn) {
        for (Path f : NeuralReports.figures(nn, p, scratch)) {
          written.add(copy(dir, f, prefix));
        }
      }
      if (model instanceof VariationalModel<?> vm) {
        for (Path f : VaeReports.figures(vm, p, scratch)) {
          written.add(copy(dir, f, prefix));
        }
      }
      if (model instanceof KMeansModel km) {
        for (Path f : KMeansReports.figures(km, p, scratch)) {
          written.add(copy(dir, f, prefix));
        }
      }
      for (Path f : DictionaryReports.figures(model, scratch)) {
        written.add(copy(dir, f, prefix));
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw figures: " + e.getMessage(), e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  /** The mean image, then the leading components (at most 35) with their share of the variance. */
  private static void componentGrid(PCAModel pca, Provenance p, Path png) throws IOException {
    DenseMatrix w = pca.components();
    double[] ratio = pca.explainedVarianceRatio();
    int shown = Math.min(w.cols, 35);
    List<double[]> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    images.add(pca.mean());
    captions.add("mean");
    for (int j = 0; j < shown; j++) {
      images.add(w.column(j));
      captions.add(String.format(java.util.Locale.ROOT, "%d: %.1f%%", j + 1, 100 * ratio[j]));
    }
    // Symmetric scaling per tile: components are signed (grey = 0); the nonnegative mean shows as light strokes.
    ImageGrid.write(png, images, p.imageHeight(), p.imageWidth(), 6,
        "PCA: mean and top " + shown + " components (grey = 0)", ImageGrid.Scale.PER_IMAGE_SYMMETRIC, captions);
  }

  private static String copy(OutputDir dir, Path local, String prefix) {
    String name = prefix + local.getFileName();
    dir.copyFromLocal(local, name);
    return name;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // Scratch space only.
    }
  }
}
