package io.sparkae.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis of a chart: its range, whether it is logarithmic, where its ticks go and how their numbers read.
 *
 * <p>Linear ticks are multiples of a "nice" step (1, 2 or 5 times a power of ten, after Heckbert, "Nice numbers for
 * graph labels", Graphics Gems, 1990). Logarithmic ticks are powers of ten, or 1-2-5 multiples of them when fewer
 * than three powers of ten fall in the range. Numbers are plain decimals between 1e-3 and 1e5 and short scientific
 * ("2.5e6") outside.
 */
final class Axis {
  private static final int TARGET_TICKS = 6;

  final double min;
  final double max;
  final boolean log;
  /** Ticks only at whole numbers (component indices, rounds, counts). */
  final boolean integer;

  private Axis(double min, double max, boolean log, boolean integer) {
    this.min = min;
    this.max = max;
    this.log = log;
    this.integer = integer;
  }

  /** An axis exactly from {@code min} to {@code max}, which must be finite with min &lt; max. */
  static Axis exact(double min, double max, boolean integer) {
    return new Axis(min, max, false, integer);
  }

  /**
   * An axis covering data from {@code lo} to {@code hi} plus a margin of {@code pad} of the span on each side (in log
   * space for a log axis). A single value gets a range around it; no data at all (NaN bounds) gets 0..1, or 1..10.
   */
  static Axis covering(double lo, double hi, boolean log, boolean integer, double pad) {
    if (log) {
      if (!(lo > 0) || !Double.isFinite(hi)) {
        return new Axis(1, 10, true, integer);
      }
      double a = Math.log10(lo);
      double b = Math.log10(hi);
      if (b - a < 1e-9) {
        a -= 0.5;
        b += 0.5;
      }
      double m = (b - a) * pad;
      return new Axis(Math.pow(10, a - m), Math.pow(10, b + m), true, integer);
    }
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      return new Axis(0, 1, false, integer);
    }
    if (hi - lo <= 1e-12 * Math.max(1, Math.abs(lo))) {
      double half = lo == 0 ? 1 : Math.abs(lo) / 2;
      return new Axis(lo - half, hi + half, false, integer);
    }
    double m = (hi - lo) * pad;
    return new Axis(lo - m, hi + m, false, integer);
  }

  /** Position of {@code v} along the axis: 0 at min, 1 at max (outside for values outside the range). */
  double fraction(double v) {
    if (log) {
      return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    }
    return (v - min) / (max - min);
  }

  /** Whether {@code v} can be placed on this axis at all (finite, and positive on a log axis). */
  boolean plottable(double v) {
    return Double.isFinite(v) && (!log || v > 0);
  }

  /** Tick positions inside [min, max], increasing. */
  double[] ticks() {
    if (log) {
      double[] ticks = logTicks();
      if (ticks.length >= 2) {
        return ticks;
      }
    }
    return linearTicks(min, max);
  }

  private double[] linearTicks(double lo, double hi) {
    double step = step();
    List<Double> ticks = new ArrayList<>();
    long first = (long) Math.ceil(lo / step - 1e-9);
    long last = (long) Math.floor(hi / step + 1e-9);
    for (long k = first; k <= last; k++) {
      ticks.add(k * step);
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private double step() {
    double step = niceStep((max - min) / TARGET_TICKS);
    return integer ? Math.max(1, step) : step;
  }

  private double[] logTicks() {
    int a = (int) Math.ceil(Math.log10(min) - 1e-9);
    int b = (int) Math.floor(Math.log10(max) + 1e-9);
    List<Double> ticks = new ArrayList<>();
    if (b - a + 1 >= 3) {
      int every = Math.max(1, (int) Math.ceil((b - a + 1) / 8.0)); // at most about eight decades labelled
      for (int e = a; e <= b; e += every) {
        ticks.add(Math.pow(10, e));
      }
    } else {
      for (int e = a - 1; e <= b; e++) {
        for (int m : new int[] {1, 2, 5}) {
          double v = m * Math.pow(10, e);
          if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) {
            ticks.add(v);
          }
        }
      }
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The number printed at tick {@code v}. */
  String label(double v) {
    if (log && logTicks().length >= 2) {
      return format(v, v);
    }
    return format(v, step());
  }

  /** 1, 2 or 5 times a power of ten, the nearest such to {@code raw}. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nice * magnitude;
  }

  /** {@code v} with the decimals a tick step of {@code step} needs: (0.4, 0.2) -> "0.4", (3e-5, 1e-5) -> "3e-5". */
  static String format(double v, double step) {
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    double a = Math.abs(v);
    if (a == 0 || a < Math.abs(step) * 1e-6) {
      return "0";
    }
    if (a >= 1e5 || a < 1e-3) {
      return scientific(v, step);
    }
    int decimals = Math.min(6, Math.max(0, (int) -Math.floor(Math.log10(Math.abs(step)) + 1e-9)));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String scientific(double v, double step) {
    int e = (int) Math.floor(Math.log10(Math.abs(v)));
    int decimals = Math.min(3, Math.max(0, e - (int) Math.floor(Math.log10(Math.abs(step)) + 1e-9)));
    String mantissa = String.format(Locale.ROOT, "%." + decimals + "f", v / Math.pow(10, e));
    if (mantissa.startsWith("10") || mantissa.startsWith("-10")) { // rounding carried into the next power
      e++;
      mantissa = String.format(Locale.ROOT, "%." + decimals + "f", v / Math.pow(10, e));
    }
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return mantissa + "e" + e;
  }
}
