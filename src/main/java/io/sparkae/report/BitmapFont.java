package io.sparkae.report;

import java.awt.Color;
import java.awt.image.BufferedImage;

/**
 * A built-in 5x7 bitmap font for ASCII 32..126, drawn pixel by pixel, so that figures never depend on the fonts or
 * the fontconfig of the machine that renders them (headless Spark drivers often have neither).
 *
 * <p>Each glyph is a 5x8 cell: seven rows down to the baseline and an eighth for the descenders of g, j, p, q, y and
 * the comma. It is stored as sixteen hex digits, two per row, top row first, bit 4 of a row being its leftmost pixel.
 * Characters advance by {@value #ADVANCE} pixels (one blank column), times the scale. Characters outside 32..126
 * are drawn as {@code '?'}. Text is clipped at the image border, never an error.
 */
public final class BitmapFont {
  public static final int GLYPH_WIDTH = 5;
  /** Rows of a glyph cell: seven down to the baseline, one for descenders. */
  public static final int GLYPH_HEIGHT = 8;
  /** Horizontal distance between the left edges of two consecutive characters, at scale 1. */
  public static final int ADVANCE = GLYPH_WIDTH + 1;

  private static final char FIRST = 32;
  private static final char LAST = 126;

  private static final String[] GLYPHS = {
      "0000000000000000", "0404040404000400", "0A0A0A0000000000", "0A0A1F0A1F0A0A00", "040F140E051E0400", //   ! " # $
      "1819020408130300", "0C12140815120D00", "0404080000000000", "0204080808040200", "0804020202040800", // % & ' ( )
      "0004150E15040000", "0004041F04040000", "00000000000C0408", "0000001F00000000", "00000000000C0C00", // * + , - .
      "0001020408100000", "0E11131519110E00", "040C040404040E00", "0E11010204081F00", "1F02040201110E00", // / 0 1 2 3
      "02060A121F020200", "1F101E0101110E00", "0608101E11110E00", "1F01020408080800", "0E11110E11110E00", // 4 5 6 7 8
      "0E11110F01020C00", "000C0C000C0C0000", "000C0C000C040800", "0204081008040200", "00001F001F000000", // 9 : ; < =
      "0804020102040800", "0E11010204000400", "0E11010D15150E00", "0E11111F11111100", "1E11111E11111E00", // > ? @ A B
      "0E11101010110E00", "1C12111111121C00", "1F10101E10101F00", "1F10101E10101000", "0E11101711110F00", // C D E F G
      "1111111F11111100", "0E04040404040E00", "0702020202120C00", "1112141814121100", "1010101010101F00", // H I J K L
      "111B151511111100", "1111191513111100", "0E11111111110E00", "1E11111E10101000", "0E11111115120D00", // M N O P Q
      "1E11111E14121100", "0F10100E01011E00", "1F04040404040400", "1111111111110E00", "11111111110A0400", // R S T U V
      "1111111515150A00", "11110A040A111100", "11110A0404040400", "1F01020408101F00", "0E08080808080E00", // W X Y Z [
      "0010080402010000", "0E02020202020E00", "040A110000000000", "0000000000001F00", "0804020000000000", // \ ] ^ _ `
      "00000E010F110F00", "1010161911111E00", "00000E1010110E00", "01010D1311110F00", "00000E111F100E00", // a b c d e
      "0609081C08080800", "00000F11110F010E", "1010161911111100", "04000C0404040E00", "020006020202120C", // f g h i j
      "1010121418141200", "0C04040404040E00", "00001A1515111100", "0000161911111100", "00000E1111110E00", // k l m n o
      "00001E11111E1010", "00000F11110F0101", "0000161910101000", "00000E100E011E00", "08081C0808090600", // p q r s t
      "0000111111130D00", "00001111110A0400", "0000111115150A00", "0000110A040A1100", "00001111110F010E", // u v w x y
      "00001F0204081F00", "0204040804040200", "0404040404040400", "0804040204040800", "0000081502000000", // z { | } ~
  };

