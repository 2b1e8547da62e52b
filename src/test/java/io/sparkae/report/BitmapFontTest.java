package io.sparkae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BitmapFontTest {
  private static final int S = 2;

  private static BufferedImage render(String text, boolean vertical) {
    BufferedImage image = Canvas.create(200, 200);
    if (vertical) {
      BitmapFont.drawVertical(image, text, 10, 10, S, Color.BLACK);
    } else {
      BitmapFont.draw(image, text, 10, 10, S, Color.BLACK);
    }
    return image;
  }

  /** {minX, minY, maxX, maxY} of the black pixels, or null if there are none. */
  private static int[] inkBox(BufferedImage image) {
    int[] box = null;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == 0) {
          box = box == null ? new int[] {x, y, x, y}
              : new int[] {Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)};
        }
      }
    }
    return box;
  }

  @Test
  void everyPrintableCharacterDrawsInkInsideItsCellAndSpaceDrawsNone() {
    for (char c = 33; c <= 126; c++) {
      int[] box = inkBox(render(String.valueOf(c), false));
      assertTrue(box != null, "no ink for '" + c + "'");
      assertTrue(box[0] >= 10 && box[2] < 10 + 5 * S && box[1] >= 10 && box[3] < 10 + BitmapFont.height(S),
          "'" + c + "' leaves its 5x8 cell");
    }
    assertEquals(null, inkBox(render(" ", false)));
  }

  @Test
  void glyphsAreDistinct() {
    Map<String, Character> seen = new HashMap<>();
    for (char c = 32; c <= 126; c++) {
      StringBuilder bits = new StringBuilder();
      for (int r = 0; r < BitmapFont.GLYPH_HEIGHT; r++) {
        for (int col = 0; col < BitmapFont.GLYPH_WIDTH; col++) {
          bits.append(BitmapFont.pixel(c, r, col) ? '#' : '.');
        }
      }
      Character before = seen.put(bits.toString(), c);
      assertEquals(null, before, "'" + c + "' looks like '" + before + "'");
    }
  }

  @Test
  void charactersOutsideAsciiDrawAsQuestionMark() {
    for (int r = 0; r < BitmapFont.GLYPH_HEIGHT; r++) {
      for (int c = 0; c < BitmapFont.GLYPH_WIDTH; c++) {
        assertEquals(BitmapFont.pixel('?', r, c), BitmapFont.pixel('\u00e9', r, c));
      }
    }
    assertNotEquals(null, inkBox(render("\n", false)));
  }

  @Test
  void widthCountsAdvancesWithoutTheTrailingGap() {
    assertEquals(0, BitmapFont.width("", S));
    assertEquals(5 * S, BitmapFont.width("x", S));
    assertEquals((3 * 6 - 1) * S, BitmapFont.width("abc", S));
    assertEquals(8 * S, BitmapFont.height(S));
    int[] box = inkBox(render("HH", false)); // H fills its cell's width and the seven rows above the baseline
    assertEquals(BitmapFont.width("HH", S), box[2] - box[0] + 1);
    assertEquals(7 * S, box[3] - box[1] + 1);
    int[] descending = inkBox(render("Hg", false));
    assertEquals(BitmapFont.height(S), descending[3] - descending[1] + 1);
  }

  @Test
  void verticalTextIsTheHorizontalTextTurnedAnticlockwise() {
    String text = "Loss 1e-3";
    BufferedImage flat = render(text, false);
    BufferedImage up = render(text, true);
    int w = BitmapFont.width(text, S);
    int h = BitmapFont.height(S);
    for (int i = 0; i < w; i++) {
      for (int j = 0; j < h; j++) {
        // flat pixel (10 + i, 10 + j) turns to (10 + j, 10 + w - 1 - i)
        assertEquals(flat.getRGB(10 + i, 10 + j), up.getRGB(10 + j, 10 + w - 1 - i), "at " + i + ", " + j);
      }
    }
  }

  @Test
  void textIsClippedAtTheBorder() {
    BufferedImage image = Canvas.create(8, 8);
    BitmapFont.draw(image, "clipped", -5, -3, S, Color.BLACK);
    BitmapFont.drawVertical(image, "clipped", 4, 4, S, Color.BLACK);
    // Text starting outside an 8x8 image draws what falls inside and nothing else (no exception).
    int inked = 0;
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
          inked++;
        }
      }
    }
    assertTrue(inked > 0 && inked < 64, "clipped text inks part of the image, found " + inked + " pixels");
  }

  @Test
  void pixelsOutsideTheCellAreRefused() {
    assertEquals("glyph pixel (8, 0) is outside 8x5", assertThrows(IllegalArgumentException.class,
        () -> BitmapFont.pixel('a', 8, 0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BitmapFont.pixel('a', 0, -1));
  }
}
