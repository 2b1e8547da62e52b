package io.sparkae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary folders: the stale rule, what is removed and what never is, the write probe, --overwrite's guard. */
class OutputDirTest {
  private static final long HOUR = 3600_000L;

  /** The id of a process that has exited (ids are reused only after the kernel wraps around). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static String name(long pid, long start, String host) {
    return ".out.tmp-" + pid + "-" + start + "-0123abcd@" + host;
  }

  @Test
  void staleOnlyWhenTheOwnerIsGoneOrTheFolderIsADayOld() throws Exception {
    long now = System.currentTimeMillis();
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().orElseThrow().toEpochMilli();
    String host = OutputDir.host();
    // A temp name this JVM makes belongs to a live owner.
    String mine = OutputDir.tempName("out");
    assertTrue(OutputDir.TEMP_NAME.matcher(mine).matches(), mine);
    assertFalse(OutputDir.isStale(mine, now, now));
    assertFalse(OutputDir.isStale(name(self.pid(), start, host), now - 48 * HOUR, now), "live owner, however old");
    assertTrue(OutputDir.isStale(name(deadPid(), start, host), now, now), "owner gone");
    assertTrue(OutputDir.isStale(name(self.pid(), start - 3_600_000, host), now, now), "pid reused by another job");
    assertFalse(OutputDir.isStale(name(12345, start, "other-host.example"), now - 23 * HOUR, now));
    assertTrue(OutputDir.isStale(name(12345, start, "other-host.example"), now - 25 * HOUR, now));
    String legacy = ".out.tmp-0b6c6a4e-5f5e-4f53-9d0f-3c8e8e2f4a11";
    assertFalse(OutputDir.isStale(legacy, now - 23 * HOUR, now));
    assertTrue(OutputDir.isStale(legacy, now - 25 * HOUR, now));
    for (String other : List.of("out", ".out", ".out.tmp-", ".out.tmp-x", "out.tmp-1-2-0123abcd@" + host,
        ".checkpoint.bin.tmp", "_temporary")) {
      assertFalse(OutputDir.isStale(other, 0, now), other);
    }
  }

  @Test
  void removesStaleFoldersAndNothingElse(@TempDir Path dir) throws Exception {
    long start = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
    String dead = name(deadPid(), start, OutputDir.host());
    String live = OutputDir.tempName("other");
    String legacyOld = ".x.tmp-0b6c6a4e-5f5e-4f53-9d0f-3c8e8e2f4a11";
    for (String n : List.of(dead, live, legacyOld, "data", ".hidden")) {
      Files.createDirectories(dir.resolve(n).resolve("part"));
    }
    Files.setLastModifiedTime(dir.resolve(legacyOld), FileTime.fromMillis(System.currentTimeMillis() - 30 * HOUR));
    String deadFile = name(deadPid(), start, OutputDir.host()).replace(".out.", ".file.");
    Files.writeString(dir.resolve(deadFile), "a file, not a folder of ours");
    FileSystem fs = FileSystem.getLocal(new Configuration());
    List<String> removed = OutputDir.removeStaleTemporaries(fs,
        new org.apache.hadoop.fs.Path(dir.toUri()));
    assertEquals(List.of(dead, legacyOld).stream().sorted().toList(), removed.stream().sorted().toList());
    for (String n : List.of(live, "data", ".hidden", deadFile)) {
      assertTrue(Files.exists(dir.resolve(n)), n + " kept");
    }
  }

  @Test
  void probeFailsFastAndCreatedParentsAreRemovedOnFailure(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new OutputDir("/proc/sparkae-test/out", false, conf));
    assertTrue(e.getMessage().startsWith("cannot write the output /proc/sparkae-test/out: cannot create /proc/"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OutputDir.requireWritable("/proc/sparkae-test/ck", "--checkpoint-dir", conf));
    assertTrue(e.getMessage().startsWith("cannot write --checkpoint-dir /proc/sparkae-test/ck"), e.getMessage());
    // A job that fails removes the parents it created for its output, and only those.
    Files.createDirectories(dir.resolve("a"));
    try (OutputDir out = new OutputDir(dir.resolve("a/b/c/out").toString(), false, conf)) {
      assertTrue(Files.isDirectory(dir.resolve("a/b/c")));
      out.writeText("x.txt", "x");
    }
    assertFalse(Files.exists(dir.resolve("a/b")));
    assertTrue(Files.isDirectory(dir.resolve("a")));
  }

  @Test
  void overwriteRefusesToDeleteTheCurrentDirectoryOrWhatTheJobReads(@TempDir Path dir) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    String cwd = Path.of("").toAbsolutePath().toString();
    assertTrue(OutputDir.within(fs, cwd, fs.makeQualified(new org.apache.hadoop.fs.Path(cwd))));
    assertTrue(OutputDir.within(fs, cwd, fs.makeQualified(new org.apache.hadoop.fs.Path(cwd).getParent())));
    assertFalse(OutputDir.within(fs, cwd, fs.makeQualified(new org.apache.hadoop.fs.Path(cwd, "sub"))));
    // Through a symbolic link too.
    Files.createDirectories(dir.resolve("real/in"));
    Files.writeString(dir.resolve("real/in/x.csv"), "1\n");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    assertTrue(OutputDir.within(fs, dir.resolve("link/in/x.csv").toString(),
        fs.makeQualified(new org.apache.hadoop.fs.Path(dir.resolve("real").toString()))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OutputDir(
        dir.resolve("real").toString(), true, new Configuration(), java.util.Map.of("input",
            dir.resolve("link/in/x.csv").toString())));
    assertEquals("--overwrite would delete " + dir.resolve("real") + ", which holds the input "
        + dir.resolve("link/in/x.csv") + "; choose another --output", e.getMessage());
    assertTrue(Files.exists(dir.resolve("real/in/x.csv")));
  }
}
