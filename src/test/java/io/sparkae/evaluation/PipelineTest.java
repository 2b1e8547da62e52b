package io.sparkae.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.data.IdxImages;
import io.sparkae.data.IdxReader;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.pca.PCA;
import io.sparkae.neural.NeuralAutoencoder;
import io.sparkae.testing.Project;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparkae stage inside a Spark ML Pipeline: VectorAssembler, StandardScaler, the autoencoder's code, multinomial
 * LogisticRegression on the codes, fit on the first 2000 digits of the MNIST sample, saved and loaded as one
 * PipelineModel that predicts exactly as before on the next 1000 (held out).
 */
class PipelineTest extends SparkTest {
  private static final int TRAIN = 2000;
  private static final int TEST = 1000;
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  @BeforeAll
  static void load() {
    Path images = Project.mnistSample().resolve("train-images-idx3-ubyte.gz");
    Assumptions.assumeTrue(Files.exists(images), "no MNIST sample at " + images);
    IdxImages im = IdxReader.readImages(images.toString());
    int[] labels = IdxReader.readLabels(Project.mnistSample().resolve("train-labels-idx1-ubyte.gz").toString());
    train = frame(im, labels, 0, TRAIN).cache();
    test = frame(im, labels, TRAIN, TRAIN + TEST).cache();
  }

  @AfterAll
  static void release() {
    if (train != null) {
      train.unpersist();
      test.unpersist();
    }
  }

  /** Digits [from, to) as {@code pixels} (scaled to [0, 1]) and {@code label}. */
  private static Dataset<Row> frame(IdxImages im, int[] labels, int from, int to) {
    int d = im.pixelsPerImage();
    List<Row> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      double[] x = new double[d];
      for (int t = 0; t < d; t++) {
        x[t] = (im.pixels()[i * d + t] & 0xff) / 255.0;
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) labels[i]));
    }
    StructType schema = new StructType().add("pixels", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.DoubleType, false);
    return spark().createDataFrame(rows, schema).repartition(2);
  }

  /**
   * Fits the pipeline around {@code stage} (reading "scaled", writing "code"), checks that the saved and loaded
   * PipelineModel predicts the same, and returns the accuracy on the held-out digits.
   */
  private static double accuracy(PipelineStage stage, Path dir, String name) throws Exception {
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"pixels"}).setOutputCol("assembled"),
        new StandardScaler().setInputCol("assembled").setOutputCol("scaled").setWithMean(true).setWithStd(true),
        stage,
        new LogisticRegression().setFamily("multinomial").setFeaturesCol("code").setMaxIter(50).setRegParam(1e-3)});
    PipelineModel fitted = pipeline.fit(train);
    String path = dir.resolve(name).toString();
    fitted.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    List<Row> before = fitted.transform(test).select("code", "probability", "prediction").collectAsList();
    List<Row> after = loaded.transform(test).select("code", "probability", "prediction").collectAsList();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      for (int c = 0; c < 2; c++) { // vectors compare entry by entry with ==
        assertEquals(before.get(i).get(c), after.get(i).get(c), name + ": row " + i + " column " + c);
      }
      assertEquals(before.get(i).getDouble(2), after.get(i).getDouble(2), 0.0, name + ": row " + i);
    }
    double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(loaded.transform(test));
    System.out.println(name + ": held-out accuracy of logistic regression on the codes " + acc);
    return acc;
  }

  @Test
  void pcaCodes(@TempDir Path dir) throws Exception {
    double acc = accuracy(new PCA().setK(20).setInputCol("scaled").setSeed(1), dir, "pca");
    // Chance is 0.1 (ten digits, the commonest about 11% of the sample). Measured 0.841 (0.877 with 3000 training
    // digits); the bound leaves 0.24 of margin and is still six times chance.
    assertTrue(acc > 0.6, "PCA k = 20: " + acc);
  }

  @Test
  void kMeansCodes(@TempDir Path dir) throws Exception {
    // Its prediction column is renamed: LogisticRegression writes "prediction".
    double acc = accuracy(new KMeans().setK(10).setInputCol("scaled").setPredictionCol("cluster").setMaxIter(10)
        .setSeed(2), dir, "kmeans");
    // The code is one-hot (the nearest of 10 centers), so the classifier can do no better than the clusters' purity.
    // Measured 0.504 (0.446 with 3000 training digits); bound 0.25, two and a half times chance.
    assertTrue(acc > 0.25, "k-means k = 10: " + acc);
  }

  @Test
  void autoencoderCodes(@TempDir Path dir) throws Exception {
    double acc = accuracy(new NeuralAutoencoder().setLayers(784, 64, 16).setActivation("relu")
        .setCodeActivation("identity").setEpochs(3).setBatchSize(64).setLearningRate(1e-3).setInputCol("scaled")
        .setSeed(3), dir, "autoencoder");
    // A 784-64-16 network after 3 epochs, far from trained. Measured 0.608 (0.688 with 3000 training digits);
    // bound 0.35, three and a half times chance.
    assertTrue(acc > 0.35, "autoencoder: " + acc);
  }
}
