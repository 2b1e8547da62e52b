package io.sparkae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scree plots, histograms and scatter plots: what they draw where, and what they refuse. */
class ChartsTest {
  @TempDir
  Path dir;

  /** The row of the topmost pixel of colour c in column x of the plot area, or -1. */
  private static int topOf(Chart chart, BufferedImage image, Color c, int x) {
    for (int y = chart.top + 1; y < chart.top + chart.height; y++) {
      if (Pixels.near(image.getRGB(x, y), c, 10)) {
        return y;
      }
    }
    return -1;
  }

  @Test
  void screeBarsReachTheirRatiosOnAZeroToOneAxis() throws IOException {
    double[] ratio = {0.5, 0.3, 0.2};
    Chart chart = ScreePlot.render(ratio, "Scree");
    assertEquals(0, chart.y.min);
    assertEquals(1, chart.y.max);
    BufferedImage image = chart.finish();
    for (int i = 0; i < 3; i++) {
      int x = (int) Math.round(chart.px(i + 1)) + 6; // beside the cumulative line's dot
      assertEquals(chart.py(ratio[i]), topOf(chart, image, Palette.color(0), x), 2, "bar " + (i + 1));
    }
    Path png = dir.resolve("scree.png");
    ScreePlot.write(png, ratio, "Scree");
    assertEquals(image.getHeight(), ImageIO.read(png.toFile()).getHeight());

    assertEquals("explainedVarianceRatio[1] = -0.1 is not a fraction in [0, 1]", assertThrows(
        IllegalArgumentException.class, () -> ScreePlot.write(png, new double[] {0.5, -0.1}, "")).getMessage());
    assertEquals("explainedVarianceRatio is empty: a scree plot needs at least one component", assertThrows(
        IllegalArgumentException.class, () -> ScreePlot.write(png, new double[0], "")).getMessage());
  }

  @Test
  void integerHistogramGivesEachValueABarAsHighAsItsCount() throws IOException {
    int[] nonzeros = {1, 1, 1, 1, 2, 2, 5};
    Chart chart = Histogram.render("Nonzeros per code", "nonzeros", nonzeros);
    BufferedImage image = chart.finish();
    int[] expected = {4, 2, 0, 0, 1};
    for (int v = 1; v <= 5; v++) {
      int top = topOf(chart, image, Palette.color(0), (int) Math.round(chart.px(v)));
      if (expected[v - 1] == 0) {
        assertEquals(-1, top, "value " + v);
      } else {
        assertEquals(chart.py(expected[v - 1]), top, 2, "value " + v);
      }
    }
    Path png = dir.resolve("hist/nonzeros.png");
    Histogram.write(png, "Nonzeros per code", "nonzeros", nonzeros);
    assertEquals(image.getWidth(), ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void wideIntegerRangesAreGroupedIntoAtMostSixtyBars() {
    int[] sizes = new int[1000];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i * 7;
    }
    Chart chart = Histogram.render("", "", sizes);
    double barWidth = chart.px(chart.x.min + 1) - chart.px(chart.x.min);
    assertTrue(chart.x.max - chart.x.min <= 7000 + 7000 / Histogram.MAX_INTEGER_BARS);
    assertTrue(barWidth > 0);
  }

  @Test
  void doubleHistogramCountsFiniteValuesAndRefusesBadBins() throws IOException {
    double[] errors = {0.1, 0.2, 0.2, 0.9, Double.NaN};
    Chart chart = Histogram.render("", "error", errors, 4);
    assertEquals(0.1, chart.x.min, 1e-12);
    assertEquals(0.9, chart.x.max, 1e-12);
    BufferedImage image = chart.finish();
    int first = topOf(chart, image, Palette.color(0), (int) Math.round(chart.px(0.2)));
    int last = topOf(chart, image, Palette.color(0), (int) Math.round(chart.px(0.85)));
    assertEquals(chart.py(3), first, 2);
    assertEquals(chart.py(1), last, 2);

    Path png = dir.resolve("errors.png");
    Histogram.write(png, "all NaN", "error", new double[] {Double.NaN}, 10);
    Histogram.write(png, "one value", "error", new double[] {2, 2, 2}, 10);
    assertEquals("bins must be at least 1, found 0", assertThrows(IllegalArgumentException.class,
        () -> Histogram.write(png, "", "", errors, 0)).getMessage());
    assertEquals("values is empty: a histogram needs at least one value", assertThrows(
        IllegalArgumentException.class, () -> Histogram.write(png, "", "", new int[0])).getMessage());
  }

  @Test
  void scatterColoursPointsByLabelModTen() throws IOException {
    int n = 200;
    double[] x = new double[n];
    double[] y = new double[n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      boolean second = i % 2 == 1;
      x[i] = (second ? 10 : 0) + 0.01 * (i % 7);
      y[i] = (second ? 10 : 0) + 0.01 * (i % 5);
      labels[i] = second ? 11 : 0; // 11 shares colour 1 with label 1
    }
    Chart chart = ScatterPlot.render("codes", "z1", "z2", x, y, labels);
    BufferedImage image = chart.finish();
    int ax = (int) Math.round(chart.px(0.03));
    int ay = (int) Math.round(chart.py(0.02));
    int bx = (int) Math.round(chart.px(10.03));
    int by = (int) Math.round(chart.py(10.02));
    assertTrue(Pixels.near(image.getRGB(ax, ay), Palette.color(0), 30), "label 0 near (0, 0)");
    assertTrue(Pixels.near(image.getRGB(bx, by), Palette.color(1), 30), "label 11 near (10, 10)");
    assertTrue(by < ay && bx > ax);

    Path png = dir.resolve("codes.png");
    ScatterPlot.write(png, "codes", x, y, labels);
    assertEquals(image.getWidth(), ImageIO.read(png.toFile()).getWidth());
    ScatterPlot.write(png, "codes", x, y, null); // one colour, no legend: a narrower figure
    assertTrue(ImageIO.read(png.toFile()).getWidth() < image.getWidth());
  }

  @Test
  void scatterRefusesMismatchedLengths() {
    Path png = dir.resolve("bad.png");
    assertEquals("x has 3 values but y has 2", assertThrows(IllegalArgumentException.class,
        () -> ScatterPlot.write(png, "", new double[3], new double[2], null)).getMessage());
    assertEquals("labels has 2 values but x and y have 3", assertThrows(IllegalArgumentException.class,
        () -> ScatterPlot.write(png, "", new double[3], new double[3], new int[2])).getMessage());
    assertEquals("x and y are empty: a scatter plot needs at least one point", assertThrows(
        IllegalArgumentException.class, () -> ScatterPlot.write(png, "", new double[0], new double[0], null))
        .getMessage());
    assertFalse(png.toFile().exists());
  }
}
