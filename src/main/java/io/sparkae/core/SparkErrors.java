package io.sparkae.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed Spark job back into the error its task raised. A bad row (NaN, wrong size) is detected inside a
 * task, and Spark wraps the task's IllegalArgumentException in a SparkException whose message starts with
 * "Job aborted due to stage failure"; users should see the original message.
 */
public final class SparkErrors {
  private SparkErrors() {}

  private static final Pattern IAE = Pattern.compile("java\\.lang\\.IllegalArgumentException: ([^\\n]*)");

  /** The IllegalArgumentException at the root of {@code t}, or null when there is none. */
  public static IllegalArgumentException inputError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IllegalArgumentException && !(c.getCause() instanceof IllegalArgumentException)) {
        return (IllegalArgumentException) c;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    String msg = t.getMessage();
    if (msg != null) {
      Matcher m = IAE.matcher(msg);
      if (m.find()) {
        return new IllegalArgumentException(m.group(1), t);
      }
    }
    return null;
  }

  /** Rethrows the task's input error if there is one, else {@code t} itself (wrapped if checked). */
  public static RuntimeException rethrow(Throwable t) {
    IllegalArgumentException iae = inputError(t);
    if (iae != null) {
      return iae.getCause() == t ? iae : new IllegalArgumentException(iae.getMessage(), t);
    }
    return t instanceof RuntimeException ? (RuntimeException) t : new RuntimeException(t);
  }
}
