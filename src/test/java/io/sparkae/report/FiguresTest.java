package io.sparkae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.core.Figure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of {@link Figure} a model can describe is drawn to the file it names. */
class FiguresTest {
  @TempDir
  Path dir;

  @Test
  void everyKindOfFigureIsDrawnUnderItsName() throws IOException {
    double[] a = {0, 0.5, 1, 0.25};
    double[] b = {1, 0.75, 0, 0.5};
    List<Figure> figures = List.of(
        new Figure.ImageGrid("grid.png", "tiles", List.of(a, b), 2, 2, 2, Figure.Scale.FIXED_01, List.of("a", "b")),
        new Figure.LinePlot("line.png", "loss", "round", "loss", List.of(Figure.Series.ofRounds("train", b)), false),
        new Figure.Scree("scree.png", "scree", new double[] {0.5, 0.3, 0.2}),
        new Figure.Histogram("bins.png", "values", "value", a, 3),
        new Figure.Histogram("counts.png", "counts", "nonzeros", new double[] {0, 1, 1, 2, 2, 2}, 0),
        new Figure.Scatter("points.png", "codes", a, b, new int[] {0, 1, 0, 1}));
    for (Figure f : figures) {
      Path png = Figures.draw(f, dir);
      assertEquals(dir.resolve(f.file()), png);
      assertTrue(Files.size(png) > 500, f.file());
    }
  }
}
