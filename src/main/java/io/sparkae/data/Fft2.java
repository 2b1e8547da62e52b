package io.sparkae.data;

/**
 * A small complex FFT in pure Java: iterative radix-2 (Cooley, Tukey 1965) on power-of-two lengths, and the 2-D
 * transform of a row-major {@code rows x cols} array as 1-D transforms of every row, then of every column.
 *
 * <p>Convention: forward {@code X[k] = sum_j x[j] exp(-2 pi i j k / n)}, inverse with {@code +i} and a factor
 * {@code 1 / n} (in 2-D, {@code 1 / (rows cols)}), so inverse(forward(x)) = x. The twiddle factors are computed
 * with {@link Math#cos} and {@link Math#sin} for each index (no recurrence), so the round-off stays near
 * {@code 1e-16 log2(n)} of the input's size.
 */
final class Fft2 {
  private Fft2() {}

  /** True if {@code n} is a power of two (1, 2, 4 ...). */
  static boolean isPowerOfTwo(int n) {
    return n > 0 && (n & (n - 1)) == 0;
  }

  /** The smallest power of two {@code >= n} (n >= 1, n <= 2^30). */
  static int nextPowerOfTwo(int n) {
    if (n < 1 || n > (1 << 30)) {
      throw new IllegalArgumentException("length must be in [1, 2^30], found " + n);
    }
    return isPowerOfTwo(n) ? n : Integer.highestOneBit(n) << 1;
  }

  /** The table {cos(2 pi k / n), sin(2 pi k / n)} for k < n / 2. */
  static double[][] twiddles(int n) {
    int half = Math.max(1, n / 2);
    double[] cos = new double[half];
    double[] sin = new double[half];
    for (int k = 0; k < half; k++) {
      double a = 2 * Math.PI * k / n;
      cos[k] = Math.cos(a);
      sin[k] = Math.sin(a);
    }
    return new double[][] {cos, sin};
  }

  /** In-place 1-D transform of {@code (re, im)} of power-of-two length; {@code inverse} includes the 1 / n. */
  static void fft(double[] re, double[] im, boolean inverse) {
    fft(re, im, inverse, twiddles(re.length));
  }

  /** As {@link #fft(double[], double[], boolean)}, with the table of {@link #twiddles} for this length. */
  static void fft(double[] re, double[] im, boolean inverse, double[][] tw) {
    int n = re.length;
    if (!isPowerOfTwo(n) || im.length != n) {
      throw new IllegalArgumentException("FFT length must be a power of two with re and im alike, found "
          + re.length + " and " + im.length);
    }
    // Bit-reversal permutation.
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    double[] cos = tw[0];
    double[] sin = tw[1];
    double sign = inverse ? 1 : -1;
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >> 1;
      int step = n / len;
      for (int start = 0; start < n; start += len) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * step];
          double wi = sign * sin[k * step];
          int a = start + k;
          int b = a + half;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
    if (inverse) {
      double s = 1.0 / n;
      for (int i = 0; i < n; i++) {
        re[i] *= s;
        im[i] *= s;
      }
    }
  }

  /**
   * In-place 2-D transform of the row-major {@code rows x cols} array {@code (re, im)} (element (r, c) at
   * {@code r * cols + c}; both lengths powers of two): every row, then every column.
   */
  static void fft2(double[] re, double[] im, int rows, int cols, boolean inverse) {
    if (re.length != rows * cols || im.length != rows * cols) {
      throw new IllegalArgumentException("2-D FFT of " + rows + " x " + cols + " needs arrays of " + rows * cols
          + ", found " + re.length + " and " + im.length);
    }
    double[][] twCols = twiddles(cols);
    double[] rr = new double[cols];
    double[] ri = new double[cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(re, r * cols, rr, 0, cols);
      System.arraycopy(im, r * cols, ri, 0, cols);
      fft(rr, ri, inverse, twCols);
      System.arraycopy(rr, 0, re, r * cols, cols);
      System.arraycopy(ri, 0, im, r * cols, cols);
    }
    double[][] twRows = rows == cols ? twCols : twiddles(rows);
    double[] cr = new double[rows];
    double[] ci = new double[rows];
    for (int c = 0; c < cols; c++) {
      for (int r = 0; r < rows; r++) {
        cr[r] = re[r * cols + c];
        ci[r] = im[r * cols + c];
      }
      fft(cr, ci, inverse, twRows);
      for (int r = 0; r < rows; r++) {
        re[r * cols + c] = cr[r];
        im[r * cols + c] = ci[r];
      }
    }
  }
}
