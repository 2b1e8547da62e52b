package io.sparkae.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved models: round trips, Pipelines, and the refusal of corrupt or unknown model directories. */
class PersistenceTest extends SparkTest {

  private static Dataset<Row> data() {
    return Planted.frame(spark(), Planted.lowRank(300, Planted.orthonormal(8, 3, 5), new double[] {3, 2, 1},
        new double[8], 0.1, 6), 2);
  }

  private static String saved(Path dir) throws Exception {
    String path = dir.resolve("m").toString();
    new PCA().setK(2).fit(data()).write().save(path);
    return path;
  }

  @Test
  void corruptMetadataIsRefused(@TempDir Path dir) throws Exception {
    String path = saved(dir);
    Path meta = Path.of(path, "metadata", "part-00000");
    Files.writeString(meta, "{\"class\":");
    IllegalArgumentException checksum = assertThrows(IllegalArgumentException.class, () -> PCAModel.load(path));
    assertTrue(checksum.getMessage().contains("fails its checksum"), checksum.getMessage());
    Files.delete(Path.of(path, "metadata", ".part-00000.crc"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PCAModel.load(path));
    assertTrue(e.getMessage().startsWith("corrupt model at " + path + ": metadata is not valid JSON"),
        e.getMessage());
  }

  @Test
  void newerFormatVersionIsRefused(@TempDir Path dir) throws Exception {
    String path = saved(dir);
    Path meta = Path.of(path, "metadata", "part-00000");
    Files.writeString(meta, Files.readString(meta).replace("\"formatVersion\":" + Version.MODEL_FORMAT,
        "\"formatVersion\":99"));
    Files.delete(Path.of(path, "metadata", ".part-00000.crc"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PCAModel.load(path));
    assertTrue(e.getMessage().contains("has format version 99, this sparkae " + Version.SPARKAE
        + " reads versions 1 to " + Version.MODEL_FORMAT), e.getMessage());
  }

  @Test
  void missingDataAndWrongPathsAreRefused(@TempDir Path dir) throws Exception {
    String path = saved(dir);
    try (var files = Files.walk(Path.of(path, "data"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PCAModel.load(path));
    assertTrue(e.getMessage().startsWith("corrupt model at " + path + ": cannot read data/"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PCAModel.load(dir.resolve("absent").toString()));
    assertTrue(e.getMessage().contains("the path does not exist"), e.getMessage());
    Files.createDirectories(dir.resolve("empty"));
    e = assertThrows(IllegalArgumentException.class, () -> PCAModel.load(dir.resolve("empty").toString()));
    assertTrue(e.getMessage().contains("has no metadata/ folder"), e.getMessage());
  }

  @Test
  void estimatorAndModelLoadInSparkPipelines(@TempDir Path dir) throws Exception {
    Dataset<Row> df = data();
    PCA pca = new PCA().setK(3).setWhiten(true).setSeed(9);
    String estPath = dir.resolve("estimator").toString();
    pca.write().save(estPath);
    PCA loadedEst = PCA.load(estPath);
    assertEquals(pca.uid(), loadedEst.uid());
    assertEquals(3, loadedEst.getK());
    assertTrue(loadedEst.getWhiten());
    assertEquals(9L, loadedEst.getSeed());

    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {pca});
    String pipePath = dir.resolve("pipeline").toString();
    pipeline.write().save(pipePath);
    assertEquals(1, Pipeline.load(pipePath).getStages().length);

    PipelineModel fitted = pipeline.fit(df);
    String fittedPath = dir.resolve("pipeline-model").toString();
    fitted.write().save(fittedPath);
    PipelineModel again = PipelineModel.load(fittedPath);
    List<Row> a = fitted.transform(df).select("code").collectAsList();
    List<Row> b = again.transform(df).select("code").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(((Vector) a.get(i).get(0)).toArray(), ((Vector) b.get(i).get(0)).toArray(), 0.0);
    }
    PCAModel m = (PCAModel) again.stages()[0];
    assertEquals(300, m.provenance().rows());
    assertEquals("3", m.provenance().params().get("k"));
  }
}
