package io.sparkae.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Histograms of one number per example: per-example reconstruction errors, code values, or (the integer overload)
 * counts such as the nonzeros per sparse code or the cluster sizes. The subtitle gives n and the mean, and how many
 * values were skipped for not being finite.
 */
public final class Histogram {
  /** The integer overload gives each value its own bar up to this many bars, then groups neighbouring values. */
  static final int MAX_INTEGER_BARS = 60;

  private Histogram() {}

  /**
   * Writes a histogram of {@code values} with {@code bins} equal bins from the smallest to the largest finite value
   * (NaN and infinite values are skipped) to {@code png}, atomically, creating parent folders.
   */
  public static void write(Path png, String title, String xLabel, double[] values, int bins) throws IOException {
    Canvas.checkPath(png);
    render(title, xLabel, values, bins).write(png);
  }

  /**
   * Writes a histogram of integer {@code values} (counts): one bar per value from the smallest to the largest, or, if
   * that would be more than {@value #MAX_INTEGER_BARS} bars, bars covering equal runs of consecutive values.
   */
  public static void write(Path png, String title, String xLabel, int[] values) throws IOException {
    Canvas.checkPath(png);
    render(title, xLabel, values).write(png);
  }

  static Chart render(String title, String xLabel, double[] values, int bins) {
    Objects.requireNonNull(values, "values is null");
    if (values.length == 0) {
      throw new IllegalArgumentException("values is empty: a histogram needs at least one value");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, found " + bins);
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        sum += v;
        n++;
      }
    }
    if (n == 0) {
      lo = 0;
      hi = 1;
    } else if (lo == hi) { // one distinct value: a single bar in the middle of a small range
      double half = Math.max(0.5, Math.abs(lo) * 1e-3);
      lo -= half;
      hi += half;
    }
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = i == bins ? hi : lo + (hi - lo) * i / bins;
    }
    long[] counts = new long[bins];
    for (double v : values) {
      if (Double.isFinite(v)) {
        counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
      }
    }
    return draw(title, xLabel, edges, counts, false, note(n, sum, values.length - n));
  }

  static Chart render(String title, String xLabel, int[] values) {
    Objects.requireNonNull(values, "values is null");
    if (values.length == 0) {
      throw new IllegalArgumentException("values is empty: a histogram needs at least one value");
    }
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    double sum = 0;
    for (int v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    long span = (long) max - min + 1;
    long width = (span + MAX_INTEGER_BARS - 1) / MAX_INTEGER_BARS; // values per bar
    int bins = (int) ((span + width - 1) / width);
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = min - 0.5 + (double) width * i; // bars centred on the integers when width is 1
    }
    long[] counts = new long[bins];
    for (int v : values) {
      counts[(int) (((long) v - min) / width)]++;
    }
    return draw(title, xLabel, edges, counts, true, note(values.length, sum, 0));
  }

  private static String note(int n, double sum, int skipped) {
    String note = "n = " + n + (n == 0 ? "" : ", mean = " + Axis.format(sum / n, Math.abs(sum / n) / 1000));
    return skipped == 0 ? note : note + ", " + skipped + " non-finite skipped";
  }

  private static Chart draw(String title, String xLabel, double[] edges, long[] counts, boolean integerX, String note) {
    long most = 0;
    for (long c : counts) {
      most = Math.max(most, c);
    }
    Axis x = Axis.exact(edges[0], edges[edges.length - 1], integerX);
    Axis y = Axis.exact(0, most == 0 ? 1 : most * 1.08, true);
    Chart chart = new Chart(title, note, xLabel, "count", x, y, List.of());
    Color fill = Palette.color(0);
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      double left = chart.px(edges[i]);
      double right = chart.px(edges[i + 1]);
      double top = chart.py(counts[i]);
      Rectangle2D.Double bar = new Rectangle2D.Double(left, top, right - left, chart.py(0) - top);
      chart.g.setColor(fill);
      chart.g.fill(bar);
      if (right - left >= 4) { // a thin white edge keeps neighbouring bars apart
        chart.g.setColor(Color.WHITE);
        chart.g.setStroke(new BasicStroke(1f));
        chart.g.draw(bar);
      }
    }
    return chart;
  }
}
