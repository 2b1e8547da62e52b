package io.sparkae.report;

import java.awt.BasicStroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The scree plot of a PCA (or any ordered decomposition): a bar per component with the fraction of the total
 * variance it explains, and a line through the cumulative fraction, both on a fixed 0..1 axis. It is the figure for
 * choosing k: where the bars flatten ("the elbow") and where the cumulative line crosses, say, 0.9.
 */
public final class ScreePlot {
  private static final int MAX_COMPONENTS_WITH_DOTS = 60;

  private ScreePlot() {}

  /**
   * Writes the scree plot of {@code explainedVarianceRatio} (component i's share of the total variance, each in
   * [0, 1], in decreasing order as a PCA reports them) to {@code png}, atomically, creating parent folders.
   */
  public static void write(Path png, double[] explainedVarianceRatio, String title) throws IOException {
    Canvas.checkPath(png);
    render(explainedVarianceRatio, title).write(png);
  }

  static Chart render(double[] explainedVarianceRatio, String title) {
    double[] ratio = Objects.requireNonNull(explainedVarianceRatio, "explainedVarianceRatio is null");
    if (ratio.length == 0) {
      throw new IllegalArgumentException("explainedVarianceRatio is empty: a scree plot needs at least one component");
    }
    for (int i = 0; i < ratio.length; i++) {
      if (!(ratio[i] >= 0 && ratio[i] <= 1)) {
        throw new IllegalArgumentException(
            "explainedVarianceRatio[" + i + "] = " + ratio[i] + " is not a fraction in [0, 1]");
      }
    }
    int k = ratio.length;
    List<Legend.Entry> legend = List.of(
        new Legend.Entry("ratio", Palette.color(0), Legend.Style.BAR),
        new Legend.Entry("cumulative", Palette.color(1), Legend.Style.LINE));
    Chart chart = new Chart(title, "", "component", "explained variance ratio",
        Axis.exact(0.5, k + 0.5, true), Axis.exact(0, 1, false), legend);

    double slot = chart.px(2) - chart.px(1);
    double barWidth = Math.max(1, slot * 0.7);
    chart.g.setColor(Palette.color(0));
    for (int i = 0; i < k; i++) {
      double top = chart.py(ratio[i]);
      chart.g.fill(new Rectangle2D.Double(chart.px(i + 1) - barWidth / 2, top, barWidth, chart.py(0) - top));
    }

    chart.g.setColor(Palette.color(1));
    chart.g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double line = new Path2D.Double();
    double cumulative = 0;
    for (int i = 0; i < k; i++) {
      cumulative = Math.min(1, cumulative + ratio[i]); // rounding can carry the sum a hair past 1
      double px = chart.px(i + 1);
      double py = chart.py(cumulative);
      if (i == 0) {
        line.moveTo(px, py);
      } else {
        line.lineTo(px, py);
      }
      if (k <= MAX_COMPONENTS_WITH_DOTS) {
        chart.g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
      }
    }
    chart.g.draw(line);
    return chart;
  }
}
