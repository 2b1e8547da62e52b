package io.sparkae.report;

import java.awt.Color;
import java.awt.image.BufferedImage;

/** Small pixel queries for the figure tests. */
final class Pixels {
  private Pixels() {}

  static boolean near(int rgb, Color c, int tolerance) {
    Color p = new Color(rgb);
    return Math.abs(p.getRed() - c.getRed()) <= tolerance
        && Math.abs(p.getGreen() - c.getGreen()) <= tolerance
        && Math.abs(p.getBlue() - c.getBlue()) <= tolerance;
  }

  static int grey(BufferedImage image, int x, int y) {
    Color p = new Color(image.getRGB(x, y));
    if (p.getRed() != p.getGreen() || p.getGreen() != p.getBlue()) {
      throw new AssertionError("pixel (" + x + ", " + y + ") is " + p + ", not grey");
    }
    return p.getRed();
  }

  /** The mean row of the pixels near colour c inside columns [x0, x1) of the rectangle's rows; NaN if none. */
  static double meanRow(BufferedImage image, Color c, int x0, int x1, int y0, int y1) {
    double sum = 0;
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        if (near(image.getRGB(x, y), c, 40)) {
          sum += y;
          n++;
        }
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  static int count(BufferedImage image, Color c, int tolerance) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (near(image.getRGB(x, y), c, tolerance)) {
          n++;
        }
      }
    }
    return n;
  }
}
