package io.sparkae.testing;

import org.apache.spark.sql.SparkSession;

/**
 * One local[2,2] SparkSession for the whole test JVM (surefire reuses its fork), with Kryo as in production; a
 * failed task is retried once, as on a cluster (RoundLoopTest fails first attempts on purpose).
 * Tests never stop it; the JVM's shutdown does.
 */
public abstract class SparkTest {
  private static SparkSession session;

  protected static synchronized SparkSession spark() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2,2]")
          .appName("sparkae-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
    }
    return session;
  }
}
