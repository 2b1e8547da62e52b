package io.sparkae.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun, Cortes and Burges, "The MNIST database of
 * handwritten digits"): big-endian 32-bit integers, then unsigned bytes.
 *
 * <pre>
 * images: magic 0x00000803 (2051) | count | rows | cols | count * rows * cols pixel bytes
 * labels: magic 0x00000801 (2049) | count | count label bytes
 * </pre>
 *
 * <p>Files may be raw or gzipped; gzip is recognised by its magic bytes {@code 1f 8b}, not by the name. Paths go
 * through Hadoop's {@link FileSystem}, so plain paths, {@code file:} and {@code hdfs://} URIs all work. The file is
 * read whole on the caller's JVM (the driver), which suits IDX data sets: MNIST's 60,000 digits are 47 MB.
 *
 * <p>Every error names the file and says what was expected and what was found; a missing or malformed file gives
 * an {@link IllegalArgumentException}, any other I/O failure an {@link UncheckedIOException}.
 */
public final class IdxReader {
  /** Magic number of an IDX file of unsigned-byte images (3 dimensions). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX file of unsigned-byte labels (1 dimension). */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int BUFFER = 1 << 16;

  private IdxReader() {}

  /** Reads an IDX images file with a default Hadoop configuration (local files unless it says otherwise). */
  public static IdxImages readImages(String path) {
    return readImages(path, new Configuration());
  }

