package io.sparkae.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How quiet the machine was during a benchmark, from /proc: the 1-minute load average before and after, and the
 * CPU time that processes other than this JVM used meanwhile (all CPUs' busy time from /proc/stat minus this
 * process's from /proc/self/stat), as a share of the machine ({@code elapsed x cores}). Above {@link #LIMIT} the
 * benchmark's ratios are marked "disturbed". Where /proc is missing (not Linux) nothing is measured.
 */
final class Disturbance {
  /** Share of the machine other processes may use before a run counts as disturbed. */
  static final double LIMIT = 0.10;
  /** Clock ticks per second of /proc/stat and /proc/self/stat (USER_HZ: 100 on every Linux platform). */
  private static final double HZ = 100;

  private final double loadBefore;
  private final long busyBefore;
  private final long ownBefore;
  private final long startNanos;
  private double loadAfter = Double.NaN;
  private double elapsed;
  private double othersCpuSeconds = Double.NaN;

  private Disturbance() {
    loadBefore = loadAverage();
    busyBefore = machineBusyTicks();
    ownBefore = ownTicks();
    startNanos = System.nanoTime();
  }

  /** Starts measuring now. */
  static Disturbance start() {
    return new Disturbance();
  }

  /** Stops measuring; may be called once. */
  Disturbance stop() {
    elapsed = (System.nanoTime() - startNanos) / 1e9;
    loadAfter = loadAverage();
    long busy = machineBusyTicks();
    long own = ownTicks();
    if (busy >= 0 && busyBefore >= 0 && own >= 0 && ownBefore >= 0) {
      othersCpuSeconds = Math.max(0, (busy - busyBefore) - (own - ownBefore)) / HZ;
    }
    return this;
  }

  /** Other processes' share of the machine during the run (NaN where it could not be measured). */
  double othersShare() {
    int cores = Runtime.getRuntime().availableProcessors();
    return elapsed > 0 ? othersCpuSeconds / (elapsed * cores) : Double.NaN;
  }

  boolean disturbed() {
    return othersShare() > LIMIT;
  }

  /** E.g. "load average 0.05 before, 1.93 after; other processes used 1.2% of 2 cores over 61 s: quiet". */
  String describe() {
    if (Double.isNaN(othersCpuSeconds)) {
      return "machine load not measured (no /proc)";
    }
    return String.format(Locale.ROOT, "load average %.2f before, %.2f after; other processes used %.1f%% of %d cores "
        + "over %.0f s (%.1f CPU-s): %s", loadBefore, loadAfter, 100 * othersShare(),
        Runtime.getRuntime().availableProcessors(), elapsed, othersCpuSeconds,
        disturbed() ? String.format(Locale.ROOT, "DISTURBED (more than %.0f%%), ratios not trustworthy", 100 * LIMIT)
            : "quiet");
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** user + nice + system + irq + softirq + steal of the "cpu" line of /proc/stat; -1 when unreadable. */
  private static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of this process (all its threads), from /proc/self/stat; -1 when unreadable. */
  private static long ownTicks() {
    try {
      String s = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // Fields after the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
