package io.sparkae.cli;

import io.sparkae.core.TempFolders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output folder written atomically: everything goes into a hidden sibling folder, renamed onto the target by
 * {@link #commit()}; {@link #close()} without commit deletes it. A failed job therefore leaves no half-written
 * output. Works on any Hadoop file system (local, HDFS, object stores with atomic rename).
 *
 * <p>The constructor fails fast, before any data is read: when the target exists without {@code overwrite}, when
 * {@code overwrite} would delete something the job still needs (its input, its model, a checkpoint, the current
 * directory), and when the parent is not writable (the temporary folder is created and a probe file written and
 * removed in it).
 *
 * <p>The temporary folder is named by {@link TempFolders}: {@code .NAME.tmp-PID-START-RAND@HOST}, the owning JVM's
 * process id and start time and the host. A job killed with {@code kill -9} cannot remove it; the next job writing
 * into the same parent removes such leftovers that are stale ({@link TempFolders#isStale}) and logs one line.
 */
final class OutputDir implements AutoCloseable {

  /** See {@link TempFolders}. */
  static final long STALE_AGE_MS = TempFolders.STALE_AGE_MS;
  static final Pattern TEMP_NAME = TempFolders.TEMP_NAME;
  static final Pattern LEGACY_TEMP_NAME = TempFolders.LEGACY_TEMP_NAME;

  private final FileSystem fs;
  private final Path target;
  private final Path tmp;
  /** The highest ancestor of tmp this job created (removed again on failure if empty), or null. */
  private final Path createdAncestor;
  private boolean committed;

  /** Fails fast when the target exists and {@code overwrite} is false. */
  OutputDir(String path, boolean overwrite, Configuration conf) {
    this(path, overwrite, conf, Map.of());
  }

  /**
   * @param keep what the job reads or keeps, by what to call it in a message ("input", "model", "checkpoint"):
   *     {@code overwrite} refuses to replace a target that holds one of them
   */
  OutputDir(String path, boolean overwrite, Configuration conf, Map<String, String> keep) {
    this(path, overwrite, conf, keep, "--overwrite would delete");
  }

  /** As above; {@code replacing} starts the refusal, for commands that replace their output without asking. */
  OutputDir(String path, boolean overwrite, Configuration conf, Map<String, String> keep, String replacing) {
    try {
      target = new Path(path);
      fs = target.getFileSystem(conf);
      Path qualified = fs.makeQualified(target);
      boolean exists = fs.exists(target);
      if (exists && !overwrite) {
        throw new IllegalArgumentException("output " + path + " already exists; pass --overwrite to replace it");
      }
      if (exists) {
        refuseToDeleteWhatIsNeeded(path, qualified, keep, replacing);
      }
      Path parent = qualified.getParent() == null ? qualified : qualified.getParent();
      removeStaleTemporaries(fs, parent);
      tmp = new Path(parent, tempName(target.getName()));
      createdAncestor = firstMissing(fs, parent);
      probe(path, parent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare output " + path + ": " + e.getMessage(), e);
    }
  }

  static String tempName(String name) {
    return TempFolders.tempName(name);
  }

  static String host() {
    return TempFolders.host();
  }

  static boolean isStale(String name, long modifiedMs, long nowMs) {
    return TempFolders.isStale(name, modifiedMs, nowMs);
  }

  static List<String> removeStaleTemporaries(FileSystem fs, Path parent) throws IOException {
    return TempFolders.removeStale(fs, parent);
  }

  /** {@code overwrite} replaces the target at commit: refuse now if that would delete what the job needs. */
  private void refuseToDeleteWhatIsNeeded(String path, Path qualifiedTarget, Map<String, String> keep,
      String replacing) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(keep);
    if ("file".equals(qualifiedTarget.toUri().getScheme())) {
      all.put("current directory", Paths.get("").toAbsolutePath().toString());
    }
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      if (within(fs, e.getValue(), qualifiedTarget)) {
        throw new IllegalArgumentException(replacing + " " + path + ", which holds the "
            + e.getKey() + " " + e.getValue() + "; choose another --output");
      }
    }
  }

  /** True if {@code path} is {@code folder} or inside it (symbolic links resolved on the local file system). */
  static boolean within(FileSystem fs, String path, Path folder) throws IOException {
    Path p = fs.makeQualified(new Path(path));
    if ("file".equals(p.toUri().getScheme()) && "file".equals(folder.toUri().getScheme())) {
      java.nio.file.Path a = real(Paths.get(p.toUri()));
      java.nio.file.Path b = real(Paths.get(folder.toUri()));
      return a.startsWith(b);
    }
    String a = p.toString();
    String b = folder.toString();
    return a.equals(b) || a.startsWith(b.endsWith("/") ? b : b + "/");
  }

  private static java.nio.file.Path real(java.nio.file.Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  private static Path firstMissing(FileSystem fs, Path dir) throws IOException {
    Path missing = null;
    for (Path p = dir; p != null && !fs.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /** Creates the temporary folder and a probe file in it, or fails naming the output and why. */
  private void probe(String path, Path parent) {
    String why = null;
    try {
      if ("file".equals(tmp.toUri().getScheme())) {
        // java.nio says why (read-only file system, permission denied); Hadoop's mkdirs only returns false.
        java.nio.file.Path local = Paths.get(tmp.toUri());
        Files.createDirectories(local.getParent());
        Files.createDirectory(local);
        java.nio.file.Path probe = local.resolve(".sparkae-probe");
        Files.write(probe, new byte[] {1});
        Files.delete(probe);
      } else {
        if (!fs.mkdirs(tmp)) {
          why = "mkdirs returned false";
        } else {
          Path probe = new Path(tmp, ".sparkae-probe");
          try (OutputStream out = fs.create(probe, true)) {
            out.write(1);
          }
          fs.delete(probe, false);
        }
      }
    } catch (AccessDeniedException e) {
      why = "permission denied on " + own(e.getFile(), parent);
    } catch (FileSystemException e) {
      why = reason(e).replace(String.valueOf(e.getFile()), own(e.getFile(), parent));
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e.getMessage());
    }
    if (why != null) {
      why = why.replace(tmp.toString(), "a folder in " + parent).replace(tmp.toUri().getPath(), "a folder in "
          + parent.toUri().getPath());
      close();
      throw new IllegalArgumentException("cannot write the output " + path + ": " + why);
    }
  }

  /**
   * Fails fast, before any data is read, if {@code dir} (a folder a job keeps, e.g. its checkpoints) cannot be
   * created or written: creates it and writes and removes a probe file in it.
   */
  /** A file named in an error: the temporary folder (an internal name) as "a folder in PARENT". */
  private String own(String file, Path parent) {
    return file != null && file.startsWith(tmp.toUri().getPath()) ? "a folder in " + parent.toUri().getPath()
        : String.valueOf(file);
  }

  static void requireWritable(String dir, String option, Configuration conf) {
    String why = null;
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(conf);
      Path q = fs.makeQualified(p);
      if ("file".equals(q.toUri().getScheme())) {
        java.nio.file.Path local = Paths.get(q.toUri());
        Files.createDirectories(local);
        java.nio.file.Path probe = local.resolve(".sparkae-probe-" + ProcessHandle.current().pid());
        Files.write(probe, new byte[] {1});
        Files.delete(probe);
      } else if (!fs.mkdirs(q)) {
        why = "mkdirs returned false";
      } else {
        Path probe = new Path(q, ".sparkae-probe-" + ProcessHandle.current().pid());
        try (OutputStream out = fs.create(probe, true)) {
          out.write(1);
        }
        fs.delete(probe, false);
      }
    } catch (AccessDeniedException e) {
      why = "permission denied on " + e.getFile();
    } catch (FileSystemException e) {
      why = reason(e);
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e.getMessage());
    }
    if (why != null) {
      throw new IllegalArgumentException("cannot write " + option + " " + dir + ": " + why);
    }
  }

  /** Why java.nio could not create or write a file, in words. */
  static String reason(FileSystemException e) {
    String r = e.getReason() != null ? e.getReason().toLowerCase(Locale.ROOT)
        : e instanceof NoSuchFileException ? "the file system refuses it"
        : e instanceof FileAlreadyExistsException ? "a file of that name is in the way"
        : e.getClass().getSimpleName();
    return "cannot create " + e.getFile() + " (" + r + ")";
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
    pauseForTests();
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

  /** {@code -Dsparkae.test.pauseBeforeCommit=MS}: lets the kill -9 tests kill a job whose output is written. */
  private static void pauseForTests() {
    long ms = Long.getLong("sparkae.test.pauseBeforeCommit", 0L);
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    if (!committed) {
      try {
        fs.delete(tmp, true);
        // Remove the parent folders this job created, when nothing else went into them.
        if (createdAncestor != null) {
          for (Path p = tmp.getParent(); p != null; p = p.getParent()) {
            FileStatus[] left = fs.exists(p) ? fs.listStatus(p) : null;
            if (left != null && left.length > 0) {
              break;
            }
            if (left != null) {
              fs.delete(p, false);
            }
            if (p.equals(createdAncestor)) {
              break;
            }
          }
        }
      } catch (IOException ignored) {
        // Best effort: the folder is hidden and named as temporary.
      }
    }
  }
}