  /** Reads an IDX images file, raw or gzipped, through the Hadoop file system that {@code conf} gives. */
  public static IdxImages readImages(String path, Configuration conf) {
    try (DataInputStream in = open(path, conf)) {
      int magic = header(in, path, 0);
      requireMagic(magic, IMAGES_MAGIC, path);
      int count = header(in, path, 4);
      int height = header(in, path, 8);
      int width = header(in, path, 12);
      long size = (long) count * height * width;
      String promise = count + " x " + height + " x " + width + " = " + size + " bytes of pixels";
      if (count < 0 || height < 0 || width < 0 || size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("IDX file " + path + " has an impossible header: " + promise
            + " (at most " + (Integer.MAX_VALUE - 16) + " fit in one array)");
      }
      byte[] pixels = new byte[(int) size];
      body(in, pixels, path, promise, 16);
      return new IdxImages(count, height, width, pixels);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads an IDX labels file with a default Hadoop configuration. Labels are unsigned bytes, 0..255. */
  public static int[] readLabels(String path) {
    return readLabels(path, new Configuration());
  }

  /** Reads an IDX labels file, raw or gzipped, through the Hadoop file system that {@code conf} gives. */
  public static int[] readLabels(String path, Configuration conf) {
    try (DataInputStream in = open(path, conf)) {
      requireMagic(header(in, path, 0), LABELS_MAGIC, path);
      int count = header(in, path, 4);
      if (count < 0) {
        throw new IllegalArgumentException("IDX file " + path + " has an impossible header: " + count + " labels");
      }
      byte[] raw = new byte[count];
      body(in, raw, path, count + " labels", 8);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Fails unless there are as many labels as images, naming both files and both counts. */
  public static void requireSameCount(String imagesPath, int images, String labelsPath, int labels) {
    if (images != labels) {
      throw new IllegalArgumentException("IDX labels do not match the images: " + imagesPath + " has " + images
          + " images but " + labelsPath + " has " + labels + " labels");
    }
  }

  /**
   * The labels file that sits next to an images file, if there is one: the name with {@code images} replaced by
   * {@code labels} and {@code idx3} by {@code idx1}, with or without {@code .gz}. So
   * {@code train-images-idx3-ubyte.gz} finds {@code train-labels-idx1-ubyte.gz} (or the raw
   * {@code train-labels-idx1-ubyte}), and {@code train-images.idx3-ubyte} finds {@code train-labels.idx1-ubyte}.
   */
  public static Optional<String> findLabels(String imagesPath, Configuration conf) {
    Path images = new Path(imagesPath);
    try {
      FileSystem fs = images.getFileSystem(conf);
      for (String name : labelNames(images.getName())) {
        Path candidate = new Path(images.getParent(), name);
        if (fs.isFile(candidate)) {
          return Optional.of(candidate.toString());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for the labels next to " + imagesPath + ": " + e.getMessage(), e);
    }
  }

  /** Candidate label file names for an images file name, most likely first; empty if the name has no "images". */
  static List<String> labelNames(String imagesName) {
    List<String> names = new ArrayList<>();
    if (!imagesName.contains("images")) {
      return names;
    }
    String base = imagesName.replace("images", "labels").replace("idx3", "idx1");
    names.add(base);
    names.add(base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base + ".gz");
    return names;
  }

  /** Opens the file, checking that it exists and is a file, and unwraps gzip when the first bytes say so. */
  private static DataInputStream open(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    FileStatus status;
    try {
      status = fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("cannot read IDX file " + path + ": no such file");
    }
    if (status.isDirectory()) {
      throw new IllegalArgumentException("cannot read IDX file " + path + ": it is a directory, expected a file");
    }
    InputStream raw = new BufferedInputStream(fs.open(p), BUFFER);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    if (!gzip) {
      return new DataInputStream(raw);
    }
    Counting counted = new Counting(new GZIPInputStream(raw, BUFFER));
    return new IdxStream(new BufferedInputStream(counted, BUFFER), counted);
  }

  /** Counts the bytes a gzip stream delivered, so that a stream cut short reports how much it held. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /** A gzipped IDX stream with the count of decompressed bytes it has delivered. */
  private static final class IdxStream extends DataInputStream {
    private final Counting counted;

    IdxStream(InputStream in, Counting counted) {
      super(in);
      this.counted = counted;
    }
  }

  /** One big-endian int of the header, at byte {@code offset}; a short file gets a message, not an EOF. */
  private static int header(DataInputStream in, String path, int offset) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException("IDX file " + path + " is truncated: it ends inside the header, before byte "
          + (offset + 4));
    }
  }

  private static void requireMagic(int found, int expected, String path) {
    if (found == expected) {
      return;
    }
    String kind = expected == IMAGES_MAGIC ? "images" : "labels";
    if (found == IMAGES_MAGIC || found == LABELS_MAGIC) {
      String other = found == IMAGES_MAGIC ? "images" : "labels";
      throw new IllegalArgumentException("IDX file " + path + " holds " + other + " (magic " + found
          + "), expected " + kind + " (magic " + expected + ")");
    }
    throw new IllegalArgumentException("IDX file " + path + " has a bad magic number: expected "
        + IMAGES_MAGIC + " (images) or " + LABELS_MAGIC + " (labels), found " + found
        + String.format(" (0x%08x)", found));
  }

  /** Fills {@code into} completely and checks that nothing follows, else says what the header promised. */
  private static void body(DataInputStream in, byte[] into, String path, String promise, int headerBytes)
      throws IOException {
    int n = 0;
    while (n < into.length) {
      int r;
      try {
        r = in.read(into, n, into.length - n);
      } catch (EOFException e) {
        r = -1; // a gzip stream cut short
      }
      if (r < 0) {
        // A gzip stream cut short throws inside a buffered read, dropping what that read had gathered: count the
        // bytes the decompressor delivered instead (all of them, less the header already read).
        long found = in instanceof IdxStream s ? s.counted.count - headerBytes : n;
        throw new IllegalArgumentException("IDX file " + path + " is truncated: header promises " + promise
            + ", found " + found);
      }
      n += r;
    }
    long extra = 0;
    byte[] rest = new byte[BUFFER];
    try {
      for (int r = in.read(rest); r >= 0; r = in.read(rest)) {
        extra += r;
      }
    } catch (EOFException e) {
      // a gzip stream cut short after the promised bytes: still more than promised is what matters
    }
    if (extra > 0) {
      throw new IllegalArgumentException("IDX file " + path + " is longer than its header says: header promises "
          + promise + ", found " + extra + " bytes more");
    }
  }
}
