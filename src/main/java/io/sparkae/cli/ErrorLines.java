package io.sparkae.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;

/** One line per failure at the CLI: Spark's task-failure logging off unless --verbose, parameter errors reworded. */
final class ErrorLines {
  private ErrorLines() {}

  /**
   * Loggers that repeat a failed task's exception as WARN/ERROR stack traces before the driver sees it (the CLI
   * then prints the task's own message once).
   */
  static final List<String> TASK_FAILURE_LOGGERS = List.of(
      "org.apache.spark.scheduler.TaskSetManager",
      "org.apache.spark.scheduler.TaskSchedulerImpl",
      "org.apache.spark.executor.Executor",
      "org.apache.spark.storage.BlockManager",
      "org.apache.spark.sql.execution.datasources.FileFormatWriter",
      "org.apache.spark.internal.io.SparkHadoopWriter",
      "org.apache.spark.sql.execution.datasources.v2.DataSourceV2Strategy",
      "org.apache.spark.util.Utils");

  /** Turns those loggers off (or, when verbose, to WARN); returns what restores their levels. */
  static Runnable quietTaskFailures(boolean verbose) {
    Map<String, Level> before = new LinkedHashMap<>();
    try {
      for (String name : TASK_FAILURE_LOGGERS) {
        before.put(name, LogManager.getLogger(name).getLevel());
        Configurator.setLevel(name, verbose ? Level.WARN : Level.OFF);
      }
    } catch (RuntimeException | LinkageError e) {
      return () -> {}; // another logging backend: leave it as configured
    }
    return () -> before.forEach(Configurator::setLevel);
  }

  /** Spark ML's "UID parameter NAME given invalid value V." */
  private static final Pattern PARAM = Pattern.compile("^(\\S+) parameter (\\w+) given invalid value (.*?)\\.?$");

  /** CLI options whose names are not the kebab-case of the parameter (a fit's own options: their family's). */
  private static final Map<String, String> ALIASES = Map.of("numPartitions", "partitions");

  /** The message to print for {@code t}: parameter errors name the option and the allowed values. */
  static String message(Throwable t, CommandLine cmd) {
    String msg = oneLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    Matcher m = PARAM.matcher(msg);
    if (!m.matches()) {
      return msg;
    }
    String uid = m.group(1);
    String param = m.group(2);
    String value = m.group(3);
    String option = ALIASES.getOrDefault(param, param.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
        .toLowerCase(Locale.ROOT));
    String own = cmd != null ? FamilyCommand.optionFor(cmd.getCommandSpec(), param) : null;
    String shown = own != null ? own : cmd != null && cmd.getCommandSpec().findOption("--" + option) != null
        ? "--" + option : "parameter " + param;
    String doc = FamilyCommand.paramDoc(uid, param);
    return shown + " " + value + " is invalid" + (doc != null ? ": " + doc : "");
  }

  /**
   * A message on one line: Spark's multi-line messages (an error class's advice, the "== DataFrame ==" call site
   * of a SQL error) cut to their first paragraph, line breaks joined, the SQLSTATE dropped.
   */
  static String oneLine(String msg) {
    String s = msg;
    int site = s.indexOf("\n== ");
    if (site >= 0) {
      s = s.substring(0, site);
    }
    s = s.replaceAll("\\s*SQLSTATE: \\w+\\.?", "").replaceAll("\\s*\\n\\s*", " ").strip();
    return s.isEmpty() ? msg.strip() : s;
  }
}
