package io.sparkae.linear.kmeans;

/**
 * Double-double accumulation (Dekker 1971; Knuth's TwoSum): a sum kept as an unevaluated pair hi + lo carries about
 * 106 bits, so adding partition results in any order rounds to the same double. The round loop merges in partition
 * order anyway; with this, the same seed also gives the same centers bit for bit whatever the grouping of the
 * merge (barring a sum within 2^-100 of a rounding boundary).
 */
final class DoubleDouble {
  private DoubleDouble() {}

  /** {@code (hi, lo) := (hi, lo) + (bHi, bLo)} entry-wise; a null {@code bLo} counts as zeros. */
  static void add(double[] hi, double[] lo, double[] bHi, double[] bLo) {
    for (int i = 0; i < hi.length; i++) {
      double a = hi[i];
      double b = bHi[i];
      double s = a + b;
      double bb = s - a;
      double err = (a - (s - bb)) + (b - bb);
      double l = lo[i] + (bLo == null ? 0.0 : bLo[i]) + err;
      double h = s + l;
      lo[i] = l - (h - s);
      hi[i] = h;
    }
  }

  /** The scalar form: returns {hi, lo} of {@code (aHi, aLo) + (bHi, bLo)}. */
  static double[] add(double aHi, double aLo, double bHi, double bLo) {
    double[] hi = {aHi};
    double[] lo = {aLo};
    add(hi, lo, new double[] {bHi}, new double[] {bLo});
    return new double[] {hi[0], lo[0]};
  }
}
