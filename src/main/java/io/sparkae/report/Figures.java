package io.sparkae.report;

import io.sparkae.core.Figure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws the figures models describe ({@link Figure}), each into {@code dir/file()}. */
public final class Figures {
  private Figures() {}

  /** Draws {@code figure} into {@code dir}; returns the file written. */
  public static Path draw(Figure figure, Path dir) throws IOException {
    Path png = dir.resolve(figure.file());
    if (figure instanceof Figure.ImageGrid g) {
      ImageGrid.write(png, g.images(), g.height(), g.width(), g.columns(), g.title(),
          ImageGrid.Scale.valueOf(g.scale().name()), g.captions());
    } else if (figure instanceof Figure.LinePlot l) {
      List<LinePlot.Series> series = new ArrayList<>();
      for (Figure.Series s : l.series()) {
        series.add(new LinePlot.Series(s.name(), s.x(), s.y()));
      }
      LinePlot.write(png, l.title(), l.xLabel(), l.yLabel(), series, l.logY());
    } else if (figure instanceof Figure.Scree s) {
      ScreePlot.write(png, s.explainedVarianceRatio(), s.title());
    } else if (figure instanceof Figure.Histogram h && h.bins() > 0) {
      Histogram.write(png, h.title(), h.xLabel(), h.values(), h.bins());
    } else if (figure instanceof Figure.Histogram h) {
      int[] values = new int[h.values().length];
      for (int i = 0; i < values.length; i++) {
        values[i] = (int) h.values()[i];
      }
      Histogram.write(png, h.title(), h.xLabel(), values);
    } else if (figure instanceof Figure.Scatter s) {
      ScatterPlot.write(png, s.title(), s.x(), s.y(), s.labels());
    } else {
      throw new IllegalArgumentException("no drawing for " + figure.getClass().getSimpleName());
    }
    return png;
  }
}
