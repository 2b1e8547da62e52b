package io.sparkae.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Seeds and recorded statistics of the tests whose outcome depends on training, sampling or floating-point
 * summation order (tag {@code stochastic}). Their thresholds come from a measured spread: {@code jobs/test-spread}
 * runs these tests for several seed offsets ({@code -Dsparkae.test.seedOffset=K} shifts every seed the test
 * draws through {@link #seed}) under the Java BLAS and native OpenBLAS kernels, and prints min, median and max of
 * each statistic passed to {@link #record}. The default run (offset 0) is what CI checks; the comment beside each
 * threshold quotes the spread it was set from.
 */
public final class Spread {
  /** The offset added to every seed drawn through {@link #seed} (0 unless {@code sparkae.test.seedOffset} is set). */
  public static final long OFFSET = Long.getLong("sparkae.test.seedOffset", 0L);

  private Spread() {}

  /** {@code base} shifted by the run's seed offset. */
  public static long seed(long base) {
    return base + OFFSET;
  }

  /** {@code base} shifted by the run's seed offset, as an int seed. */
  public static int seed(int base) {
    return (int) (base + OFFSET);
  }

  /**
   * Returns {@code value}; when {@code sparkae.test.statistics} names a file, also appends a line
   * {@code name<TAB>offset<TAB>blas<TAB>value} to it, for jobs/test-spread.
   */
  public static double record(String name, double value) {
    String file = System.getProperty("sparkae.test.statistics", "");
    if (!file.isEmpty()) {
      String core = System.getenv("OPENBLAS_CORETYPE");
      String blas = io.sparkae.linalg.Blas.implementation() + (core == null || core.isEmpty() ? "" : "/" + core);
      String line = String.format(Locale.ROOT, "%s\t%d\t%s\t%.17g%n", name, OFFSET, blas, value);
      try {
        Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return value;
  }
}
