package io.sparkae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sparkae in a child JVM, as jobs/sparkae starts it (conf/log4j2.properties, Spark's module options): killed with
 * SIGKILL mid-fit and mid-transform, its temporary folder stays behind and the next job writing into the same
 * folder removes it; a bad row prints one line and no Spark stack trace.
 */
class KillTest extends SparkTest {
  private static final String BASE = System.getProperty("sparkae.basedir", ".");

  private static Process start(Path log, List<String> jvm, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String o : org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions().split(" ")) {
      if (!o.isBlank()) {
        cmd.add(o);
      }
    }
    cmd.add("-Dlog4j.configurationFile=" + BASE + "/conf/log4j2.properties");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.driver.host=127.0.0.1");
    cmd.add("-Dspark.master=local[2]");
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.sparkae.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false)
        .redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile()).redirectError(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    return pb.start();
  }

  /** Waits up to two minutes for a path matching {@code glob} below {@code dir}. */
  private static Path await(Process p, Path dir, String glob, Path log) throws Exception {
    var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < end) {
      try (Stream<Path> s = Files.walk(dir)) {
        Optional<Path> hit = s.filter(f -> matcher.matches(dir.relativize(f))).findFirst();
        if (hit.isPresent()) {
          return hit.get();
        }
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
        // a file vanished while walking: look again
      }
      if (!p.isAlive()) {
        throw new AssertionError("the child ended (exit " + p.exitValue() + ") before " + glob + " appeared:\n"
            + Files.readString(log));
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new AssertionError("no " + glob + " in " + dir + " after two minutes:\n" + Files.readString(log));
  }

  private static void kill9(Process p) throws Exception {
    p.destroyForcibly(); // SIGKILL on Linux and macOS
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
  }

  private static List<String> temps(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).filter(n -> OutputDir.TEMP_NAME.matcher(n).matches()).toList();
    }
  }

  /** {@code rows} JSON rows of size {@code d}, deterministic. */
  private static Path rows(Path dir, int rows, int d) throws Exception {
    StringBuilder b = new StringBuilder();
    java.util.Random rnd = new java.util.Random(7);
    for (int i = 0; i < rows; i++) {
      b.append("{\"features\":[");
      for (int j = 0; j < d; j++) {
        b.append(j > 0 ? "," : "").append(rnd.nextInt(100) / 100.0);
      }
      b.append("]}\n");
    }
    Path p = dir.resolve("rows-" + rows + "x" + d + ".json");
    Files.writeString(p, b);
    return p;
  }

  @Test
  void killedFitLeavesATemporaryFolderTheNextJobRemoves(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("fit.log");
    Process p = start(log, List.of(), "fit", "autoencoder", "--input", rows(dir, 400, 10).toString(), "--layers",
        "10,3", "--epochs", "100000", "--checkpoint-dir", dir.resolve("ck").toString(), "--checkpoint-every", "1",
        "--no-report", "--output", dir.resolve("out").toString());
    await(p, dir, "ck/checkpoint.bin", log);
    kill9(p);
    List<String> left = temps(dir);
    assertEquals(1, left.size(), "the killed fit's temporary folder: " + left);
    assertTrue(left.get(0).startsWith(".out.tmp-" + p.pid() + "-"), left.get(0));
    assertFalse(Files.exists(dir.resolve("out")));

    // The next job into the same folder removes it (its owner is gone) and leaves the checkpoint alone.
    Path in = dir.resolve("in.json");
    Files.writeString(in, "{\"features\":[1,2,3]}\n{\"features\":[3,1,2]}\n{\"features\":[2,2,5]}\n");
    Cli.Result r = Cli.run("fit", "pca", "--input", in.toString(), "--k", "1", "--no-report", "--output",
        dir.resolve("pca").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of(), temps(dir));
    assertTrue(Files.exists(dir.resolve("ck/checkpoint.bin")));
    assertTrue(Files.exists(dir.resolve("ck/" + Resume.FILE)));
  }

  @Test
  void killedTransformLeavesPartialParquetTheNextJobRemoves(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("pca");
    Path in = rows(dir, 2000, 10);
    Cli.Result r = Cli.run("fit", "pca", "--input", in.toString(), "--k", "2", "--no-report", "--output",
        model.toString());
    assertEquals(0, r.code(), r.err());
    Path log = dir.resolve("transform.log");
    // The pause holds the job after its Parquet is written and before the rename that publishes it.
    Process p = start(log, List.of("-Dsparkae.test.pauseBeforeCommit=120000"), "transform", "--model",
        model.toString(), "--input", in.toString(), "--output", dir.resolve("codes").toString());
    Path success = await(p, dir, ".codes.tmp-*/data/_SUCCESS", log);
    kill9(p);
    Path tmp = dir.resolve(dir.relativize(success).getName(0));
    try (Stream<Path> s = Files.list(tmp.resolve("data"))) {
      assertTrue(s.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")), "Parquet left in " + tmp);
    }
    assertFalse(Files.exists(dir.resolve("codes")));

    r = Cli.run("transform", "--model", model.toString(), "--input", in.toString(), "--output",
        dir.resolve("codes").toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.exists(tmp), "stale folder removed");
    assertEquals(List.of(), temps(dir));
    assertEquals(2000, spark().read().parquet(dir.resolve("codes/data").toString()).count());
  }

  @Test
  void killedStreamingRunRestartsWithNoDuplicateAndNoMissingRow(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (int f = 0; f < 5; f++) {
      Path tmp = dir.resolve(".f" + f);
      spark().range(f * 20, f * 20 + 20).selectExpr("id", "array(cast(id % 7 as double), cast(id % 3 as double), "
          + "1.0) as a").select(org.apache.spark.sql.functions.col("id"), org.apache.spark.ml.functions
              .array_to_vector(org.apache.spark.sql.functions.col("a")).as("features"))
          .coalesce(1).write().parquet(tmp.toString());
      try (Stream<Path> s = Files.list(tmp)) {
        Files.move(s.filter(x -> x.toString().endsWith(".parquet")).findFirst().orElseThrow(),
            in.resolve("f" + f + ".parquet"));
      }
    }
    Path model = dir.resolve("pca");
    Cli.Result r = Cli.run("fit", "pca", "--input", in.resolve("f0.parquet").toString(), "--k", "2", "--no-report",
        "--output", model.toString());
    assertEquals(0, r.code(), r.err());
    String[] args = {"transform", "--stream", "--model", model.toString(), "--input", in.toString(), "--output",
        dir.resolve("out").toString(), "--checkpoint", dir.resolve("ck").toString(), "--max-files-per-trigger", "1"};
    Path log = dir.resolve("stream.log");
    // Each one-file batch waits 3 s after reading its rows: the kill lands in the second batch, after the first
    // was committed (its entry in the sink's log) and before the second's.
    Process p = start(log, List.of("-Dsparkae.test.pausePerPartition=3000"), args);
    await(p, dir, "out/_spark_metadata/0", log);
    kill9(p);
    assertFalse(Files.exists(dir.resolve("out/_spark_metadata/4")), "killed before the last batch");
    r = Cli.run(args);
    assertEquals(0, r.code(), r.err());
    var out = spark().read().parquet(dir.resolve("out").toString());
    assertEquals(100, out.count(), "no missing row");
    assertEquals(100, out.select("id").distinct().count(), "no duplicate");
  }

  @Test
  void aBadRowPrintsOneLineAndNoSparkTrace(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("nan.json");
    Files.writeString(in, "{\"features\":[1,2,3]}\n{\"features\":[1,NaN,3]}\n");
    Path log = dir.resolve("nan.log");
    Process p = start(log, List.of(), "fit", "pca", "--input", in.toString(), "--k", "1", "--output",
        dir.resolve("out").toString());
    assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    String err = Files.readString(log);
    assertEquals(2, p.exitValue(), err);
    List<String> lines = err.lines().filter(l -> !l.contains(" INFO ") && !l.startsWith("WARNING: Using incubator"))
        .toList();
    assertEquals(List.of("sparkae: error: file " + in + ", column 'features', partition 0, row 1 holds NaN at "
        + "index 1 (NaN and infinite values are not allowed)"), lines, err);
    assertFalse(Files.exists(dir.resolve("out")));
    assertEquals(List.of(), temps(dir));
  }
}
