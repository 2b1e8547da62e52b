package io.sparkae.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.SparkTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models saved by sparkae 0.1.0 in model format 1 (settings packed into arrays, enums by ordinal), committed under
 * src/test/resources/models-v1 with five input rows and the codes that release gave them (codes.txt), still load
 * and give the same codes; saved again, they are written in the current format and give them once more.
 */
class Format1ModelsTest extends SparkTest {
  private static Path fixtures() {
    return Path.of(System.getProperty("sparkae.basedir", ".")).resolve("src/test/resources/models-v1");
  }

  /** The five input rows and five codes of {@code family} in codes.txt. */
  private static List<double[]>[] expected(String family) throws Exception {
    List<String> lines = Files.readAllLines(fixtures().resolve("codes.txt"), StandardCharsets.UTF_8);
    List<String> mine = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith(family + " ")) {
        mine.add(l.substring(family.length() + 1));
      }
    }
    assertEquals(2, mine.size(), family + ": inputs and codes in codes.txt");
    @SuppressWarnings("unchecked")
    List<double[]>[] out = new List[] {rows(mine.get(0)), rows(mine.get(1))};
    return out;
  }

  private static List<double[]> rows(String line) {
    List<double[]> out = new ArrayList<>();
    for (String row : line.split("\\|")) {
      String t = row.trim();
      if (t.isEmpty()) {
        continue;
      }
      String[] parts = t.split(" ");
      double[] v = new double[parts.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = Double.parseDouble(parts[i]);
      }
      out.add(v);
    }
    return out;
  }

  private void assertCodes(AutoencoderModel<?> m, List<double[]> inputs, List<double[]> codes, String what) {
    List<Row> in = new ArrayList<>();
    for (double[] x : inputs) {
      in.add(RowFactory.create(Vectors.dense(x)));
    }
    Dataset<Row> df = spark().createDataFrame(in, new StructType().add("features", SQLDataTypes.VectorType(), false));
    List<Row> got = m.transform(df).select(m.getOutputCol()).collectAsList();
    assertEquals(codes.size(), got.size());
    for (int r = 0; r < codes.size(); r++) {
      double[] g = ((Vector) got.get(r).get(0)).toArray();
      double[] e = codes.get(r);
      assertEquals(e.length, g.length, what + " row " + r);
      for (int j = 0; j < e.length; j++) {
        // The same arithmetic on the same parameters: equal but for the last bits where BLAS backends differ.
        assertEquals(e[j], g[j], 1e-9 * Math.max(1, Math.abs(e[j])), what + " row " + r + " code " + j);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pca", "kmeans", "sparse-coding", "nmf", "ica", "autoencoder", "vae", "topics"})
  void format1ModelsLoadAndGiveTheirCodes(String family, @TempDir Path dir) throws Exception {
    List<double[]>[] e = expected(family);
    AutoencoderModel<?> m = Models.load(spark(), fixtures().resolve(family).toString());
    assertCodes(m, e[0], e[1], family + " (format 1)");
    String again = dir.resolve(family).toString();
    m.write().save(again);
    String meta = Files.readString(Path.of(again, "metadata", "part-00000"), StandardCharsets.UTF_8);
    assertTrue(meta.contains("\"formatVersion\":" + Version.MODEL_FORMAT), meta);
    assertCodes(Models.load(spark(), again), e[0], e[1], family + " (saved again)");
  }

  @org.junit.jupiter.api.Test
  void settingsRoundTripByNameAndAnUnknownEnumNameIsRefusedWithTheAllowedOnes(@TempDir Path dir) {
    String path = dir.resolve("data").toString();
    new ModelData().set("activation", io.sparkae.neural.Activation.TANH).set("sizes", new int[] {6, 4, 2})
        .set("beta", 0.1).set("seed", -7L).set("tied", true).set("bad", "SIGMOIDAL").put("w", new double[] {1, 2})
        .write(spark(), path);
    ModelData back = ModelData.read(spark(), "m", path);
    assertEquals(io.sparkae.neural.Activation.TANH, back.enumValue("activation", io.sparkae.neural.Activation.class));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {6, 4, 2}, back.ints("sizes"));
    assertEquals(0.1, back.real("beta"), 0.0);
    assertEquals(-7L, back.integer("seed"));
    assertTrue(back.flag("tied"));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 2}, back.vector("w"), 0.0);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> back.enumValue("bad", io.sparkae.neural.Activation.class));
    assertTrue(e.getMessage().contains("'bad' is 'SIGMOIDAL', expected one of [") && e.getMessage().contains("TANH"),
        e.getMessage());
  }
}
