package io.sparkae.core;

import java.util.Locale;
import org.slf4j.Logger;

/**
 * One progress line per round: round, objective, elapsed time and an estimate of the time left, at INFO on the
 * first and last rounds and every {@code every} rounds, at DEBUG otherwise.
 */
public final class Progress {
  private final Logger log;
  private final String name;
  private final int maxRounds;
  private final int every;
  private final long start = System.nanoTime();

  public Progress(Logger log, String name, int maxRounds) {
    this.log = log;
    this.name = name;
    this.maxRounds = maxRounds;
    this.every = Math.max(1, maxRounds / 10);
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  public void round(int round, double objective, boolean last) {
    double elapsed = elapsedSeconds();
    double left = round > 0 ? elapsed / round * Math.max(0, maxRounds - round) : Double.NaN;
    String line = String.format(Locale.ROOT, "%s round %d/%d: objective %.6g, %.1f s elapsed, ~%.1f s left",
        name, round, maxRounds, objective, elapsed, last ? 0.0 : left);
    if (last || round == 1 || round % every == 0) {
      log.info(line);
    } else {
      log.debug(line);
    }
  }
}
