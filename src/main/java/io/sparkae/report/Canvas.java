package io.sparkae.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * The plumbing every figure shares: headless AWT, a white RGB canvas, the text colours and scale, and the atomic PNG
 * write (a temporary file in the target folder, then one rename, so a reader never sees half a figure).
 */
final class Canvas {
  /** Every piece of text is the 5x7 bitmap font at twice its size. */
  static final int TEXT_SCALE = 2;
  static final int TEXT_HEIGHT = BitmapFont.height(TEXT_SCALE);
  static final Color TEXT = new Color(0x20, 0x20, 0x20);
  static final Color FRAME = Color.BLACK;
  static final Color GRID = new Color(0xE4, 0xE4, 0xE4);
  /** A canvas larger than this on either side is refused: it is a mistake, not a figure. */
  static final int MAX_SIDE = 20_000;

  private Canvas() {}

  /** Called first by every public entry point: figures are drawn off screen, even on a machine with a display. */
  static void headless() {
    System.setProperty("java.awt.headless", "true");
    ImageIO.setUseCache(false); // encode in memory rather than through a cache file in java.io.tmpdir
  }

  static BufferedImage create(int width, int height) {
    if (width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "the figure would be " + width + "x" + height + " pixels, more than " + MAX_SIDE + " on a side");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  /** Graphics for shapes only (lines, rectangles, dots), antialiased; text goes through {@link BitmapFont}. */
  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setStroke(new BasicStroke(1f));
    return g;
  }

  /** {@code s}, or the empty string for null, so that titles and labels are optional. */
  static String text(String s) {
    return s == null ? "" : s;
  }

  static Path checkPath(Path png) {
    return Objects.requireNonNull(png, "png path is null").toAbsolutePath();
  }

  /** Writes {@code image} as a PNG at {@code png}, creating parent folders and replacing any file there atomically. */
  static void writePng(BufferedImage image, Path png) throws IOException {
    Path target = checkPath(png);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: its owner-only permissions would follow the file through the rename.
    Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("this JVM has no PNG writer for javax.imageio");
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
