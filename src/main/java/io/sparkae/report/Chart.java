package io.sparkae.report;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The layout shared by the figures with axes (line, scree, histogram, scatter): a title and optional subtitle on
 * top, a plot area of {@value #PLOT_WIDTH}x{@value #PLOT_HEIGHT} pixels with a light grid, ticks and numbers on its
 * left and bottom edges, axis labels, and the legend to the right of the plot so that it never hides data.
 *
 * <p>Use: construct (draws title and grid and clips drawing to the plot area), draw the data through {@link #g} with
 * {@link #px}/{@link #py}, then {@link #write} (draws the frame, ticks, labels and legend on top, and saves).
 */
final class Chart {
  static final int PLOT_WIDTH = 640;
  static final int PLOT_HEIGHT = 400;
  private static final int MARGIN = 16;
  private static final int GAP = 6;
  private static final int TICK = 5;

  final BufferedImage image;
  final Graphics2D g;
  final Axis x;
  final Axis y;
  /** The plot area: data at the axis minima sits at (left, top + height), at the maxima at (left + width, top). */
  final int left;
  final int top;
  final int width = PLOT_WIDTH;
  final int height = PLOT_HEIGHT;

  private final String xLabel;
  private final String yLabel;
  private final List<Legend.Entry> legend;

  Chart(String title, String subtitle, String xLabel, String yLabel, Axis x, Axis y, List<Legend.Entry> legend) {
    Canvas.headless();
    this.x = x;
    this.y = y;
    this.xLabel = Canvas.text(xLabel);
    this.yLabel = Canvas.text(yLabel);
    this.legend = List.copyOf(legend);
    String t = Canvas.text(title);
    String sub = Canvas.text(subtitle);
    int s = Canvas.TEXT_SCALE;
    int th = Canvas.TEXT_HEIGHT;

    int titleBlock = (t.isEmpty() ? 0 : th) + (sub.isEmpty() ? 0 : th + (t.isEmpty() ? 0 : GAP));
    this.top = MARGIN + (titleBlock == 0 ? 0 : titleBlock + MARGIN);
    int tickLabels = 0;
    for (double v : y.ticks()) {
      tickLabels = Math.max(tickLabels, BitmapFont.width(y.label(v), s));
    }
    this.left = MARGIN + (this.yLabel.isEmpty() ? 0 : th + 2 * GAP) + tickLabels + GAP + TICK;
    int bottom = TICK + GAP + th + (this.xLabel.isEmpty() ? 0 : 2 * GAP + th) + MARGIN;
    int right = this.legend.isEmpty() ? 3 * MARGIN : 2 * MARGIN + Legend.width(this.legend) + MARGIN;
    int w = Math.max(left + width + right, Math.max(BitmapFont.width(t, s), BitmapFont.width(sub, s)) + 2 * MARGIN);
    int h = Math.max(top + height + bottom, top + Legend.height(this.legend) + MARGIN);

    this.image = Canvas.create(w, h);
    this.g = Canvas.graphics(image);
    BitmapFont.drawCentered(image, t, w / 2, MARGIN, s, Canvas.TEXT);
    BitmapFont.drawCentered(image, sub, w / 2, MARGIN + (t.isEmpty() ? 0 : th + GAP), s, Canvas.TEXT);
    crisp(true);
    g.setColor(Canvas.GRID);
    for (double v : x.ticks()) {
      g.drawLine((int) Math.round(px(v)), top, (int) Math.round(px(v)), top + height);
    }
    for (double v : y.ticks()) {
      g.drawLine(left, (int) Math.round(py(v)), left + width, (int) Math.round(py(v)));
    }
    crisp(false);
    g.setClip(left, top, width + 1, height + 1);
  }

  /** Horizontal pixel position of data value {@code v}. */
  double px(double v) {
    return left + x.fraction(v) * width;
  }

  /** Vertical pixel position of data value {@code v} (larger values higher up). */
  double py(double v) {
    return top + (1 - y.fraction(v)) * height;
  }

  /** Whether the point (vx, vy) can be drawn: both finite, and positive on a log axis. */
  boolean plottable(double vx, double vy) {
    return x.plottable(vx) && y.plottable(vy);
  }

  /** Draws frame, ticks, numbers, axis labels and legend over the data, and returns the finished image. */
  BufferedImage finish() {
    int s = Canvas.TEXT_SCALE;
    int th = Canvas.TEXT_HEIGHT;
    g.setClip(null);
    crisp(true);
    g.setStroke(new BasicStroke(1f));
    g.setColor(Canvas.FRAME);
    g.drawRect(left, top, width, height);
    int bottom = top + height;
    for (double v : x.ticks()) {
      int p = (int) Math.round(px(v));
      g.drawLine(p, bottom, p, bottom + TICK);
      BitmapFont.drawCentered(image, x.label(v), p, bottom + TICK + GAP, s, Canvas.TEXT);
    }
    for (double v : y.ticks()) {
      int p = (int) Math.round(py(v));
      g.drawLine(left - TICK, p, left, p);
      String label = y.label(v);
      int above = (BitmapFont.GLYPH_HEIGHT - 1) * s / 2; // centre the rows above the baseline on the tick
      BitmapFont.draw(image, label, left - TICK - GAP - BitmapFont.width(label, s), p - above, s, Canvas.TEXT);
    }
    BitmapFont.drawCentered(image, xLabel, left + width / 2, bottom + TICK + GAP + th + 2 * GAP, s, Canvas.TEXT);
    BitmapFont.drawVertical(
        image, yLabel, MARGIN, top + height / 2 - BitmapFont.width(yLabel, s) / 2, s, Canvas.TEXT);
    crisp(false);
    Legend.draw(image, g, legend, left + width + 2 * MARGIN, top);
    g.dispose();
    return image;
  }

  /** Finishes the chart and writes it as a PNG (atomically, creating folders). */
  void write(Path png) throws IOException {
    Canvas.writePng(finish(), png);
  }

  /** Axis lines and grids are drawn crisp (no antialiasing), data smooth. */
  private void crisp(boolean on) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
        on ? RenderingHints.VALUE_ANTIALIAS_OFF : RenderingHints.VALUE_ANTIALIAS_ON);
  }
}
