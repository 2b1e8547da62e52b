package io.sparkae.core;

import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * A figure a model wants drawn, as data: which file, which kind of chart, and what goes in it. Models return these
 * from {@link AutoencoderModel#figures()}; the report package draws any of them, so models never depend on how
 * charts are painted. {@code file} is the PNG's name inside the figures folder ("scree.png").
 */
public sealed interface Figure {
  String file();

  /** How the values of each tile of an {@link ImageGrid} become grey levels. */
  enum Scale {
    /** 0 is mid grey, +max|v| white and -max|v| black, per tile: for signed patterns (components, atoms). */
    PER_IMAGE_SYMMETRIC,
    /** Each tile's minimum is black and its maximum white: for nonnegative patterns of any magnitude. */
    PER_IMAGE_MINMAX,
    /** 0 is black and 1 white for every tile, values outside [0, 1] clipped: for pixel intensities. */
    FIXED_01
  }

  /** Images of {@code height x width} pixels (row-major vectors) in {@code columns} columns; captions may be null. */
  record ImageGrid(String file, String title, List<double[]> images, int height, int width, int columns, Scale scale,
      List<String> captions) implements Figure {}

  /** One curve of a {@link LinePlot}. */
  record Series(String name, double[] x, double[] y) {
    /** y against rounds 1, 2, ... */
    public static Series ofRounds(String name, double[] y) {
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1;
      }
      return new Series(name, x, y);
    }
  }

  /** Curves on shared axes, the y axis logarithmic on request. */
  record LinePlot(String file, String title, String xLabel, String yLabel, List<Series> series, boolean logY)
      implements Figure {}

  /** Each component's share of the variance, with the cumulative share. */
  record Scree(String file, String title, double[] explainedVarianceRatio) implements Figure {}

  /** A histogram of {@code values} in {@code bins} bins; {@code bins} 0 means one bar per integer value. */
  record Histogram(String file, String title, String xLabel, double[] values, int bins) implements Figure {}

  /** Points (x, y) coloured by an integer label. */
  record Scatter(String file, String title, double[] x, double[] y, int[] labels) implements Figure {}

  /** The first {@code max} columns of {@code m} (d x n) as separate vectors, for an image grid. */
  static List<double[]> columns(DenseMatrix m, int max) {
    List<double[]> out = new ArrayList<>();
    for (int j = 0; j < Math.min(m.cols, max); j++) {
      out.add(m.column(j));
    }
    return out;
  }
}
