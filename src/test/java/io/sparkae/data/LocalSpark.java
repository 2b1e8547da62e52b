package io.sparkae.data;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession the data tests share: {@code local[2]}, no UI, 4 shuffle partitions. It lives for the
 * whole test JVM (Spark's shutdown hook stops it), so test classes do not pay for a new context each.
 */
final class LocalSpark {
  private LocalSpark() {}

  static synchronized SparkSession get() {
    return SparkSession.builder()
        .master("local[2,2]")
        .appName("sparkae-data-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }

  /** The project directory: surefire passes it as {@code sparkae.basedir}; else the working directory. */
  static Path basedir() {
    return Paths.get(System.getProperty("sparkae.basedir", System.getProperty("user.dir")));
  }

  /** The shipped MNIST sample folder. */
  static Path mnistSample() {
    return basedir().resolve("data").resolve("mnist-sample");
  }
}
