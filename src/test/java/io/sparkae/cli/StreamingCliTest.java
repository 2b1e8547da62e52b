package io.sparkae.cli;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code transform --stream}: two nightly runs, the second transforms only the file that arrived between them. */
class StreamingCliTest extends SparkTest {

  /** Writes {@code n} rows from {@code from} as one Parquet file {@code name}.parquet in {@code dir}. */
  private static void land(Path dir, String name, int from, int n) throws Exception {
    Path tmp = dir.resolveSibling("." + name);
    spark().range(from, from + n).selectExpr("id", "array(cast(id % 7 as double), cast(id % 3 as double), 1.0) as a")
        .select(col("id"), array_to_vector(col("a")).as("features")).coalesce(1).write().parquet(tmp.toString());
    try (Stream<Path> s = Files.list(tmp)) {
      Path part = s.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(dir);
      Files.move(part, dir.resolve(name + ".parquet"));
    }
  }

  @Test
  void secondRunTransformsOnlyTheNewFile(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    land(in, "a", 0, 30);
    Cli.Result r = Cli.run("fit", "pca", "--input", in.resolve("a.parquet").toString(), "--k", "2", "--no-report",
        "--output", dir.resolve("pca").toString());
    assertEquals(0, r.code(), r.err());
    String[] args = {"transform", "--stream", "--model", dir.resolve("pca").toString(), "--input", in.toString(),
        "--output", dir.resolve("out").toString(), "--checkpoint", dir.resolve("ck").toString(), "--loss"};
    r = Cli.run(args);
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
