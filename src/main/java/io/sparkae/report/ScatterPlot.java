package io.sparkae.report;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Points in the plane coloured by an integer label: the figure for two-dimensional codes (a 2-component PCA, a
 * VAE with a 2-D latent space) coloured by the digit or class they came from, to see which classes the code
 * separates. Labels share the ten palette colours modulo 10; the legend lists the labels (or, past
 * {@value #MAX_LEGEND_LABELS} distinct labels, the ten colour classes).
 *
 * <p>Points are drawn half transparent in a fixed shuffled order, so that no class is systematically hidden under
 * another; points with a NaN or infinite coordinate are skipped and counted in the subtitle.
 */
public final class ScatterPlot {
  static final int MAX_LEGEND_LABELS = 20;
  /** The drawing order is a permutation from this fixed seed: same input, same picture. */
  private static final long ORDER_SEED = 20240601L;

  private ScatterPlot() {}

  /** Writes the scatter plot with axes labelled z1 and z2 (code coordinates); {@code labels} may be null. */
  public static void write(Path png, String title, double[] x, double[] y, int[] labels) throws IOException {
    write(png, title, "z1", "z2", x, y, labels);
  }

  /**
   * Writes a scatter plot of the points ({@code x[i]}, {@code y[i]}) coloured by {@code labels[i]} mod 10 to
   * {@code png}, atomically, creating parent folders. With null labels all points share one colour and there is no
   * legend.
   */
  public static void write(Path png, String title, String xLabel, String yLabel, double[] x, double[] y,
      int[] labels) throws IOException {
    Canvas.checkPath(png);
    render(title, xLabel, yLabel, x, y, labels).write(png);
  }

  static Chart render(String title, String xLabel, String yLabel, double[] x, double[] y, int[] labels) {
    Objects.requireNonNull(x, "x is null");
    Objects.requireNonNull(y, "y is null");
    if (x.length != y.length) {
      throw new IllegalArgumentException("x has " + x.length + " values but y has " + y.length);
    }
    if (labels != null && labels.length != x.length) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " values but x and y have " + x.length);
    }
    if (x.length == 0) {
      throw new IllegalArgumentException("x and y are empty: a scatter plot needs at least one point");
    }
    int n = x.length;
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    int drawn = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        xMin = Math.min(xMin, x[i]);
        xMax = Math.max(xMax, x[i]);
        yMin = Math.min(yMin, y[i]);
        yMax = Math.max(yMax, y[i]);
        drawn++;
      }
    }
    String note = "n = " + drawn + (drawn == n ? "" : ", " + (n - drawn) + " non-finite skipped");
    Chart chart = new Chart(title, note, xLabel, yLabel, Axis.covering(xMin, xMax, false, false, 0.04),
        Axis.covering(yMin, yMax, false, false, 0.04), legend(labels));

    double d = n <= 2_000 ? 6 : n <= 20_000 ? 4 : 3;
    int alpha = n <= 2_000 ? 200 : 140;
    for (int i : shuffledOrder(n)) {
      if (!chart.plottable(x[i], y[i])) {
        continue;
      }
      Color c = Palette.color(labels == null ? 0 : labels[i]);
      chart.g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha));
      chart.g.fill(new Ellipse2D.Double(chart.px(x[i]) - d / 2, chart.py(y[i]) - d / 2, d, d));
    }
    return chart;
  }

  private static List<Legend.Entry> legend(int[] labels) {
    List<Legend.Entry> entries = new ArrayList<>();
    if (labels == null) {
      return entries;
    }
    TreeSet<Integer> distinct = new TreeSet<>();
    for (int label : labels) {
      distinct.add(label);
    }
    if (distinct.size() <= MAX_LEGEND_LABELS) {
      for (int label : distinct) {
        entries.add(new Legend.Entry(String.valueOf(label), Palette.color(label), Legend.Style.POINT));
      }
    } else {
      TreeSet<Integer> classes = new TreeSet<>();
      for (int label : distinct) {
        classes.add(Math.floorMod(label, Palette.SIZE));
      }
      for (int r : classes) {
        entries.add(new Legend.Entry("label mod 10 = " + r, Palette.color(r), Legend.Style.POINT));
      }
    }
    return entries;
  }

  /** A Fisher-Yates shuffle of 0..n-1 from a fixed seed. */
  private static int[] shuffledOrder(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(ORDER_SEED);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
