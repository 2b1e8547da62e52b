package io.sparkae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.core.Seeds;
import io.sparkae.testing.SparkTest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePatchesTest extends SparkTest {

  /** A 20 x 16 PNG whose grey level is (x + 2 y) / 60 (x the column, y the row), in every channel. */
  private static void ramp(Path file, int shift) throws Exception {
    BufferedImage img = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 20; x++) {
        int g = (int) Math.round(255.0 * ((x + 2 * y + shift) % 60) / 60);
        img.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void patchSeedsAreCoreSeedsWithoutImportingCore() {
    for (long seed : new long[] {0, 2, 42, -7, Long.MAX_VALUE}) {
      for (int t = 0; t < 5; t++) {
        assertEquals(Seeds.derive(seed, "patches-" + t), ImagePatches.patchSeed(seed, t), "seed " + seed + ", " + t);
      }
    }
  }

  @Test
  void patchesAreCentredSeededAndTaggedAsImages(@TempDir Path dir) throws Exception {
    ramp(dir.resolve("a.png"), 0);
    ramp(dir.resolve("b.png"), 5);
    Dataset<Row> df = ImagePatches.load(spark(), dir.toString(), 4, 10, "none", 3, 2);
    assertEquals(20, df.count());
    assertArrayEquals(new int[] {4, 4}, DataSources.imageShape(df.schema().apply("features")).get());
    List<Row> rows = df.orderBy("image", "x", "y").collectAsList();
    for (Row r : rows) {
      double[] v = ((Vector) r.getAs("features")).toArray();
      assertEquals(16, v.length);
      double mean = 0;
      for (double a : v) {
        mean += a / 16;
      }
      assertEquals(0.0, mean, 1e-12, "patch mean removed");
      int x = r.getAs("x");
      int y = r.getAs("y");
      assertTrue(x >= 0 && x <= 16 && y >= 0 && y <= 12);
      if (r.getAs("image").equals("a.png") && x + 3 + 2 * (y + 3) < 60) {
        // On the ramp, pixel (row a, column b) minus pixel (0, 0) is (b + 2 a) / 60 up to 8-bit rounding.
        assertEquals((1 + 2 * 1) / 60.0, v[5] - v[0], 0.01);
      }
    }
    List<Row> again = ImagePatches.load(spark(), dir.toString(), 4, 10, "none", 3, 2).orderBy("image", "x", "y")
        .collectAsList();
    assertEquals(rows.toString(), again.toString(), "same seed, same patches");
  }

  @Test
  void zcaWhitenedPatchesHaveNearIdentityCovariance(@TempDir Path dir) throws Exception {
    BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        int g = r.nextInt(256);
        img.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    ImageIO.write(img, "png", dir.resolve("noise.png").toFile());
    List<Row> rows = ImagePatches.load(spark(), dir.toString(), 2, 400, "zca", 1, 1).collectAsList();
    double[][] c = new double[4][4];
    for (Row row : rows) {
      double[] v = ((Vector) row.get(0)).toArray();
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          c[a][b] += v[a] * v[b] / (rows.size() - 1);
        }
      }
    }
    // Centred 2x2 patches span 3 dimensions: the covariance is the projector I - 11^T/4 (up to the eps shrinkage).
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        assertEquals((a == b ? 1 : 0) - 0.25, c[a][b], 0.02, "covariance " + a + "," + b);
      }
    }
  }

  @Test
  void missingImagesFailClearly(@TempDir Path dir) {
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> ImagePatches.load(spark(), dir.toString(), 4, 10, "none", 3, 2));
    assertEquals("no images (png, jpg, gif, bmp) in " + dir, e.getMessage());
  }
}
