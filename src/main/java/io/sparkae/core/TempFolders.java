package io.sparkae.core;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hidden temporary folders that a write renames onto its target when complete, named
 * {@code .NAME.tmp-PID-START-RAND@HOST}: the owning JVM's process id and start time (epoch milliseconds) and the
 * host. A job killed with {@code kill -9} cannot remove its folder; the next write into the same parent removes the
 * leftovers that are stale ({@link #isStale}) and logs one line saying so. Nothing else is ever removed.
 */
public final class TempFolders {
  private static final Logger LOG = LoggerFactory.getLogger(TempFolders.class);

  private TempFolders() {}

  /** Leftovers older than this are stale whoever wrote them (other hosts, names of older sparkae versions). */
  public static final long STALE_AGE_MS = 24L * 3600 * 1000;

  /** {@code .NAME.tmp-PID-START-RAND@HOST}. */
  public static final Pattern TEMP_NAME = Pattern.compile("^\\..+\\.tmp-(\\d+)-(\\d+)-[0-9a-f]{8}@([A-Za-z0-9._-]+)$");
  /** {@code .NAME.tmp-UUID}, as sparkae 0.x named its temporary folders (no owner recorded). */
  public static final Pattern LEGACY_TEMP_NAME =
      Pattern.compile("^\\..+\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  /** The name of a temporary folder for {@code name} owned by this JVM. */
  public static String tempName(String name) {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return "." + name + ".tmp-" + self.pid() + "-" + start + "-"
        + String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt()) + "@" + host();
  }

  private static String hostName;

  /** This machine's name as temporary folders record it. */
  public static synchronized String host() {
    if (hostName == null) {
      String h = null;
      try {
        h = Files.readString(Paths.get("/proc/sys/kernel/hostname")).trim();
      } catch (IOException | RuntimeException e) {
        // not Linux
      }
      if (h == null || h.isEmpty()) {
        try {
          h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
          h = "localhost";
        }
      }
      hostName = h.replaceAll("[^A-Za-z0-9._-]", "_");
    }
    return hostName;
  }

  /**
   * True if {@code name} is a sparkae temporary folder whose owner is gone: on this host, when no process has the
   * recorded id or the process that has it started at another time (the id was reused); on another host (whose
   * processes cannot be seen), or for the owner-less names of older versions, when it was last modified more than
   * {@link #STALE_AGE_MS} ago. Any other name is never stale.
   */
  public static boolean isStale(String name, long modifiedMs, long nowMs) {
    Matcher m = TEMP_NAME.matcher(name);
    if (m.matches()) {
      if (!m.group(3).equals(host())) {
        return nowMs - modifiedMs > STALE_AGE_MS;
      }
      long pid = Long.parseLong(m.group(1));
      long start = Long.parseLong(m.group(2));
      var handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return true;
      }
      var started = handle.get().info().startInstant();
      // Start times are derived from clock ticks since boot: allow a second of rounding between JVMs.
      return started.isPresent() && start != 0 && Math.abs(started.get().toEpochMilli() - start) > 1000;
    }
    return LEGACY_TEMP_NAME.matcher(name).matches() && nowMs - modifiedMs > STALE_AGE_MS;
  }

  /** Removes the stale temporary folders in {@code parent}; logs one line when there were any. */
  public static List<String> removeStale(FileSystem fs, Path parent) throws IOException {
    List<String> removed = new ArrayList<>();
    if (!fs.exists(parent) || !fs.getFileStatus(parent).isDirectory()) {
      return removed;
    }
    long now = System.currentTimeMillis();
    FileStatus[] entries;
    try {
      entries = fs.listStatus(parent);
    } catch (IOException e) {
      return removed; // unreadable parent: the probe below names the problem
    }
    for (FileStatus f : entries) {
      String name = f.getPath().getName();
      if (f.isDirectory() && isStale(name, f.getModificationTime(), now)) {
        try {
          if (fs.delete(f.getPath(), true)) {
            removed.add(name);
          }
        } catch (IOException e) {
          LOG.warn("cannot remove the stale temporary folder {}: {}", f.getPath(), e.getMessage());
        }
      }
    }
    if (!removed.isEmpty()) {
      LOG.warn("removed {} stale temporary folder{} of killed sparkae jobs in {}: {}", removed.size(),
          removed.size() == 1 ? "" : "s", "file".equals(parent.toUri().getScheme()) ? parent.toUri().getPath()
              : parent, String.join(", ", removed));
    }
    return removed;
  }

}
