package io.sparkae.testing;

import io.sparkae.core.SparkDefaults;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the tests: local[2,2] for the whole test JVM (surefire reuses its fork), no UI, 4 shuffle
 * partitions, with Kryo as in production (conf/spark-defaults.conf: the broadcast and cached classes must survive
 * it, and Spark ML's persistence, used by the save/load tests, works under it); a failed task is retried once, as
 * on a cluster (RoundLoopTest fails first attempts on purpose). Tests extend this class, or call
 * {@link #session()} from a {@code @BeforeAll}. Tests never stop it; the JVM's shutdown does.
 */
public abstract class SparkTest {
  private static SparkSession session;

  /** The tests' session, made on first use. */
  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2,2]")
          .appName("sparkae-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.task.maxDirectResultSize", SparkDefaults.MAX_DIRECT_RESULT)
          .getOrCreate();
    }
    return session;
  }

  protected static SparkSession spark() {
    return session();
  }
}
