package io.sparkae.report;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A grid of small grey images, row by row: the figure for anything that lives in pixel space, such as input digits
 * and their reconstructions ({@link Scale#FIXED_01}), principal components, dictionary atoms and decoder filters
 * ({@link Scale#PER_IMAGE_SYMMETRIC}), or k-means centroids and NMF parts ({@link Scale#PER_IMAGE_MINMAX}).
 *
 * <p>Each image is {@code height x width} values in row-major order, pixel (r, c) = {@code image[r * width + c]} (the
 * order of MNIST rows). Tiles are enlarged by a whole factor so that their longer side is at least
 * {@value #MIN_TILE} pixels, and separated by {@value #GAP}-pixel white gaps; an optional caption goes under each
 * tile. NaN pixels are drawn mid grey, and non-finite values are left out when a tile's range is computed.
 */
public final class ImageGrid {
  /** How the values of each tile become grey levels (black = 0, white = 255). */
  public enum Scale {
    /** 0 is mid grey, +max|v| white and -max|v| black, per tile: for signed patterns (components, atoms). */
    PER_IMAGE_SYMMETRIC,
    /** Each tile's minimum is black and its maximum white: for nonnegative patterns of any magnitude. */
    PER_IMAGE_MINMAX,
    /** 0 is black and 1 white for every tile, values outside [0, 1] clipped: for pixel intensities. */
    FIXED_01
  }

  static final int MIN_TILE = 56;
  static final int GAP = 2;
  private static final int MARGIN = 8;
  private static final int CAPTION_GAP = 4;

  /** Where things go: the canvas size, the enlargement factor, and each tile's pixel rectangle. */
  record Layout(int imageWidth, int imageHeight, int zoom, List<Rectangle> tiles) {}

  private ImageGrid() {}

  /** Writes the grid without captions to {@code png}, atomically, creating parent folders. */
  public static void write(Path png, List<double[]> images, int height, int width, int columns, String title,
      Scale scale) throws IOException {
    write(png, images, height, width, columns, title, scale, null);
  }

  /**
   * Writes the grid of {@code images} in {@code columns} columns (fewer if there are fewer images) with a caption
   * under each tile ({@code captions} null for none, otherwise one per image) to {@code png}, atomically, creating
   * parent folders.
   */
  public static void write(Path png, List<double[]> images, int height, int width, int columns, String title,
      Scale scale, List<String> captions) throws IOException {
    Canvas.checkPath(png);
    Canvas.writePng(render(images, height, width, columns, title, scale, captions), png);
  }

  static BufferedImage render(List<double[]> images, int height, int width, int columns, String title, Scale scale,
      List<String> captions) {
    Objects.requireNonNull(images, "images is null");
    Objects.requireNonNull(scale, "scale is null");
    if (images.isEmpty()) {
      throw new IllegalArgumentException("images is empty: an image grid needs at least one image");
    }
    for (int i = 0; i < images.size(); i++) {
      double[] image = images.get(i);
      if (image == null) {
        throw new IllegalArgumentException("image " + i + " is null");
      }
      if (image.length != (long) height * width) {
        throw new IllegalArgumentException("image " + i + " has " + image.length
            + " values, expected height*width = " + height + "*" + width + " = " + (long) height * width);
      }
    }
    Canvas.headless();
    Layout layout = layout(images.size(), height, width, columns, title, captions);
    BufferedImage canvas = Canvas.create(layout.imageWidth(), layout.imageHeight());
    String t = Canvas.text(title);
    BitmapFont.drawCentered(canvas, t, layout.imageWidth() / 2, MARGIN, Canvas.TEXT_SCALE, Canvas.TEXT);
    for (int i = 0; i < images.size(); i++) {
      Rectangle tile = layout.tiles().get(i);
      drawTile(canvas, images.get(i), height, width, layout.zoom(), tile.x, tile.y, scale);
      if (captions != null) {
        BitmapFont.drawCentered(canvas, Canvas.text(captions.get(i)), tile.x + tile.width / 2,
            tile.y + tile.height + CAPTION_GAP, Canvas.TEXT_SCALE, Canvas.TEXT);
      }
    }
    return canvas;
  }

  static Layout layout(int count, int height, int width, int columns, String title, List<String> captions) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("height and width must be at least 1, found " + height + "x" + width);
    }
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be at least 1, found " + columns);
    }
    if (captions != null && captions.size() != count) {
      throw new IllegalArgumentException(
          "captions has " + captions.size() + " entries but there are " + count + " images");
    }
    int zoom = Math.max(1, (MIN_TILE + Math.max(height, width) - 1) / Math.max(height, width));
    long tileW = (long) width * zoom;
    long tileH = (long) height * zoom;
    long cellW = tileW;
    if (captions != null) {
      for (String caption : captions) {
        cellW = Math.max(cellW, BitmapFont.width(Canvas.text(caption), Canvas.TEXT_SCALE) + 2L * CAPTION_GAP);
      }
    }
    long cellH = tileH + (captions == null ? 0 : CAPTION_GAP + Canvas.TEXT_HEIGHT);
    int rowGap = captions == null ? GAP : GAP + CAPTION_GAP;
    int cols = Math.min(columns, count);
    int rows = (count + cols - 1) / cols;
    long gridW = cols * cellW + (cols - 1L) * GAP;
    long gridH = rows * cellH + (rows - 1L) * rowGap;
    String t = Canvas.text(title);
    long titleH = t.isEmpty() ? 0 : Canvas.TEXT_HEIGHT + MARGIN;
    long w = Math.max(gridW, BitmapFont.width(t, Canvas.TEXT_SCALE)) + 2L * MARGIN;
    long h = MARGIN + titleH + gridH + MARGIN;
    if (w > Canvas.MAX_SIDE || h > Canvas.MAX_SIDE) {
      throw new IllegalArgumentException("a grid of " + count + " images of " + height + "x" + width + " in "
          + cols + " columns would be " + w + "x" + h + " pixels, more than " + Canvas.MAX_SIDE + " on a side");
    }
    long x0 = (w - gridW) / 2;
    long y0 = MARGIN + titleH;
    List<Rectangle> tiles = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long x = x0 + (i % cols) * (cellW + GAP) + (cellW - tileW) / 2;
      long y = y0 + (i / cols) * (cellH + rowGap);
      tiles.add(new Rectangle((int) x, (int) y, (int) tileW, (int) tileH));
    }
    return new Layout((int) w, (int) h, zoom, List.copyOf(tiles));
  }

  private static void drawTile(BufferedImage canvas, double[] image, int height, int width, int zoom, int x0, int y0,
      Scale scale) {
    double lo;
    double hi;
    if (scale == Scale.FIXED_01) {
      lo = 0;
      hi = 1;
    } else {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : image) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      double m = min <= max ? Math.max(Math.abs(min), Math.abs(max)) : 0; // 0: no finite value, all mid grey
      lo = scale == Scale.PER_IMAGE_SYMMETRIC ? -m : min;
      hi = scale == Scale.PER_IMAGE_SYMMETRIC ? m : max;
    }
    for (int r = 0; r < height; r++) {
      for (int c = 0; c < width; c++) {
        int level = grey(image[r * width + c], lo, hi);
        int rgb = level << 16 | level << 8 | level;
        for (int dy = 0; dy < zoom; dy++) {
          for (int dx = 0; dx < zoom; dx++) {
            canvas.setRGB(x0 + c * zoom + dx, y0 + r * zoom + dy, rgb);
          }
        }
      }
    }
  }

  /** The grey level 0..255 of {@code v} when {@code lo} maps to black and {@code hi} to white; mid grey if lo >= hi. */
  static int grey(double v, double lo, double hi) {
    double f = Double.isNaN(v) || !(hi > lo) ? 0.5 : (v - lo) / (hi - lo);
    return (int) Math.round(255 * Math.max(0, Math.min(1, f)));
  }
}
