package io.sparkae.cli;

import io.sparkae.core.SparkDefaults;
import io.sparkae.linalg.Blas;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Options every command shares: the Spark master and extra Spark settings. Under spark-submit the master comes
 * from spark-submit and {@code --master} is ignored; run directly (jobs/sparkae), the default is local[*].
 */
public final class SparkOptions {
  @Option(names = "--master", description = "Spark master when not run by spark-submit (default: local[*])")
  String master;

  @Option(names = "--spark-conf", description = "extra Spark setting KEY=VALUE (repeatable)")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--verbose", arity = "0..1", fallbackValue = "true",
      description = "show Spark's task-failure warnings and the stack trace of an error")
  boolean verbose;

  @Option(names = "--config", description = "job configuration file (properties: long option names as keys)")
  String config;

  SparkSession session(String appName) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster(master != null ? master : "local[*]");
    } else if (master != null && !master.equals(conf.get("spark.master"))) {
      LoggerFactory.getLogger(SparkOptions.class).warn(
          "--master {} ignored: spark-submit set the master to {}", master, conf.get("spark.master"));
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    SparkDefaults.apply(conf);
    sparkConf.forEach(conf::set);
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    logBlasOnce();
    return spark;
  }

  private static boolean blasLogged;

  /** One INFO line per JVM naming the BLAS and LAPACK in use (and how to get the native ones). */
  static synchronized void logBlasOnce() {
    if (!blasLogged) {
      blasLogged = true;
      LoggerFactory.getLogger("io.sparkae.blas").info(Blas.describe());
    }
  }
}
