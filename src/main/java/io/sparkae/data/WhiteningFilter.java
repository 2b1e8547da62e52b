package io.sparkae.data;

/**
 * The whitening / low-pass filter of Olshausen and Field (1996, 1997) applied to a whole grey image in the frequency
 * domain: {@code R(f) = f exp(-(f / f0)^4)}, f the radial spatial frequency {@code sqrt(fx^2 + fy^2)} in cycles
 * per pixel ({@code fx, fy} in [-0.5, 0.5)), f0 = {@value #DEFAULT_F0} cycles per pixel by default. The factor
 * {@code f} flattens the roughly {@code 1/f} amplitude spectrum of natural images (whitening); the
 * {@code exp(-(f/f0)^4)} factor rolls off the highest frequencies, where sampling (aliasing, the rectangular
 * grid's corners beyond 0.5) and noise dominate. {@code R(0) = 0}: the filtered image has mean 0.
 *
 * <p>Steps: the image mean is removed; the image is padded to the next power of two in each dimension (a
 * dimension that is a power of two already is not padded), transformed by {@link Fft2}, multiplied by R, transformed
 * back, and cropped to its own size. The result is not rescaled (callers scale it; {@link ImagePatches} scales
 * patches to unit mean variance).
 *
 * <p>Padding is by mirroring, not by zeros (the mean, after its removal): the FFT treats the padded image as
 * periodic, and a zero pad puts a step at each image edge that the high-pass R turns into a bright and dark frame
 * of ringing along the border, which every patch cut near the border would inherit. Mirroring continues the image
 * across its edges without a jump (pixel {@code n + k} is pixel {@code n - 1 - k} for the first half of the pad and,
 * across the periodic wrap, pixel {@code -1 - k'} mirrors pixel {@code k'} for the second half), so border pixels
 * are filtered nearly as interior ones. The one remaining jump is in the middle of the pad, away from the image
 * and cropped off; because R is a cusp ({@code |f|}) at 0 its kernel has long, smooth tails, so that jump still
 * leaves a slowly varying offset near the border (on a 40 x 60 ramp over [-0.5, 0.5], with pads of 24 and 4
 * pixels: at most 0.014 on the border against 0.055 with zero padding, WhiteningFilterTest), most of which each
 * patch's own mean removal takes away. When a dimension is already a power of two there is no pad and the transform is periodic
 * across opposite edges, as in Olshausen and Field's own code (512 x 512 images, plain {@code fft2}).
 */
final class WhiteningFilter {
  /** The default roll-off f0, cycles per pixel (Olshausen's sparsenet code: {@code f_0 = 0.4 N} for N x N images). */
  static final double DEFAULT_F0 = 0.4;

  private WhiteningFilter() {}

  /** The filter's response {@code R(f) = f exp(-(f/f0)^4)} at radial frequency f (cycles per pixel). */
  static double response(double f, double f0) {
    double q = f / f0;
    return f * Math.exp(-(q * q) * (q * q));
  }

  /** The radial frequency of FFT bin {@code k} of {@code n} in one dimension: k / n, or (k - n) / n past n / 2. */
  static double frequency(int k, int n) {
    return (k < n / 2 ? k : k - n) / (double) n;
  }

  /**
   * The image {@code grey[row][column]} filtered by R (mean removed first, mirror-padded to powers of two, cropped
   * back): a new array of the same shape.
   */
  static double[][] apply(double[][] grey, double f0) {
    if (!(f0 > 0) || Double.isInfinite(f0)) {
      throw new IllegalArgumentException("f0 must be a positive number of cycles per pixel, found " + f0);
    }
    int h = grey.length;
    int w = grey[0].length;
    double mean = 0;
    for (double[] row : grey) {
      if (row.length != w) {
        throw new IllegalArgumentException("image rows differ in length: " + row.length + " and " + w);
      }
      for (double v : row) {
        mean += v;
      }
    }
    mean /= (double) h * w;
    int ph = Fft2.nextPowerOfTwo(h);
    int pw = Fft2.nextPowerOfTwo(w);
    int[] rowOf = mirror(h, ph);
    int[] colOf = mirror(w, pw);
    double[] re = new double[ph * pw];
    double[] im = new double[ph * pw];
    for (int r = 0; r < ph; r++) {
      double[] src = grey[rowOf[r]];
      for (int c = 0; c < pw; c++) {
        re[r * pw + c] = src[colOf[c]] - mean;
      }
    }
    Fft2.fft2(re, im, ph, pw, false);
    double[] fx = new double[pw];
    for (int c = 0; c < pw; c++) {
      fx[c] = frequency(c, pw);
    }
    for (int r = 0; r < ph; r++) {
      double fy = frequency(r, ph);
      for (int c = 0; c < pw; c++) {
        double g = response(Math.sqrt(fx[c] * fx[c] + fy * fy), f0);
        re[r * pw + c] *= g;
        im[r * pw + c] *= g;
      }
    }
    Fft2.fft2(re, im, ph, pw, true);
    double[][] out = new double[h][w];
    for (int r = 0; r < h; r++) {
      System.arraycopy(re, r * pw, out[r], 0, w);
    }
    return out;
  }

  /**
   * Which source index each of the {@code padded} positions takes: itself below n; then the first half of the pad
   * mirrors the end ({@code n - 1 - k}) and the second half mirrors the start across the periodic wrap.
   */
  static int[] mirror(int n, int padded) {
    int[] of = new int[padded];
    int pad = padded - n;
    int firstHalf = (pad + 1) / 2;
    for (int i = 0; i < padded; i++) {
      int k = i - n;
      of[i] = k < 0 ? i : k < firstHalf ? n - 1 - k : padded - i - 1;
    }
    return of;
  }
}
