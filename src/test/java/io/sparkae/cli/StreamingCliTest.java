package io.sparkae.cli;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code transform --stream}: two nightly runs, the second transforms only the file that arrived between them. */
class StreamingCliTest extends SparkTest {

  /** Writes {@code n} rows from {@code from} as one Parquet file {@code name}.parquet in {@code dir}. */
  private static void land(Path dir, String name, int from, int n) throws Exception {
    landBad(dir, name, from, n, -1);
  }

  /**
   * As {@link #land}, with {@code NaN} in the second feature of row {@code from + bad} (none when bad < 0); the file
   * is written beside and moved in whole, as a landing job would.
   */
  private static void landBad(Path dir, String name, int from, int n, int bad) throws Exception {
    Path tmp = Files.createTempDirectory(dir.getParent(), "." + name);
    Files.delete(tmp);
    spark().range(from, from + n).selectExpr("id", "array(cast(id % 7 as double), if(id = " + (from + bad)
        + ", double('NaN'), cast(id % 3 as double)), 1.0) as a")
        .select(col("id"), array_to_vector(col("a")).as("features")).coalesce(1).write().parquet(tmp.toString());
    try (Stream<Path> s = Files.list(tmp)) {
      Path part = s.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(dir);
      Files.move(part, dir.resolve(name + ".parquet"));
    }
  }

  /** Fits a 2-component PCA on {@code file} into {@code out}. */
  private static void fitPca(Path file, Path out) {
    Cli.Result r = Cli.run("fit", "pca", "--input", file.toString(), "--k", "2", "--no-report", "--output",
        out.toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void badFileStopsTheRunNamingItAndCommitsNothingForItsBatch(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    land(in, "a", 0, 30);
    fitPca(in.resolve("a.parquet"), dir.resolve("pca"));
    String[] args = {"transform", "--stream", "--model", dir.resolve("pca").toString(), "--input", in.toString(),
        "--output", dir.resolve("out").toString(), "--checkpoint", dir.resolve("ck").toString()};
    assertEquals(0, Cli.run(args).code());
    Cli.Result r;
    landBad(in, "b", 30, 12, 5);
    r = Cli.run(args);
    assertNotEquals(0, r.code(), "a NaN in b.parquet must stop the run");
    String err = r.err().strip();
    assertTrue(err.contains(in.resolve("b.parquet").toString()) && err.contains("NaN"),
        "the error names the file and the value: " + err);
    assertFalse(err.contains("\tat "), "one line, no stack trace: " + err);
    assertEquals(30, spark().read().parquet(dir.resolve("out").toString()).count(), "nothing committed for b");
    // The user mends the file in place; the next run transforms it (the failed batch is replayed) exactly once.
    Files.delete(in.resolve("b.parquet"));
    land(in, "b", 30, 12);
    r = Cli.run(args);
    assertEquals(0, r.code(), r.err());
    var out = spark().read().parquet(dir.resolve("out").toString());
    assertEquals(42, out.count());
    assertEquals(42, out.select("id").distinct().count(), "every row exactly once");
  }

  @Test
  void codeAsFloatArray(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    land(in, "a", 0, 20);
    fitPca(in.resolve("a.parquet"), dir.resolve("pca"));
    Cli.Result r = Cli.run("transform", "--model", dir.resolve("pca").toString(), "--input", in.resolve("a.parquet").toString(),
        "--output", dir.resolve("vec").toString(), "--keep", "id");
    assertEquals(0, r.code(), r.err());
    r = Cli.run("transform", "--model", dir.resolve("pca").toString(), "--input", in.resolve("a.parquet").toString(),
        "--output", dir.resolve("arr").toString(), "--code-type", "array", "--keep", "id");
    assertEquals(0, r.code(), r.err());
    var arr = spark().read().parquet(dir.resolve("arr/data").toString()).orderBy("id");
    assertEquals("array<float>", arr.schema().apply("code").dataType().simpleString());
    assertEquals(List.of("features", "id", "code"), List.of(arr.columns()), "--keep carries the ids");
    var vec = spark().read().parquet(dir.resolve("vec/data").toString()).orderBy("id").collectAsList();
    var got = arr.collectAsList();
    assertEquals(20, got.size());
    for (int i = 0; i < got.size(); i++) {
      org.apache.spark.ml.linalg.Vector v = vec.get(i).getAs("code");
      java.util.List<Float> a = got.get(i).getList(got.get(i).fieldIndex("code"));
      for (int j = 0; j < v.size(); j++) {
        // float32 of the same double: exactly the cast, no other arithmetic.
        assertEquals((float) v.apply(j), a.get(j).floatValue(), 0f);
      }
    }
    r = Cli.run("transform", "--model", dir.resolve("pca").toString(), "--input", in.resolve("a.parquet").toString(),
        "--output", dir.resolve("bad").toString(), "--code-type", "floats");
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("--code-type must be vector or array, found floats"), r.err());
  }

  @Test
  void secondRunTransformsOnlyTheNewFile(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    land(in, "a", 0, 30);
    fitPca(in.resolve("a.parquet"), dir.resolve("pca"));
    String[] args = {"transform", "--stream", "--model", dir.resolve("pca").toString(), "--input", in.toString(),
        "--output", dir.resolve("out").toString(), "--checkpoint", dir.resolve("ck").toString(), "--loss"};
    Cli.Result r = Cli.run(args);
    assertEquals(0, r.code(), r.err());
    assertEquals("appended 30 rows to " + dir.resolve("out") + " (parquet)", r.out().strip());
    land(in, "b", 30, 12);
    r = Cli.run(args);
    assertEquals(0, r.code(), r.err());
    assertEquals("appended 12 rows to " + dir.resolve("out") + " (parquet)", r.out().strip());
    var out = spark().read().parquet(dir.resolve("out").toString());
    assertEquals(42, out.count());
    assertEquals(42, out.select("id").distinct().count(), "every row exactly once");
  }
}
