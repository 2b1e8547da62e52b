package io.sparkae.bench;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * Base of the demos ({@code jobs/demo-*}): picocli parses their positional arguments and the shared
 * {@code --master} ({@link BenchOptions}) like a benchmark's options; {@link #session} is the benchmarks' session.
 */
abstract class Demo implements Callable<Integer> {
  @Mixin
  BenchOptions.Master master = new BenchOptions.Master();

  /** The session, named {@code appName}. */
  final SparkSession session(String appName) {
    return master.session(appName);
  }
}
