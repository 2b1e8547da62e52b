package io.sparkae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Project;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IDX reading: the shipped sample, gzip versus raw, and the exact messages for broken files. No Spark needed. */
class IdxReaderTest {
  private static final Path IMAGES = Project.mnistSample().resolve("train-images-idx3-ubyte.gz");
  private static final Path LABELS = Project.mnistSample().resolve("train-labels-idx1-ubyte.gz");

  @TempDir Path tmp;

  @Test
  void shippedSampleIsTenThousandDigitsWithLabels() throws IOException {
    IdxImages images = IdxReader.readImages(IMAGES.toString());
    assertEquals(10000, images.count());
    assertEquals(28, images.height());
    assertEquals(28, images.width());
    assertEquals(10000 * 28 * 28, images.pixels().length);

    int[] labels = IdxReader.readLabels(LABELS.toString());
    assertEquals(10000, labels.length);
    int[] perDigit = new int[10];
    for (int y : labels) {
      assertTrue(y >= 0 && y <= 9, "label " + y + " outside 0..9");
      perDigit[y]++;
    }
    for (int d = 0; d < 10; d++) {
      assertTrue(perDigit[d] > 800, "digit " + d + " appears only " + perDigit[d] + " times");
    }
    // The first label straight from the file (byte 8 after the 8-byte header): MNIST's first digit is a 5.
    byte[] raw = gunzip(Files.readAllBytes(LABELS));
    assertEquals(raw[8] & 0xff, labels[0]);
    assertEquals(5, labels[0]);
    // A digit has ink: some pixels are 255-ish, the border is blank.
    int max = 0;
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        max = Math.max(max, images.pixel(0, r, c));
      }
    }
    assertTrue(max > 200, "first digit's brightest pixel is " + max);
    assertEquals(0, images.pixel(0, 0, 0));
  }

  @Test
  void gzipAndRawGiveIdenticalData() throws IOException {
    Path rawImages = tmp.resolve("images.bin");
    Path rawLabels = tmp.resolve("labels.bin");
    Files.write(rawImages, gunzip(Files.readAllBytes(IMAGES)));
    Files.write(rawLabels, gunzip(Files.readAllBytes(LABELS)));

    IdxImages gz = IdxReader.readImages(IMAGES.toString());
    IdxImages plain = IdxReader.readImages(rawImages.toString());
    assertEquals(List.of(gz.count(), gz.height(), gz.width()), List.of(plain.count(), plain.height(), plain.width()));
    assertArrayEquals(gz.pixels(), plain.pixels());
    assertArrayEquals(IdxReader.readLabels(LABELS.toString()), IdxReader.readLabels(rawLabels.toString()));
    // Through a file: URI as well.
    assertArrayEquals(plain.pixels(), IdxReader.readImages(rawImages.toUri().toString()).pixels());
  }

  @Test
  void truncatedFileNamesWhatTheHeaderPromised() throws IOException {
    Path file = tmp.resolve("short-images-idx3-ubyte");
    Files.write(file, idx(IdxReader.IMAGES_MAGIC, new int[] {10000, 28, 28}, new byte[123456]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(file.toString()));
    assertEquals("IDX file " + file + " is truncated: header promises 10000 x 28 x 28 = 7840000 bytes of pixels,"
        + " found 123456", e.getMessage());

    Path gz = tmp.resolve("short-images-idx3-ubyte.gz");
    Files.write(gz, gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[5])));
    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(gz.toString()));
    assertEquals("IDX file " + gz + " is truncated: header promises 3 x 2 x 2 = 12 bytes of pixels, found 5",
        e.getMessage());

    Path labels = tmp.resolve("short-labels");
    Files.write(labels, idx(IdxReader.LABELS_MAGIC, new int[] {10}, new byte[7]));
    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(labels.toString()));
    assertEquals("IDX file " + labels + " is truncated: header promises 10 labels, found 7", e.getMessage());

    Path header = tmp.resolve("header-only");
    Files.write(header, new byte[] {0, 0, 8, 3, 0, 0});
    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(header.toString()));
    assertEquals("IDX file " + header + " is truncated: it ends inside the header, before byte 8", e.getMessage());
  }

  @Test
  void badMagicAndWrongKindAreNamed() throws IOException {
    Path file = tmp.resolve("photo.png");
    Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0, 0, 0, 0, 0});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(file.toString()));
    assertEquals("IDX file " + file + " has a bad magic number: expected 2051 (images) or 2049 (labels),"
        + " found -1991225785 (0x89504e47)", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(LABELS.toString()));
    assertEquals("IDX file " + LABELS + " holds labels (magic 2049), expected images (magic 2051)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(IMAGES.toString()));
    assertEquals("IDX file " + IMAGES + " holds images (magic 2051), expected labels (magic 2049)", e.getMessage());
  }

  @Test
  void missingFileDirectoryAndExtraBytes() throws IOException {
    Path missing = tmp.resolve("nothing-here-idx3-ubyte");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(missing.toString()));
    assertEquals("cannot read IDX file " + missing + ": no such file", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(tmp.toString()));
    assertEquals("cannot read IDX file " + tmp + ": it is a directory, expected a file", e.getMessage());

    Path longer = tmp.resolve("long-labels");
    Files.write(longer, idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {1, 2, 3, 4}));
    e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(longer.toString()));
    assertEquals("IDX file " + longer + " is longer than its header says: header promises 2 labels,"
        + " found 2 bytes more", e.getMessage());
  }

  @Test
  void smallImagesReadRowMajor() throws IOException {
    byte[] pixels = {0, 1, 2, 3, 4, 5, (byte) 250, 7, 8, 9, 10, (byte) 255};
    Path file = tmp.resolve("tiny-images-idx3-ubyte");
    Files.write(file, idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 3}, pixels));
    IdxImages images = IdxReader.readImages(file.toString());
    assertEquals("IdxImages[2 x 2 x 3]", images.toString());
    assertEquals(5, images.pixel(0, 1, 2));
    assertEquals(250, images.pixel(1, 0, 0));
    assertEquals(255, images.pixel(1, 1, 2));
  }

  @Test
  void labelCountMismatchNamesBothFiles() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxReader.requireSameCount("a-images-idx3-ubyte", 10000, "b-labels-idx1-ubyte", 60000));
    assertEquals("IDX labels do not match the images: a-images-idx3-ubyte has 10000 images but b-labels-idx1-ubyte"
        + " has 60000 labels", e.getMessage());
  }

  @Test
  void labelsAreFoundNextToImagesUnderEitherNaming() throws IOException {
    Configuration conf = new Configuration();
    assertEquals(Optional.of(LABELS.toString()), IdxReader.findLabels(IMAGES.toString(), conf));
    assertEquals(List.of("train-labels.idx1-ubyte", "train-labels.idx1-ubyte.gz"),
        IdxReader.labelNames("train-images.idx3-ubyte"));

    Path images = tmp.resolve("t10k-images.idx3-ubyte");
    Files.write(images, idx(IdxReader.IMAGES_MAGIC, new int[] {1, 1, 1}, new byte[1]));
    assertEquals(Optional.empty(), IdxReader.findLabels(images.toString(), conf));
    Path labels = tmp.resolve("t10k-labels.idx1-ubyte.gz");
    Files.write(labels, gzip(idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[] {3})));
    Optional<String> found = IdxReader.findLabels(images.toString(), conf);
    assertTrue(found.isPresent() && found.get().endsWith("t10k-labels.idx1-ubyte.gz"), "found " + found);
  }

  /**
   * The full sets that {@code data/fetch} brings read whole. Tagged {@code fetched-data}: not in the default test run
   * (a clean checkout has no full sets); {@code mvn -Pfetched-data test} runs it and fails if they are missing.
   */
  @org.junit.jupiter.api.Tag("fetched-data")
  @ParameterizedTest
  @ValueSource(strings = {"mnist", "fashion-mnist"})
  void fetchedDataSetsReadWhole(String name) {
    Path dir = Project.basedir().resolve("data").resolve(name);
    assertTrue(Files.isDirectory(dir), "no " + dir + ": run data/fetch " + name + " first");
    for (String part : List.of("train", "t10k")) {
      IdxImages images = IdxReader.readImages(dir.resolve(part + "-images-idx3-ubyte.gz").toString());
      int[] labels = IdxReader.readLabels(dir.resolve(part + "-labels-idx1-ubyte.gz").toString());
      int n = part.equals("train") ? 60000 : 10000;
      assertEquals(List.of(n, 28, 28), List.of(images.count(), images.height(), images.width()));
      assertEquals(n, labels.length);
      assertTrue(Arrays.stream(labels).allMatch(y -> y >= 0 && y <= 9), name + " " + part + " labels in 0..9");
      if (name.equals("mnist") && part.equals("train")) {
        IdxImages sample = IdxReader.readImages(IMAGES.toString());
        assertArrayEquals(sample.pixels(), Arrays.copyOf(images.pixels(), sample.pixels().length));
        assertArrayEquals(IdxReader.readLabels(LABELS.toString()), Arrays.copyOf(labels, 10000));
      }
    }
  }

  /** An IDX file: magic, dimensions, payload. */
  static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(payload);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  static byte[] gunzip(byte[] data) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }
}
