package io.sparkae.neural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The averaging trainer's epoch: one pass over the rows, the last round of each epoch cut short. */
class ScheduleTest {
  @Test
  void anEpochIsTheFewestStepsThatCoverTheRows() {
    for (long rows : new long[] {1, 15, 16, 17, 300, 1200, 4099, 60000}) {
      for (int busy : new int[] {1, 2, 3, 7}) {
        for (int batch : new int[] {16, 128}) {
          for (int h : new int[] {1, 3, 25}) {
            AveragingTrainer.Schedule s = AveragingTrainer.Schedule.of(rows, busy, batch, h);
            String what = rows + " rows, W " + busy + ", B " + batch + ", H " + h + ": " + s;
            long perStep = (long) busy * batch;
            assertEquals((rows + perStep * h - 1) / (perStep * h), s.roundsPerEpoch(), what);
            assertTrue(s.lastSteps() >= 1 && s.lastSteps() <= h, what);
            // The W partitions see at least n rows per epoch, and one step fewer would not cover them.
            assertTrue(s.stepsPerEpoch() * perStep >= rows, what);
            assertTrue((s.stepsPerEpoch() - 1) * perStep < rows, what);
            if (busy == 1) {
              assertEquals((rows + batch - 1) / batch, s.stepsPerEpoch(), what + ": one partition, one pass");
            }
            // Steps are numbered without gaps or overlaps across rounds and epochs.
            long next = 0;
            for (int round = 1; round <= 3 * s.roundsPerEpoch(); round++) {
              assertEquals(next, s.firstStep(round), what + ", round " + round);
              next += s.steps(round);
            }
            assertEquals(3 * s.stepsPerEpoch(), next, what);
          }
        }
      }
    }
  }

  @Test
  void mnistOnTwoPartitionsSeesOnePassPerEpoch() {
    // 60,000 rows, W 2, B 128, H 25: 10 rounds, 9 of 25 steps and one of 10, 60,160 rows (64,000 before the cut).
    AveragingTrainer.Schedule s = AveragingTrainer.Schedule.of(60000, 2, 128, 25);
    assertEquals(10, s.roundsPerEpoch());
    assertEquals(10, s.lastSteps());
    assertEquals(60160, s.stepsPerEpoch() * 2 * 128);
    assertEquals(25, s.steps(9));
    assertEquals(10, s.steps(10));
    assertEquals(235, s.firstStep(11));
  }
}
