package io.sparkae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir
  Path dir;

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private static int centreGrey(BufferedImage image, Rectangle tile) {
    return Pixels.grey(image, tile.x + tile.width / 2, tile.y + tile.height / 2);
  }

  @Test
  void fixedScaleDrawsOnesWhiteZerosBlackClipsAndGreysNaN() throws IOException {
    List<double[]> images = List.of(
        filled(784, 1.0), filled(784, 0.0), filled(784, 7.0), filled(784, -2.0), filled(784, Double.NaN));
    Path png = dir.resolve("sub/folder/digits.png");
    ImageGrid.write(png, images, 28, 28, 2, "Digits", ImageGrid.Scale.FIXED_01);

    BufferedImage image = ImageIO.read(png.toFile());
    ImageGrid.Layout layout = ImageGrid.layout(5, 28, 28, 2, "Digits", null);
    assertEquals(layout.imageWidth(), image.getWidth());
    assertEquals(layout.imageHeight(), image.getHeight());
    assertEquals(255, centreGrey(image, layout.tiles().get(0)));
    assertEquals(0, centreGrey(image, layout.tiles().get(1)));
    assertEquals(255, centreGrey(image, layout.tiles().get(2)));
    assertEquals(0, centreGrey(image, layout.tiles().get(3)));
    assertEquals(128, centreGrey(image, layout.tiles().get(4))); // NaN: mid grey
  }

  @Test
  void symmetricScaleMapsZeroToMidGreyAndTheExtremesToWhiteAndBlack() {
    double[] signed = {0, 0.5, -3, 1.5}; // 2x2; max |v| = 3
    BufferedImage image = ImageGrid.render(List.of(signed), 2, 2, 1, null, ImageGrid.Scale.PER_IMAGE_SYMMETRIC, null);
    ImageGrid.Layout layout = ImageGrid.layout(1, 2, 2, 1, null, null);
    Rectangle t = layout.tiles().get(0);
    int z = layout.zoom();
    assertEquals(128, Pixels.grey(image, t.x + z / 2, t.y + z / 2)); // (0,0) = 0
    assertEquals(0, Pixels.grey(image, t.x + z / 2, t.y + z + z / 2)); // (1,0) = -3
    assertEquals(191, Pixels.grey(image, t.x + z + z / 2, t.y + z + z / 2)); // 255 * (1.5 + 3) / 6
    BufferedImage zeros = ImageGrid.render(
        List.of(filled(4, 0)), 2, 2, 1, null, ImageGrid.Scale.PER_IMAGE_SYMMETRIC, null);
    assertEquals(128, centreGrey(zeros, t));
  }

  @Test
  void minMaxScaleStretchesEachTile() {
    double[] tile = {10, 11, 12, 13, 14, 15}; // 2 rows x 3 columns
    BufferedImage image = ImageGrid.render(List.of(tile), 2, 3, 1, "", ImageGrid.Scale.PER_IMAGE_MINMAX, null);
    ImageGrid.Layout layout = ImageGrid.layout(1, 2, 3, 1, "", null);
    Rectangle t = layout.tiles().get(0);
    assertEquals(0, Pixels.grey(image, t.x + 1, t.y + 1));
    assertEquals(255, Pixels.grey(image, t.x + t.width - 2, t.y + t.height - 2));
  }

  @Test
  void pixelsAreRowMajor() {
    double[] topRight = new double[2 * 3]; // height 2, width 3: pixel (0, 2) is index 2
    topRight[2] = 1;
    BufferedImage image = ImageGrid.render(List.of(topRight), 2, 3, 1, null, ImageGrid.Scale.FIXED_01, null);
    Rectangle t = ImageGrid.layout(1, 2, 3, 1, null, null).tiles().get(0);
    assertEquals(t.width * 2, t.height * 3); // 3 wide, 2 high
    assertEquals(255, Pixels.grey(image, t.x + t.width - 1, t.y));
    assertEquals(0, Pixels.grey(image, t.x, t.y));
    assertEquals(0, Pixels.grey(image, t.x + t.width - 1, t.y + t.height - 1));
  }

  @Test
  void tilesAreEnlargedToAtLeastMinTileAndSeparated() {
    assertEquals(2, ImageGrid.layout(1, 28, 28, 1, null, null).zoom());
    assertEquals(7, ImageGrid.layout(1, 8, 8, 1, null, null).zoom());
    assertEquals(1, ImageGrid.layout(1, 64, 64, 1, null, null).zoom());
    List<Rectangle> tiles = ImageGrid.layout(6, 8, 8, 4, "t", null).tiles();
    assertEquals(tiles.get(0).y, tiles.get(3).y);
    assertEquals(tiles.get(0).x, tiles.get(4).x);
    int gap = tiles.get(1).x - (tiles.get(0).x + tiles.get(0).width);
    assertTrue(gap >= 1 && gap <= 2, "gap " + gap);
    // fewer images than columns: the grid is only as wide as the images
    assertEquals(ImageGrid.layout(3, 8, 8, 3, null, null).imageWidth(),
        ImageGrid.layout(3, 8, 8, 10, null, null).imageWidth());
  }

  @Test
  void captionsAreDrawnUnderTheirTiles() {
    List<double[]> images = List.of(filled(64, 0), filled(64, 1));
    List<String> captions = List.of("7", "a long caption");
    BufferedImage image = ImageGrid.render(images, 8, 8, 2, null, ImageGrid.Scale.FIXED_01, captions);
    ImageGrid.Layout layout = ImageGrid.layout(2, 8, 8, 2, null, captions);
    for (Rectangle t : layout.tiles()) {
      int ink = 0;
      for (int y = t.y + t.height; y < t.y + t.height + 20; y++) {
        for (int x = t.x; x < t.x + t.width; x++) {
          ink += (image.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF ? 0 : 1;
        }
      }
      assertTrue(ink > 0, "no caption under " + t);
    }
    Rectangle a = layout.tiles().get(0);
    Rectangle b = layout.tiles().get(1);
    assertTrue(b.x - a.x >= BitmapFont.width("a long caption", Canvas.TEXT_SCALE), "cells widen for captions");
  }

  @Test
  void rewritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
    Path png = dir.resolve("grid.png");
    ImageGrid.write(png, List.of(filled(4, 1)), 2, 2, 1, null, ImageGrid.Scale.FIXED_01);
    long first = Files.size(png);
    ImageGrid.write(png, List.of(filled(4, 1), filled(4, 0), filled(4, 0.5)), 2, 2, 3, "three",
        ImageGrid.Scale.FIXED_01);
    assertNotEquals(first, Files.size(png));
    assertEquals(3 * 56 + 2 * ImageGrid.GAP + 16, ImageIO.read(png.toFile()).getWidth());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList());
    }
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  @Test
  void badInputIsRefusedWithAMessageThatSaysWhy() {
    Path png = dir.resolve("bad.png");
    ImageGrid.Scale fixed = ImageGrid.Scale.FIXED_01;
    assertEquals("images is empty: an image grid needs at least one image", assertThrows(
        IllegalArgumentException.class, () -> ImageGrid.write(png, List.of(), 28, 28, 10, "", fixed)).getMessage());
    assertEquals("image 1 has 783 values, expected height*width = 28*28 = 784",
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.write(
            png, List.of(new double[784], new double[783]), 28, 28, 10, "", fixed)).getMessage());
    assertEquals("columns must be at least 1, found 0", assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.write(png, List.of(new double[4]), 2, 2, 0, "", fixed)).getMessage());
    assertEquals("height and width must be at least 1, found 0x4", assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.write(png, List.of(new double[0]), 0, 4, 1, "", fixed)).getMessage());
    assertEquals("captions has 1 entries but there are 2 images", assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.write(png, List.of(new double[4], new double[4]), 2, 2, 2, "", fixed, List.of("x")))
        .getMessage());
    assertTrue(Files.notExists(png));
  }
}
