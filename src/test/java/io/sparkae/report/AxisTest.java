package io.sparkae.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AxisTest {
  @Test
  void linearTicksAreNiceMultiplesInsideTheRange() {
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1}, Axis.exact(0, 1, false).ticks(), 1e-12);
    double[] ticks = Axis.exact(0.13, 9.7, false).ticks();
    assertEquals(2, ticks[1] - ticks[0], 1e-12);
    assertEquals(2, ticks[0], 1e-12);
    assertArrayEquals(new double[] {1, 2, 3}, Axis.exact(0.5, 3.5, true).ticks(), 0);
  }

  @Test
  void logTicksArePowersOfTenOrOneTwoFive() {
    assertArrayEquals(new double[] {1e-3, 1e-2, 1e-1, 1}, Axis.covering(1e-3, 1, true, false, 0).ticks(), 1e-15);
    assertArrayEquals(new double[] {2, 5}, Axis.covering(1.5, 6, true, false, 0).ticks(), 1e-12);
    Axis log = Axis.covering(1e-4, 100, true, false, 0.05);
    assertEquals("1e-4", log.label(1e-4));
    assertEquals("0.01", log.label(0.01));
    assertEquals("100", log.label(100));
  }

  @Test
  void logAxisPlacesDecadesEvenly() {
    Axis log = Axis.covering(1, 1000, true, false, 0);
    assertEquals(0, log.fraction(1), 1e-12);
    assertEquals(1.0 / 3, log.fraction(10), 1e-12);
    assertEquals(1, log.fraction(1000), 1e-12);
    assertTrue(!log.plottable(0) && !log.plottable(-1) && log.plottable(1e-300));
  }

  @Test
  void numbersHaveTheDecimalsTheStepNeeds() {
    assertEquals("0", Axis.format(0, 0.2));
    assertEquals("0", Axis.format(1e-17, 0.2));
    assertEquals("0.4", Axis.format(0.4, 0.2));
    assertEquals("-1.5", Axis.format(-1.5, 0.5));
    assertEquals("250", Axis.format(250, 50));
    assertEquals("3e-5", Axis.format(3e-5, 1e-5));
    assertEquals("2.5e6", Axis.format(2.5e6, 5e5));
    assertEquals("1e6", Axis.format(1e6, 5e5));
    assertEquals("1e6", Axis.format(999999.9, 1));
  }

  @Test
  void degenerateRangesStillMakeAnAxis() {
    Axis one = Axis.covering(3, 3, false, false, 0.05);
    assertTrue(one.min < 3 && one.max > 3);
    Axis zero = Axis.covering(0, 0, false, false, 0.05);
    assertEquals(-1, zero.min, 0);
    assertEquals(1, zero.max, 0);
    Axis none = Axis.covering(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, false, false, 0.05);
    assertEquals(0, none.min, 0);
    assertEquals(1, none.max, 0);
    Axis noneLog = Axis.covering(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, true, false, 0.05);
    assertEquals(1, noneLog.min, 0);
    assertEquals(10, noneLog.max, 0);
  }
}
