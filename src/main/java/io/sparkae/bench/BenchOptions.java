package io.sparkae.bench;

import io.sparkae.core.SparkDefaults;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every benchmark and demo shares, parsed by picocli like the rest of their options ({@code @Mixin}):
 * {@code --master} and the session it picks, and the MNIST training images most of them read.
 */
final class BenchOptions {
  private BenchOptions() {}

  /** The fetched MNIST training images ({@code data/fetch mnist}). */
  static final String MNIST = "data/mnist/train-images-idx3-ubyte.gz";
  /** The 10,000-digit sample shipped in the repository. */
  static final String MNIST_SAMPLE = "data/mnist-sample/train-images-idx3-ubyte.gz";

  /** {@code --master}, and the one session of a benchmark or demo. */
  static final class Master {
    @Option(names = "--master", description = "Spark master (default: local[*], or the one spark-submit set)")
    String master;

    /** The session: this master unless spark-submit (or -Dspark.master) set one; Kryo, no UI. */
    SparkSession session(String appName) {
      return session(master, appName);
    }

    static SparkSession session(String master, String appName) {
      SparkConf conf = new SparkConf();
      if (!conf.contains("spark.master")) {
        conf.setMaster(master != null ? master : "local[*]");
      }
      conf.setIfMissing("spark.app.name", appName);
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.ui.showConsoleProgress", "false");
      conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
      conf.setIfMissing("spark.kryoserializer.buffer.max", "512m");
      SparkDefaults.apply(conf);
      return SparkSession.builder().config(conf).getOrCreate();
    }
  }

  /** {@code --mnist}: MNIST training images, by default the fetched set, else the shipped sample. */
  static final class Mnist {
    @Option(names = "--mnist", description = "MNIST training images (default: " + MNIST + " when fetched, else "
        + "the shipped 10,000-digit sample " + MNIST_SAMPLE + ")")
    String mnist;

    /** The file to read. */
    String path() {
      return mnist != null ? mnist : Files.exists(Paths.get(MNIST)) ? MNIST : MNIST_SAMPLE;
    }
  }

  /** Runs a demo's {@code main}: picocli parses {@code args} into {@code demo}, then calls it; exits with its code. */
  static void runDemo(Object demo, String[] args) {
    int code = new CommandLine(demo).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