  /** ROWS[c - FIRST][row]: the five pixels of one glyph row, bit 4 leftmost. */
  private static final byte[][] ROWS = decode();

  private BitmapFont() {}

  private static byte[][] decode() {
    byte[][] rows = new byte[GLYPHS.length][GLYPH_HEIGHT];
    for (int g = 0; g < GLYPHS.length; g++) {
      for (int r = 0; r < GLYPH_HEIGHT; r++) {
        rows[g][r] = (byte) Integer.parseInt(GLYPHS[g].substring(2 * r, 2 * r + 2), 16);
      }
    }
    return rows;
  }

  /** Whether pixel (row, col) of the glyph for {@code c} is set; row 0 is the top, col 0 the left. */
  public static boolean pixel(char c, int row, int col) {
    if (row < 0 || row >= GLYPH_HEIGHT || col < 0 || col >= GLYPH_WIDTH) {
      throw new IllegalArgumentException(
          "glyph pixel (" + row + ", " + col + ") is outside " + GLYPH_HEIGHT + "x" + GLYPH_WIDTH);
    }
    int glyph = (c < FIRST || c > LAST) ? '?' - FIRST : c - FIRST;
    return (ROWS[glyph][row] >> (GLYPH_WIDTH - 1 - col) & 1) != 0;
  }

  /** Width in pixels of {@code text} drawn at {@code scale}, without the blank column after the last glyph. */
  public static int width(String text, int scale) {
    return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
  }

  /** Height in pixels of one line of text drawn at {@code scale}. */
  public static int height(int scale) {
    return GLYPH_HEIGHT * scale;
  }

  /** Draws {@code text} left to right with its top-left corner at (x, y); each glyph pixel is a scale x scale block. */
  public static void draw(BufferedImage image, String text, int x, int y, int scale, Color color) {
    int rgb = color.getRGB();
    for (int i = 0; i < text.length(); i++) {
      int left = x + i * ADVANCE * scale;
      for (int r = 0; r < GLYPH_HEIGHT; r++) {
        for (int c = 0; c < GLYPH_WIDTH; c++) {
          if (pixel(text.charAt(i), r, c)) {
            fill(image, left + c * scale, y + r * scale, scale, rgb);
          }
        }
      }
    }
  }

  /** Draws {@code text} centred horizontally on {@code centerX}, top at {@code y}. */
  public static void drawCentered(BufferedImage image, String text, int centerX, int y, int scale, Color color) {
    draw(image, text, centerX - width(text, scale) / 2, y, scale, color);
  }

  /**
   * Draws {@code text} rotated a quarter turn anticlockwise (reading bottom to top, as a y-axis label), inside the box
   * whose top-left corner is (x, y), {@code height(scale)} wide and {@code width(text, scale)} tall.
   */
  public static void drawVertical(BufferedImage image, String text, int x, int y, int scale, Color color) {
    int rgb = color.getRGB();
    int bottom = y + width(text, scale);
    for (int i = 0; i < text.length(); i++) {
      int start = bottom - i * ADVANCE * scale; // the glyph's left edge, now at the bottom
      for (int r = 0; r < GLYPH_HEIGHT; r++) {
        for (int c = 0; c < GLYPH_WIDTH; c++) {
          if (pixel(text.charAt(i), r, c)) {
            fill(image, x + r * scale, start - (c + 1) * scale, scale, rgb);
          }
        }
      }
    }
  }

  private static void fill(BufferedImage image, int x0, int y0, int scale, int rgb) {
    int x1 = Math.min(image.getWidth(), x0 + scale);
    int y1 = Math.min(image.getHeight(), y0 + scale);
    for (int yy = Math.max(0, y0); yy < y1; yy++) {
      for (int xx = Math.max(0, x0); xx < x1; xx++) {
        image.setRGB(xx, yy, rgb);
      }
    }
  }
}
