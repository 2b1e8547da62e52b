package io.sparkae.report;

import java.awt.BasicStroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Curves of y against x, one colour per series, with a legend: the figure for training curves, e.g. the loss per
 * round on training and validation data, or the objectives of several fits side by side. {@code logY} puts y on a
 * log scale, for losses that fall over several decades.
 *
 * <p>Points that cannot be drawn (NaN or infinite, or y &lt;= 0 on a log scale) are skipped and break the curve
 * there; the subtitle says how many were skipped. Curves with few points get a dot on every point.
 */
public final class LinePlot {
  private static final int MAX_POINTS_WITH_DOTS = 40;

  /** One curve: {@code y[i]} against {@code x[i]}; the arrays are copied, so later changes do not affect it. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      Objects.requireNonNull(x, "series '" + name + "': x is null");
      Objects.requireNonNull(y, "series '" + name + "': y is null");
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "series '" + name + "': x has " + x.length + " values but y has " + y.length);
      }
      x = x.clone();
      y = y.clone();
    }

    /** A series of one value per round: {@code y[i]} against round {@code i + 1}. */
    public static Series ofRounds(String name, double[] y) {
      Objects.requireNonNull(y, "series '" + name + "': y is null");
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1;
      }
      return new Series(name, x, y);
    }

    @Override
    public double[] x() {
      return x.clone();
    }

    @Override
    public double[] y() {
      return y.clone();
    }
  }

  private LinePlot() {}

  /** Draws the series and writes the figure to {@code png} (atomically, creating parent folders). */
  public static void write(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logY)
      throws IOException {
    Canvas.checkPath(png);
    render(title, xLabel, yLabel, series, logY).write(png);
  }

  /** The chart before its frame and legend are drawn: for {@link #write} and for tests that look at the layout. */
  static Chart render(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
    Objects.requireNonNull(series, "series is null");
    if (series.isEmpty()) {
      throw new IllegalArgumentException("series is empty: a line plot needs at least one series");
    }
    for (int s = 0; s < series.size(); s++) {
      if (series.get(s) == null) {
        throw new IllegalArgumentException("series " + s + " is null");
      }
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    boolean wholeX = true;
    int skipped = 0;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]) && (!logY || s.y[i] > 0)) {
          xMin = Math.min(xMin, s.x[i]);
          xMax = Math.max(xMax, s.x[i]);
          yMin = Math.min(yMin, s.y[i]);
          yMax = Math.max(yMax, s.y[i]);
          wholeX &= s.x[i] == Math.rint(s.x[i]);
        } else {
          skipped++;
        }
      }
    }
    Axis x = Axis.covering(xMin, xMax, false, wholeX, 0.02); // no drawable point at all: empty axes, 0..1
    Axis y = Axis.covering(yMin, yMax, logY, false, 0.05);

    List<Legend.Entry> legend = new ArrayList<>();
    for (int s = 0; s < series.size(); s++) {
      String name = series.get(s).name();
      legend.add(new Legend.Entry(name == null ? "series " + (s + 1) : name, Palette.color(s), Legend.Style.LINE));
    }
    String note = skipped == 0 ? "" : skipped + (skipped == 1 ? " point" : " points") + " skipped (not finite"
        + (logY ? ", or <= 0 on a log scale)" : ")");
    Chart chart = new Chart(title, note, xLabel, yLabel, x, y, legend);
    for (int s = 0; s < series.size(); s++) {
      draw(chart, series.get(s), s);
    }
    return chart;
  }

  private static void draw(Chart chart, Series s, int index) {
    chart.g.setColor(Palette.color(index));
    chart.g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    int n = s.x.length;
    Path2D.Double path = new Path2D.Double();
    boolean open = false;
    for (int i = 0; i < n; i++) {
      if (!chart.plottable(s.x[i], s.y[i])) {
        open = false;
        continue;
      }
      double px = chart.px(s.x[i]);
      double py = chart.py(s.y[i]);
      boolean prev = i > 0 && chart.plottable(s.x[i - 1], s.y[i - 1]);
      boolean next = i + 1 < n && chart.plottable(s.x[i + 1], s.y[i + 1]);
      if (n <= MAX_POINTS_WITH_DOTS || (!prev && !next)) {
        chart.g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6)); // isolated points would otherwise vanish
      }
      if (open) {
        path.lineTo(px, py);
      } else {
        path.moveTo(px, py);
        open = true;
      }
    }
    chart.g.draw(path);
  }
}
