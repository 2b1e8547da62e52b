package io.sparkae.core;

import org.apache.spark.SparkConf;

/**
 * Spark settings sparkae's own sessions (CLI, benchmarks, tests) use unless the user or spark-submit set them; the
 * same values are in conf/spark-defaults.conf for spark-submit.
 */
public final class SparkDefaults {
  private SparkDefaults() {}

  /**
   * Task results up to this size travel in the task's status message instead of through the block manager (Spark's
   * default is 1 MB). A round of the SGD trainer returns parameters and optimizer state (5 MB for a 420,000
   * parameter network with Adam) from every partition, and the fetch of an indirect result costs a round trip per
   * partition: measured with {@code jobs/bench round}, a round with 20 MB of state went from about 230 ms to about
   * 80-160 ms (loaded machine). Must stay below {@code spark.rpc.message.maxSize} (128 MB by default).
   */
  public static final String MAX_DIRECT_RESULT = "64m";

  /** Sets what is missing. */
  public static SparkConf apply(SparkConf conf) {
    conf.setIfMissing("spark.task.maxDirectResultSize", MAX_DIRECT_RESULT);
    return conf;
  }
}
