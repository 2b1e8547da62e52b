package io.sparkae.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output folder written atomically: everything goes into a hidden sibling folder, renamed onto the target by
 * {@link #commit()}; {@link #close()} without commit deletes it. A failed job therefore leaves no half-written
 * output. Works on any Hadoop file system (local, HDFS, object stores with atomic rename).
 */
final class OutputDir implements AutoCloseable {
  private final FileSystem fs;
  private final Path target;
  private final Path tmp;
  private boolean committed;

  /** Fails fast when the target exists and {@code overwrite} is false. */
  OutputDir(String path, boolean overwrite, Configuration conf) {
    try {
      target = new Path(path);
      fs = target.getFileSystem(conf);
      if (fs.exists(target) && !overwrite) {
        throw new IllegalArgumentException("output " + path + " already exists; pass --overwrite to replace it");
      }
      tmp = new Path(target.getParent() == null ? new Path(".") : target.getParent(),
          "." + target.getName() + ".tmp-" + UUID.randomUUID());
      fs.mkdirs(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare output " + path + ": " + e.getMessage(), e);
    }
  }

  /** A path inside the temporary folder. */
  String path(String name) {
    return new Path(tmp, name).toString();
  }

  void writeText(String name, String text) {
    try (OutputStream out = fs.create(new Path(tmp, name), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + name + ": " + e.getMessage(), e);
    }
  }

  /** Copies a local file (e.g. a PNG drawn on the driver) into the folder. */
  void copyFromLocal(java.nio.file.Path local, String name) {
    try {
      fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(tmp, name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + local + " to " + name + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the target by the finished folder. */
  void commit() {
    try {
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit output " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      try {
        fs.delete(tmp, true);
      } catch (IOException ignored) {
        // Best effort: the folder is hidden and named as temporary.
      }
    }
  }
}
