package io.sparkae.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streaming transform is a property of every registered family (the {@link Family} registry, so a new family is
 * covered without touching this test): {@code model.transform(stream)} on a Parquet file stream with a checkpoint
 * and {@code Trigger.AvailableNow} writes the same codes, reconstruction, loss and extra columns as the batch
 * transform of the same rows, and a second run after a file is added processes only that file.
 */
class StreamingTransformTest extends SparkTest {
  private static final int D = 6;

  /**
   * Tiny settings by Param name, set on every estimator that has the Param: enough to fit in well under a second a
   * family, not a good model (the property does not depend on the fit's quality).
   */
  private static final Map<String, Object> TINY = Map.ofEntries(Map.entry("k", 2), Map.entry("rank", 2),
      Map.entry("numAtoms", 3), Map.entry("latentSize", 2), Map.entry("layers", new int[] {D, 3}),
      Map.entry("hiddenLayers", new int[] {4}), Map.entry("maxIter", 3), Map.entry("epochs", 1),
      Map.entry("batchSize", 16), Map.entry("seed", 11L));

  private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("features", SQLDataTypes.VectorType(), false);

  static Stream<String> families() {
    return Family.all().stream().map(Family::name);
  }

  /**
   * Rows {@code from..to-1} of 0/1 values with at least one 1: nonnegative (NMF), in [0, 1] (Bernoulli VAE) and
   * counts with a positive total (topic model), so every family accepts the same data.
   */
  private static List<Row> rows(int from, int to) {
    List<Row> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Random rnd = new Random(1000 + i);
      double[] x = new double[D];
      for (int j = 0; j < D; j++) {
        x[j] = rnd.nextInt(3) == 0 ? 1 : 0;
      }
      x[i % D] = 1;
      out.add(RowFactory.create((long) i, Vectors.dense(x)));
    }
    return out;
  }

  /** Writes {@code rows} as one Parquet file {@code name}.parquet in {@code dir} (moved in whole, as a landing job). */
  static void landFile(Path dir, String name, List<Row> rows) throws Exception {
    Path tmp = dir.resolveSibling("." + name + "-staging");
    spark().createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(tmp.toString());
    try (Stream<Path> s = Files.list(tmp)) {
      Path part = s.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(dir);
      Files.move(part, dir.resolve(name + ".parquet"));
    }
  }

  private static AutoencoderModel<?> fit(String name) {
    Family family = Family.all().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    AutoencoderEstimator<?, ?> est = family.newEstimator();
    for (Map.Entry<String, Object> e : TINY.entrySet()) {
      if (est.hasParam(e.getKey())) {
        @SuppressWarnings("unchecked")
        Param<Object> p = (Param<Object>) est.getParam(e.getKey());
        est.set(p, e.getValue());
      }
    }
    AutoencoderModel<?> m = (AutoencoderModel<?>) est.fit(spark().createDataFrame(rows(0, 64), SCHEMA));
    m.setReconstructionCol("reconstruction");
    m.setLossCol("loss");
    return m;
  }

  /** One run of the stream: AvailableNow, so it processes what is there and stops; returns the rows it read. */
  private static long run(AutoencoderModel<?> m, Path in, Path out, Path ck) throws Exception {
    Dataset<Row> stream = spark().readStream().schema(SCHEMA).parquet(in.toString());
    StreamingQuery q = m.transform(stream).writeStream().format("parquet")
        .option("checkpointLocation", ck.toString()).trigger(Trigger.AvailableNow()).start(out.toString());
    q.awaitTermination();
    long read = 0;
    for (StreamingQueryProgress p : q.recentProgress()) {
      read += p.numInputRows();
    }
    return read;
  }

  private static Map<Long, Row> byId(Dataset<Row> rows) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      Row old = out.put(r.getLong(r.fieldIndex("id")), r);
      assertEquals(null, old, "row " + r.getLong(r.fieldIndex("id")) + " written twice");
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void streamingTransformEqualsBatchAndProcessesOnlyNewFiles(String name, @TempDir Path dir) throws Exception {
    AutoencoderModel<?> m = fit(name);
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Path ck = dir.resolve("ck");
    landFile(in, "a", rows(0, 40));
    assertEquals(40, run(m, in, out, ck));
    landFile(in, "b", rows(40, 64));
    assertEquals(24, run(m, in, out, ck), "the second run reads only the new file");

    Map<Long, Row> streamed = byId(spark().read().parquet(out.toString()));
    Map<Long, Row> batch = byId(m.transform(spark().createDataFrame(rows(0, 64), SCHEMA)));
    assertEquals(64, streamed.size(), "every row exactly once");
    List<String> cols = m.outputColumns();
    assertTrue(cols.containsAll(List.of(m.getOutputCol(), "reconstruction", "loss")), cols.toString());
    for (long id = 0; id < 64; id++) {
      Row s = streamed.get(id);
      Row b = batch.get(id);
      for (String c : cols) {
        Object sv = s.get(s.fieldIndex(c));
        Object bv = b.get(b.fieldIndex(c));
        // Exact: a row's code depends only on the row (blocks are column-wise independent), not on which rows
        // share its block or partition.
        if (sv instanceof Vector v) {
          assertArrayEquals(((Vector) bv).toArray(), v.toArray(), 0.0, name + " " + c + " of row " + id);
        } else {
          assertEquals(bv, sv, name + " " + c + " of row " + id);
        }
      }
    }
  }
}
