package io.sparkae.testing;

import io.sparkae.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process on the tests' SparkSession, capturing its exit code, stdout and stderr. */
public final class Cli extends SparkTest {
  private Cli() {}

  /** What a run returned and printed. */
  public record Result(int code, String out, String err) {}

  /** The shipped MNIST sample (10,000 training digits, gzipped IDX). */
  public static final String MNIST_SAMPLE = System.getProperty("sparkae.basedir", ".")
      + "/data/mnist-sample/train-images-idx3-ubyte.gz";

  public static Result run(String... args) {
    spark();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
