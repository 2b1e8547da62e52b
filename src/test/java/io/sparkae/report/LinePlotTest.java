package io.sparkae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {
  @TempDir
  Path dir;

  @Test
  void aDecreasingCurveStartsHigherOnTheImageThanItEnds() throws IOException {
    double[] loss = {5, 3, 2, 1.5, 1.2, 1.1, 1.05, 1.0};
    List<LinePlot.Series> series = List.of(LinePlot.Series.ofRounds("train", loss));
    Chart chart = LinePlot.render("Loss", "round", "loss", series, false);
    BufferedImage image = chart.finish();
    int strip = chart.width / 20;
    double start = Pixels.meanRow(image, Palette.color(0), chart.left, chart.left + strip, chart.top,
        chart.top + chart.height);
    double end = Pixels.meanRow(image, Palette.color(0), chart.left + chart.width - strip, chart.left + chart.width,
        chart.top, chart.top + chart.height);
    assertTrue(start < end - chart.height / 2.0, "start row " + start + ", end row " + end); // rows grow downwards

    Path png = dir.resolve("loss.png");
    LinePlot.write(png, "Loss", "round", "loss", series, false);
    BufferedImage back = ImageIO.read(png.toFile());
    assertEquals(image.getWidth(), back.getWidth());
    assertEquals(image.getHeight(), back.getHeight());
  }

  @Test
  void eachSeriesHasItsOwnColour() {
    List<LinePlot.Series> series = List.of(
        LinePlot.Series.ofRounds("train", new double[] {3, 2, 1}),
        LinePlot.Series.ofRounds("test", new double[] {3.5, 2.5, 2}),
        LinePlot.Series.ofRounds("third", new double[] {1, 1, 1}));
    BufferedImage image = LinePlot.render("", "round", "loss", series, false).finish();
    for (int s = 0; s < 3; s++) {
      assertTrue(Pixels.count(image, Palette.color(s), 10) > 20, "series " + s + " not drawn in its colour");
    }
  }

  @Test
  void logScaleSpacesDecadesEvenly() {
    double[] y = {1000, 100, 10, 1};
    Chart chart = LinePlot.render("", "", "", List.of(LinePlot.Series.ofRounds("y", y)), true);
    assertEquals(chart.py(100) - chart.py(1000), chart.py(1) - chart.py(10), 1e-9);
    assertTrue(chart.py(1) > chart.py(1000));
  }

  @Test
  void pointsThatCannotBeDrawnAreSkipped() throws IOException {
    double[] y = {4, Double.NaN, 2, Double.POSITIVE_INFINITY, 0, -1, 0.5};
    Chart chart = LinePlot.render("", "", "", List.of(LinePlot.Series.ofRounds("y", y)), true);
    assertTrue(chart.py(0.5) > chart.py(4)); // the range comes from 4, 2 and 0.5
    assertTrue(chart.y.min > 0.4 && chart.y.max < 5);
    Path png = dir.resolve("nan.png");
    LinePlot.write(png, "nothing to draw", "x", "y",
        List.of(LinePlot.Series.ofRounds("nan", new double[] {Double.NaN, Double.NaN})), false);
    assertTrue(ImageIO.read(png.toFile()).getWidth() > Chart.PLOT_WIDTH);
  }

  @Test
  void seriesKeepTheirOwnCopies() {
    double[] y = {1, 2};
    LinePlot.Series s = LinePlot.Series.ofRounds("s", y);
    y[0] = 99;
    s.y()[1] = 99;
    assertEquals(1, s.y()[0]);
    assertEquals(2, s.y()[1]);
    assertEquals(2, s.x()[1]);
  }

  @Test
  void badInputIsRefusedWithAMessageThatSaysWhy() {
    assertEquals("series 'train': x has 3 values but y has 2", assertThrows(IllegalArgumentException.class,
        () -> new LinePlot.Series("train", new double[3], new double[2])).getMessage());
    Path png = dir.resolve("bad.png");
    assertEquals("series is empty: a line plot needs at least one series", assertThrows(
        IllegalArgumentException.class, () -> LinePlot.write(png, "", "", "", List.of(), false)).getMessage());
    assertFalse(png.toFile().exists());
  }
}
