package io.sparkae.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** A boxed legend, one row per entry: a swatch in the entry's colour and style, then its name. */
final class Legend {
  /** How an entry's swatch is drawn: a line with a dot for curves, a square for bars, a dot for points. */
  enum Style { LINE, BAR, POINT }

  record Entry(String name, Color color, Style style) {}

  private static final int PAD = 8;
  private static final int SWATCH = 24;
  private static final int ROW = Canvas.TEXT_HEIGHT + 8;

  private Legend() {}

  static int width(List<Entry> entries) {
    int text = 0;
    for (Entry e : entries) {
      text = Math.max(text, BitmapFont.width(Canvas.text(e.name()), Canvas.TEXT_SCALE));
    }
    return entries.isEmpty() ? 0 : PAD + SWATCH + PAD + text + PAD;
  }

  static int height(List<Entry> entries) {
    return entries.isEmpty() ? 0 : PAD + entries.size() * ROW - 8 + PAD;
  }

  /** Draws the legend with its top-left corner at (x, y). */
  static void draw(BufferedImage image, Graphics2D g, List<Entry> entries, int x, int y) {
    if (entries.isEmpty()) {
      return;
    }
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setColor(Color.WHITE);
    g.fillRect(x, y, width(entries), height(entries));
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, width(entries), height(entries));
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int top = y + PAD + i * ROW;
      double mid = top + Canvas.TEXT_HEIGHT / 2.0;
      int left = x + PAD;
      g.setColor(e.color());
      switch (e.style()) {
        case LINE -> {
          g.setStroke(new BasicStroke(2f));
          g.draw(new Line2D.Double(left, mid, left + SWATCH, mid));
          g.fill(new Ellipse2D.Double(left + SWATCH / 2.0 - 3, mid - 3, 6, 6));
        }
        case BAR -> g.fillRect(left + 4, top, SWATCH - 8, Canvas.TEXT_HEIGHT);
        case POINT -> g.fill(new Ellipse2D.Double(left + SWATCH / 2.0 - 5, mid - 5, 10, 10));
      }
      BitmapFont.draw(image, Canvas.text(e.name()), left + SWATCH + PAD, top, Canvas.TEXT_SCALE, Canvas.TEXT);
    }
  }
}
