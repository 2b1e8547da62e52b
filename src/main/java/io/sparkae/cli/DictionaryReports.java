package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.dictionary.NMFModel;
import io.sparkae.linear.dictionary.SparseCodingModel;
import io.sparkae.linear.dictionary.ica.ICAModel;
import io.sparkae.report.Histogram;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.LinePlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Summaries and figures of the dictionary family (sparse coding, NMF, ICA), called from {@link ModelReports}:
 * atoms (or ICA filters) as an image grid when rows are images, the objective per round, and the histogram of
 * nonzeros per code in the last round of a sparse-coding fit.
 */
final class DictionaryReports {
  /** Most atoms drawn in one grid. */
  static final int MAX_TILES = 256;

  private DictionaryReports() {}

  /** Adds family numbers to {@code out}; returns false when the model is not of this family. */
  static boolean summary(AutoencoderModel<?> model, Map<String, Object> out) {
    if (model instanceof SparseCodingModel sc) {
      out.put("objectiveHistory", sc.objectiveHistory());
      out.put("rounds", sc.objectiveHistory().length);
      out.put("meanNonzeros", meanNonzeros(sc.nonzeroHistogram()));
      return true;
    }
    if (model instanceof NMFModel nmf) {
      out.put("objectiveHistory", nmf.objectiveHistory());
      out.put("rounds", nmf.objectiveHistory().length);
      return true;
    }
    if (model instanceof ICAModel ica) {
      out.put("changeHistory", ica.changeHistory());
      out.put("rounds", ica.changeHistory().length);
      return true;
    }
    return false;
  }

  /** Draws the family's figures into {@code scratch}; returns the files written (empty for other families). */
  static List<Path> figures(AutoencoderModel<?> model, Path scratch) throws IOException {
    List<Path> out = new ArrayList<>();
    Provenance p = model.provenance();
    if (model instanceof SparseCodingModel sc) {
      if (p.isImage()) {
        out.add(atoms(sc.dictionary(), p, scratch.resolve("atoms.png"), "sparse coding: atoms",
            ImageGrid.Scale.PER_IMAGE_SYMMETRIC));
      }
      out.add(objective(sc.objectiveHistory(), scratch.resolve("objective.png"), "sparse coding: objective per row"));
      Path nz = scratch.resolve("nonzeros.png");
      Histogram.write(nz, "sparse coding: nonzeros per code (last round)", "nonzeros",
          expand(sc.nonzeroHistogram()));
      out.add(nz);
    } else if (model instanceof NMFModel nmf) {
      if (p.isImage()) {
        out.add(atoms(nmf.dictionary(), p, scratch.resolve("atoms.png"), "NMF: atoms",
            ImageGrid.Scale.PER_IMAGE_MINMAX));
      }
      out.add(objective(nmf.objectiveHistory(), scratch.resolve("objective.png"), "NMF: squared error per row"));
    } else if (model instanceof ICAModel ica) {
      if (p.isImage()) {
        out.add(atoms(ica.unmixing().transpose(), p, scratch.resolve("filters.png"), "ICA: unmixing filters",
            ImageGrid.Scale.PER_IMAGE_SYMMETRIC));
      }
      Path png = scratch.resolve("convergence.png");
      double[] h = ica.changeHistory();
      double[] y = new double[h.length];
      for (int i = 0; i < h.length; i++) {
        y[i] = Math.max(h[i], 1e-16);
      }
      LinePlot.write(png, "FastICA: max_i (1 - |w_i . w_i,old|) per round", "round", "change",
          List.of(LinePlot.Series.ofRounds("change", y)), true);
      out.add(png);
    }
    return out;
  }

  private static Path atoms(DenseMatrix phi, Provenance p, Path png, String title, ImageGrid.Scale scale)
      throws IOException {
    int shown = Math.min(phi.cols, MAX_TILES);
    List<double[]> tiles = new ArrayList<>();
    for (int j = 0; j < shown; j++) {
      tiles.add(phi.column(j));
    }
    int columns = (int) Math.ceil(Math.sqrt(shown));
    ImageGrid.write(png, tiles, p.imageHeight(), p.imageWidth(), columns,
        title + " (" + shown + " of " + phi.cols + ")", scale);
    return png;
  }

  private static Path objective(double[] h, Path png, String title) throws IOException {
    LinePlot.write(png, title, "round", "objective per row", List.of(LinePlot.Series.ofRounds("objective", h)),
        false);
    return png;
  }

  /** The histogram's counts as observations, scaled down proportionally beyond 200,000 rows. */
  static int[] expand(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double f = total > 200_000 ? 200_000.0 / total : 1.0;
    List<Integer> values = new ArrayList<>();
    for (int k = 0; k < counts.length; k++) {
      long c = Math.round(counts[k] * f);
      for (long i = 0; i < c; i++) {
        values.add(k);
      }
    }
    if (values.isEmpty()) {
      values.add(0);
    }
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double meanNonzeros(long[] counts) {
    double s = 0;
    long n = 0;
    for (int k = 0; k < counts.length; k++) {
      s += (double) k * counts[k];
      n += counts[k];
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
