package io.sparkae.neural;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sparkae.core.InputColumn;
import io.sparkae.testing.SparkTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's W training partitions do not depend on the input's partitioning: the cached rows follow the
 * input's order in contiguous ranges, and the same rows in 2, 7 or 200 input partitions give the same model.
 */
class TrainingPartitionsTest extends SparkTest {
  /** The rows in order, in exactly {@code partitions} partitions (parallelize slices keep the order). */
  private static Dataset<Row> frame(double[][] rows, int partitions) {
    List<Row> list = new ArrayList<>();
    for (double[] x : rows) {
      list.add(RowFactory.create(Vectors.dense(x)));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
    return spark().createDataFrame(JavaSparkContext.fromSparkContext(spark().sparkContext())
        .parallelize(list, partitions), schema);
  }

  private static double[][] rows(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      double z = r.nextGaussian();
      for (int j = 0; j < d; j++) {
        x[i][j] = Math.tanh(z * (j + 1) / d) + 0.1 * r.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void rowsAreCachedInContiguousRangesInInputOrder() {
    int n = 1000;
    double[][] x = new double[n][2];
    for (int i = 0; i < n; i++) {
      x[i][0] = i;
      x[i][1] = -i;
    }
    for (int inputPartitions : new int[] {1, 7, 200}) {
      TrainingPartitions.Cached c = TrainingPartitions.cache(InputColumn.internalRows(frame(x, inputPartitions),
          "features"), "features", 2, 64, 3, 0);
      assertEquals(3, c.partitions());
      assertEquals(n, c.rows());
      List<List<FloatBlock>> parts = List.of(c.blocks().collectPartitions(new int[] {0, 1, 2}));
      for (int t = 0; t < 3; t++) {
        long expect = TrainingPartitions.start(t, n, 3);
        List<FloatBlock> blocks = parts.get(t);
        for (int b = 0; b < blocks.size(); b++) {
          FloatBlock blk = blocks.get(b);
          if (b < blocks.size() - 1) {
            assertEquals(64, blk.size, "every block but the last of a partition holds 64 rows");
          }
          for (int j = 0; j < blk.size; j++) {
            assertEquals(expect, (long) blk.values[2 * j], "row order in training partition " + t);
            assertEquals(-expect, (long) blk.values[2 * j + 1]);
            expect++;
          }
        }
        assertEquals(TrainingPartitions.start(t + 1, n, 3), expect, "training partition " + t + " ends");
      }
      c.unpersist();
    }
  }

  @Test
  void partitionsDefaultToTaskSlotsAndAreCappedByFullRounds() {
    Dataset<Row> data = frame(rows(300, 3, 1), 5);
    // local[2,2]: two task slots. B H = 64: at most 300 / 64 = 4 partitions take full rounds.
    TrainingPartitions.Cached auto = TrainingPartitions.cache(InputColumn.internalRows(data, "features"),
        "features", 3, 0, 0, 64);
    assertEquals(2, auto.partitions());
    auto.unpersist();
    TrainingPartitions.Cached forced = TrainingPartitions.cache(InputColumn.internalRows(data, "features"),
        "features", 3, 0, 8, 64);
    assertEquals(4, forced.partitions(), forced.why());
    forced.unpersist();
    assertEquals(1, TrainingPartitions.owner(150, 300, 2));
    assertEquals(0, TrainingPartitions.owner(149, 300, 2));
  }

  @Test
  void sameRowsSameModelWhateverTheInputPartitioning() {
    double[][] x = rows(1200, 6, 3);
    NeuralAutoencoder est = new NeuralAutoencoder().setLayers(6, 4, 2).setActivation("tanh").setBatchSize(16)
        .setAveragingFrequency(5).setEpochs(2).setLearningRate(0.01).setInputDropout(0.1).setSeed(17);
    float[] reference = null;
    for (int inputPartitions : new int[] {2, 7, 200}) {
      NeuralAutoencoderModel m = est.fit(frame(x, inputPartitions));
      // An epoch is a pass's worth of rows: 1200 rows / (W = 2 partitions x B 16 x H 5) = 7.5, so 8 rounds.
      assertEquals(8, m.history().roundsPerEpoch());
      float[] p = m.autoencoder().parameters();
      if (reference == null) {
        reference = p;
      } else {
        assertArrayEquals(reference, p, 0f, inputPartitions + " input partitions");
      }
    }
    // A different W is another fit (the check above is not vacuous).
    float[] one = est.copy(org.apache.spark.ml.param.ParamMap.empty()).setTrainingPartitions(1)
        .fit(frame(x, 2)).autoencoder().parameters();
    assertFalse(java.util.Arrays.equals(reference, one));
  }

  @Test
  void blockMomentumResumesExactlyAndZeroMomentumIsPlainAveraging(@TempDir Path dir) {
    Dataset<Row> data = frame(rows(600, 6, 5), 3).cache();
    NeuralAutoencoder est = new NeuralAutoencoder().setLayers(6, 3).setActivation("tanh").setBatchSize(16)
        .setAveragingFrequency(4).setEpochs(2).setLearningRate(0.01).setBlockMomentum(0.5).setSeed(8);
    NeuralAutoencoderModel whole = est.fit(data);
    String ck = dir.resolve("ck").toString();
    est.copy(org.apache.spark.ml.param.ParamMap.empty()).setEpochs(1).setCheckpointDir(ck).setCheckpointInterval(3)
        .fit(data);
    NeuralAutoencoderModel resumed = est.copy(org.apache.spark.ml.param.ParamMap.empty()).setCheckpointDir(ck)
        .setResume(true).fit(data);
    assertArrayEquals(whole.autoencoder().parameters(), resumed.autoencoder().parameters(), 0f,
        "the checkpoint carries the block update Delta");
    assertArrayEquals(whole.history().values(), resumed.history().values(), 0.0);
    float[] plain = est.copy(org.apache.spark.ml.param.ParamMap.empty()).setBlockMomentum(0).fit(data)
        .autoencoder().parameters();
    assertFalse(java.util.Arrays.equals(plain, whole.autoencoder().parameters()));
    data.unpersist();
    // With eta = 0 the block step is the plain average; with eta > 0 it adds eta times the previous Delta.
    float[] delta = {1f, -2f};
    float[] out = AveragingTrainer.blockStep(new float[] {0f, 0f}, new float[] {0f, 0f}, new float[] {3f, 4f},
        delta, 0f);
    assertArrayEquals(new float[] {3f, 4f}, out, 0f);
    float[] d2 = {1f, -2f};
    out = AveragingTrainer.blockStep(new float[] {1f, 1f}, new float[] {1.5f, 0f}, new float[] {2f, 1f}, d2, 0.5f);
    assertArrayEquals(new float[] {1f + 0.5f + 0.5f, 1f - 1f + 1f}, out, 0f);
  }
}
