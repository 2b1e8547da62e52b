package io.sparkae.report;

import java.awt.Color;

/**
 * Ten colours that stay distinguishable next to each other and on white (the "category 10" set of Vega and
 * matplotlib), for series, bars and classes. Colour {@code i} is {@code COLORS[floorMod(i, 10)]}.
 */
final class Palette {
  private static final Color[] COLORS = {
    new Color(0x1F77B4), // blue
    new Color(0xFF7F0E), // orange
    new Color(0x2CA02C), // green
    new Color(0xD62728), // red
    new Color(0x9467BD), // purple
    new Color(0x8C564B), // brown
    new Color(0xE377C2), // pink
    new Color(0x7F7F7F), // grey
    new Color(0xBCBD22), // olive
    new Color(0x17BECF), // cyan
  };

  static final int SIZE = COLORS.length;

  private Palette() {}

  static Color color(int i) {
    return COLORS[Math.floorMod(i, SIZE)];
  }
}
