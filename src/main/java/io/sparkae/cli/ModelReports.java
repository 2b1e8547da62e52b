package io.sparkae.cli;

import io.sparkae.core.Figure;
import io.sparkae.report.Figures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Draws the figures a model describes ({@link Figure}) on the driver into a local scratch folder, then copies them
 * into the output folder. The CLI knows no model family: each model says which figures it wants.
 */
final class ModelReports {
  private ModelReports() {}

  /** Draws {@code figures} into {@code dir} under {@code prefix}; returns the file names written. */
  static List<String> write(List<Figure> figures, OutputDir dir, String prefix) {
    List<String> written = new ArrayList<>();
    if (figures.isEmpty()) {
      return written;
    }
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("sparkae-figures");
      for (Figure f : figures) {
        Path local = Figures.draw(f, scratch);
        String name = prefix + f.file();
        dir.copyFromLocal(local, name);
        written.add(name);
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw figures: " + e.getMessage(), e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // Scratch space only.
    }
  }
}
