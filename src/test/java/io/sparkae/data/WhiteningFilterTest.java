package io.sparkae.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.SparkTest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Fft2}, the 1/f whitening filter {@link WhiteningFilter}, and ImagePatches' {@code "1/f"} whitening. */
class WhiteningFilterTest {

  private static double[] random(int n, SplittableRandom r) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble(-1, 1);
    }
    return x;
  }

  @Test
  void forwardThenInverseIsTheIdentity() {
    SplittableRandom r = new SplittableRandom(1);
    for (int[] shape : new int[][] {{1, 1}, {1, 8}, {8, 16}, {64, 32}, {256, 256}}) {
      int n = shape[0] * shape[1];
      double[] re = random(n, r);
      double[] im = random(n, r);
      double[] re0 = re.clone();
      double[] im0 = im.clone();
      Fft2.fft2(re, im, shape[0], shape[1], false);
      Fft2.fft2(re, im, shape[0], shape[1], true);
      for (int i = 0; i < n; i++) {
        assertEquals(re0[i], re[i], 1e-12, "re " + i + " of " + shape[0] + " x " + shape[1]);
        assertEquals(im0[i], im[i], 1e-12, "im " + i + " of " + shape[0] + " x " + shape[1]);
      }
    }
  }

  @Test
  void agreesWithTheDirectDft() {
    int rows = 8;
    int cols = 16;
    SplittableRandom r = new SplittableRandom(2);
    double[] re = random(rows * cols, r);
    double[] im = random(rows * cols, r);
    double[] fre = re.clone();
    double[] fim = im.clone();
    Fft2.fft2(fre, fim, rows, cols, false);
    for (int ky = 0; ky < rows; ky++) {
      for (int kx = 0; kx < cols; kx++) {
        double sr = 0;
        double si = 0;
        for (int y = 0; y < rows; y++) {
          for (int x = 0; x < cols; x++) {
            double a = -2 * Math.PI * ((double) ky * y / rows + (double) kx * x / cols);
            double c = Math.cos(a);
            double s = Math.sin(a);
            sr += re[y * cols + x] * c - im[y * cols + x] * s;
            si += re[y * cols + x] * s + im[y * cols + x] * c;
          }
        }
        assertEquals(sr, fre[ky * cols + kx], 1e-10, "re at " + ky + "," + kx);
        assertEquals(si, fim[ky * cols + kx], 1e-10, "im at " + ky + "," + kx);
      }
    }
  }

  @Test
  void powersOfTwoAndMirrorIndices() {
    assertEquals(1, Fft2.nextPowerOfTwo(1));
    assertEquals(64, Fft2.nextPowerOfTwo(64));
    assertEquals(4096, Fft2.nextPowerOfTwo(2560));
    assertEquals(List.of(0, 1, 2, 3, 4, 4, 3, 0),
        Arrays.stream(WhiteningFilter.mirror(5, 8)).boxed().toList());
    assertThrows(IllegalArgumentException.class, () -> Fft2.fft(new double[6], new double[6], false));
  }

  /** {frequency bins (u across, v down), amplitude, phase} of the gratings of the response test. */
  private static final double[][] GRATINGS = {
      {3, 1, 1.0, 0.3}, // f = sqrt(10)/64 = 0.049, oriented about 18 degrees from vertical stripes
      {8, 6, 0.5, 1.1}, // f = 10/64 = 0.156, 37 degrees
      {12, -16, 2.0, -0.7}, // f = 20/64 = 0.3125, -53 degrees
      {0, 29, 0.8, 2.0}}; // f = 29/64 = 0.453, horizontal stripes

  private static double grating(double[] g, int n, int y, int x) {
    return g[2] * Math.cos(2 * Math.PI * (g[0] * x + g[1] * y) / n + g[3]);
  }

  @Test
  void gratingsComeOutScaledByTheResponseAndTheMeanIsRemoved() {
    int n = 64;
    double[][] img = new double[n][n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        img[y][x] = 0.37; // a DC offset the filter must remove
        for (double[] g : GRATINGS) {
          img[y][x] += grating(g, n, y, x);
        }
      }
    }
    double[][] out = WhiteningFilter.apply(img, 0.4);
    double[] re = new double[n * n];
    double[] im = new double[n * n];
    double mean = 0;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        re[y * n + x] = out[y][x];
        mean += out[y][x] / (n * n);
      }
    }
    assertEquals(0.0, mean, 1e-12, "DC removed");
    Fft2.fft2(re, im, n, n, false);
    double[] gain = new double[GRATINGS.length];
    double[] f = new double[GRATINGS.length];
    for (int i = 0; i < GRATINGS.length; i++) {
      double[] g = GRATINGS[i];
      int kx = Math.floorMod((int) g[0], n);
      int ky = Math.floorMod((int) g[1], n);
      // A cosine of amplitude a and phase phi puts a e^{i phi} / 2 n^2 ... at its bin: amplitude 2 |X| / n^2.
      double amp = 2 * Math.hypot(re[ky * n + kx], im[ky * n + kx]) / (n * n);
      gain[i] = amp / g[2];
      f[i] = Math.hypot(g[0], g[1]) / n;
      assertEquals(g[3], Math.atan2(im[ky * n + kx], re[ky * n + kx]), 1e-9, "phase kept, grating " + i);
    }
    for (int i = 1; i < GRATINGS.length; i++) {
      double expected = WhiteningFilter.response(f[i], 0.4) / WhiteningFilter.response(f[0], 0.4);
      assertEquals(expected, gain[i] / gain[0], 1e-9 * expected, "gain ratio of grating " + i + " to grating 0");
    }
    // Nothing else: the output is exactly the sum of the gratings, each scaled by R(f).
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        double want = 0;
        for (int i = 0; i < GRATINGS.length; i++) {
          want += WhiteningFilter.response(f[i], 0.4) * grating(GRATINGS[i], n, y, x);
        }
        assertEquals(want, out[y][x], 1e-9, "pixel " + y + "," + x);
      }
    }
  }

  /** Mean power of the bins of the 2-D spectrum of {@code img} (n x n) whose radial frequency is in [lo, hi). */
  private static double bandPower(double[][] img, double lo, double hi) {
    int n = img.length;
    double[] re = new double[n * n];
    double[] im = new double[n * n];
    for (int y = 0; y < n; y++) {
      System.arraycopy(img[y], 0, re, y * n, n);
    }
    Fft2.fft2(re, im, n, n, false);
    double sum = 0;
    int count = 0;
    for (int ky = 0; ky < n; ky++) {
      for (int kx = 0; kx < n; kx++) {
        double f = Math.hypot(WhiteningFilter.frequency(kx, n), WhiteningFilter.frequency(ky, n));
        if (f >= lo && f < hi) {
          sum += re[ky * n + kx] * re[ky * n + kx] + im[ky * n + kx] * im[ky * n + kx];
          count++;
        }
      }
    }
    return sum / count;
  }

  @Test
  void aOneOverFImageComesOutWithAFlatSpectrum() {
    int n = 256;
    SplittableRandom r = new SplittableRandom(3);
    double[] re = new double[n * n];
    double[] im = new double[n * n];
    for (int ky = 0; ky < n; ky++) {
      for (int kx = 0; kx < n; kx++) {
        double f = Math.hypot(WhiteningFilter.frequency(kx, n), WhiteningFilter.frequency(ky, n));
        double a = f == 0 ? 0 : 1 / f;
        double phase = r.nextDouble(2 * Math.PI);
        re[ky * n + kx] = a * Math.cos(phase);
        im[ky * n + kx] = a * Math.sin(phase);
      }
    }
    Fft2.fft2(re, im, n, n, true);
    double[][] img = new double[n][n];
    for (int y = 0; y < n; y++) {
      System.arraycopy(re, y * n, img[y], 0, n); // the real part keeps the amplitude spectrum ~ 1/f
    }
    double before = bandPower(img, 0.05, 0.2) / bandPower(img, 0.2, 0.3);
    double[][] out = WhiteningFilter.apply(img, 0.4);
    double after = bandPower(out, 0.05, 0.2) / bandPower(out, 0.2, 0.3);
    // Unfiltered, the power ~ 1/f^2 averaged over the rings gives ln(4) / 0.01875 over ln(1.5) / 0.025 = 4.6.
    assertTrue(before > 3, "the 1/f image's band power ratio " + before);
    // Whitened, the power is exp(-2 (f/f0)^4): flat at low frequencies, but the roll-off already takes 12% at
    // f = 0.2 and 47% at 0.3, so even a perfect filter gives about 0.97 / 0.72 = 1.35, not 1 (the random phases
    // move it by a few percent: 1.31 to 1.36 over seeds 1 to 5). 1.5 allows that and fails a filter that leaves
    // a trace of the 1/f slope: a residual 1/sqrt(f) amplitude (power 1/f, band means 2 / (lo + hi)) doubles it.
    assertTrue(after < 1.5 && after > 1 / 1.5, "the whitened image's band power ratio " + after);
  }

  @Test
  void mirrorPaddingKeepsTheShapeAndAvoidsAnEdgeFrame() {
    int h = 40;
    int w = 60;
    double[][] ramp = new double[h][w];
    double[][] boxed = new double[64][64]; // the same ramp in a zero frame: what zero padding would filter
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        ramp[y][x] = (x + 2.0 * y) / 140 - 0.5;
        boxed[y][x] = ramp[y][x];
      }
    }
    double[][] out = WhiteningFilter.apply(ramp, 0.4);
    assertEquals(h, out.length);
    assertEquals(w, out[0].length);
    double[][] zero = WhiteningFilter.apply(boxed, 0.4);
    double mirrorEdge = 0;
    double zeroEdge = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (y == 0 || x == 0 || y == h - 1 || x == w - 1) {
          mirrorEdge = Math.max(mirrorEdge, Math.abs(out[y][x]));
          zeroEdge = Math.max(zeroEdge, Math.abs(zero[y][x]));
        }
      }
    }
    // Measured: 0.014 against 0.055. The mirror's residue is the jump in the middle of the pad (4 columns here,
    // so 2 pixels from the edge), smoothed by the filter's long tails; zero padding's is the image's own edge step.
    assertTrue(mirrorEdge < zeroEdge / 3, "largest edge value, mirror " + mirrorEdge + ", zero pad " + zeroEdge);
    double[][] flat = WhiteningFilter.apply(new double[][] {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}}, 0.4);
    for (double[] row : flat) {
      for (double v : row) {
        assertEquals(0.0, v, 1e-15, "a constant image filters to 0");
      }
    }
  }

  /** A w x h PNG of seeded 1/f-ish noise: sums of random gratings (grey levels 0..255). */
  private static void photo(Path file, int w, int h, long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] g = new double[10][4];
    for (double[] c : g) {
      c[0] = r.nextDouble(-0.4, 0.4);
      c[1] = r.nextDouble(-0.4, 0.4);
      c[2] = 0.05 / (0.02 + Math.hypot(c[0], c[1]));
      c[3] = r.nextDouble(2 * Math.PI);
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 0.5;
        for (double[] c : g) {
          v += 0.05 * c[2] * Math.cos(2 * Math.PI * (c[0] * x + c[1] * y) + c[3]);
        }
        int b = (int) Math.max(0, Math.min(255, Math.round(255 * v)));
        img.setRGB(x, y, (b << 16) | (b << 8) | b);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void oneOverFPatchesAreSeededAndHaveUnitMeanVariance(@TempDir Path dir) throws Exception {
    photo(dir.resolve("a.png"), 70, 50, 1);
    photo(dir.resolve("b.png"), 64, 64, 2);
    List<Row> rows = ImagePatches.load(SparkTest.session(), dir.toString(), 8, 300, "1/f", 0.01, 0.4, 5, 2)
        .orderBy("image", "x", "y").collectAsList();
    assertEquals(600, rows.size());
    double meanVar = 0;
    for (Row row : rows) {
      double[] v = ((Vector) row.getAs("features")).toArray();
      double mean = 0;
      double sq = 0;
      for (double e : v) {
        mean += e / v.length;
        sq += e * e / v.length;
      }
      assertEquals(0.0, mean, 1e-12, "patch centred");
      meanVar += sq / rows.size();
    }
    assertEquals(1.0, meanVar, 1e-12, "mean patch variance");
    List<Row> again = ImagePatches.load(SparkTest.session(), dir.toString(), 8, 300, "olshausen", 0.01, 0.4, 5, 3)
        .orderBy("image", "x", "y").collectAsList();
    assertEquals(rows.toString(), again.toString(), "same seed, same patches ('olshausen' is '1/f')");
    List<Row> other = ImagePatches.load(SparkTest.session(), dir.toString(), 8, 300, "1/f", 0.01, 0.4, 6, 2)
        .orderBy("image", "x", "y").collectAsList();
    assertNotEquals(rows.toString(), other.toString(), "another seed, other patches");
    List<Row> lowerF0 = ImagePatches.load(SparkTest.session(), dir.toString(), 8, 300, "1/f", 0.01, 0.2, 5, 2)
        .orderBy("image", "x", "y").collectAsList();
    assertEquals((int) rows.get(0).getAs("x"), (int) lowerF0.get(0).getAs("x"), "f0 does not move the corners");
    assertNotEquals((Object) rows.get(0).getAs("features"), lowerF0.get(0).getAs("features"), "f0 changes the filter");
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> ImagePatches.load(SparkTest.session(), dir.toString(), 8, 3, "pink", 5, 1));
    assertEquals("whitening must be none, zca or 1/f (also: olshausen), found 'pink'", e.getMessage());
  }

  @Test
  void totalPatchesAreSharedByTheImagesAndMatchThePerImageCut(@TempDir Path dir) throws Exception {
    photo(dir.resolve("a.png"), 30, 20, 1);
    photo(dir.resolve("b.png"), 25, 40, 2);
    photo(dir.resolve("c.png"), 32, 32, 3);
    ImagePatches.Cut total = ImagePatches.cut(ImagePatches.files(dir.toString()), 4, new int[] {4, 4, 3}, "none",
        0.01, 0.4, 9);
    ImagePatches.Cut per = ImagePatches.cut(ImagePatches.files(dir.toString()), 4, new int[] {4, 4, 4}, "none",
        0.01, 0.4, 9);
    List<Row> rows = ImagePatches.loadTotal(SparkTest.session(), dir.toString(), 4, 11, "none", 0.01, 0.4, 9, 2)
        .collectAsList();
    assertEquals(11, rows.size());
    assertEquals(11, total.patches().size());
    // 11 over 3 images: 4, 4, 3, the first patches of the cut with 4 per image (whose indices are then the same).
    for (int i = 0; i < 11; i++) {
      assertEquals(Arrays.toString(per.tags().get(i)), Arrays.toString(total.tags().get(i)), "patch " + i);
      assertEquals(Arrays.toString(per.patches().get(i)), Arrays.toString(total.patches().get(i)), "patch " + i);
    }
    assertEquals("c.png", total.tags().get(10)[0]);
  }
}
