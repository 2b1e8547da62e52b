package io.sparkae.linear.kmeans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class KMeansErrorsTest extends SparkTest {

  private static Dataset<Row> frame(double[]... rows) {
    List<Row> list = new ArrayList<>();
    for (double[] r : rows) {
      list.add(RowFactory.create(Vectors.dense(r)));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
    return spark().createDataFrame(list, schema).repartition(2);
  }

  private static String message(Dataset<Row> df, KMeans est) {
    return assertThrows(IllegalArgumentException.class, () -> est.fit(df)).getMessage();
  }

  @Test
  void kBelowOneIsRejectedByTheParam() {
    String msg = assertThrows(IllegalArgumentException.class, () -> new KMeans().setK(0)).getMessage();
    assertTrue(msg.contains("k given invalid value 0"), msg);
  }

  @Test
  void kLargerThanTheDistinctPointsNamesBothNumbers() {
    Dataset<Row> df = frame(new double[] {1, 2}, new double[] {1, 2}, new double[] {3, 4}, new double[] {3, 4},
        new double[] {0, 0});
    assertEquals("k = 4 is larger than the number of distinct points (3) in input column 'features' (5 rows)",
        message(df, new KMeans().setK(4)));
    assertEquals("k = 4 is larger than the number of distinct points (3) in input column 'features' (5 rows)",
        message(df, new KMeans().setK(4).setInitMode("random")));
  }

  @Test
  void badRowsSurfaceTheBlockerMessages() {
    String nan = message(frame(new double[] {1, 2}, new double[] {Double.NaN, 0}), new KMeans().setK(1));
    assertTrue(nan.contains("holds NaN at index 0 (NaN and infinite values are not allowed)"), nan);
    String sizes = message(frame(new double[] {1, 2}, new double[] {1, 2, 3}, new double[] {1, 2}),
        new KMeans().setK(1));
    assertTrue(sizes.contains("has size 3, expected 2 (vectors of different sizes)")
        || sizes.contains("has size 2, expected 3 (vectors of different sizes)"), sizes);
    String empty = message(frame(new double[] {1, 2}).limit(0), new KMeans().setK(1));
    assertEquals("empty data: input column 'features' has no rows", empty);
  }

  @Test
  void givenCentersAreChecked() {
    Dataset<Row> df = Planted.frame(spark(), new double[][] {{0, 0}, {1, 1}, {2, 2}}, 1);
    assertEquals("initial center 1 has size 3, expected d = 2 (the size of the input vectors)",
        message(df, new KMeans().setInitialCenters(new double[][] {{0, 0}, {1, 1, 1}})));
    assertEquals("initialCenters holds 2 centers but k = 3",
        message(df, new KMeans().setInitialCenters(new double[][] {{0, 0}, {1, 1}}).setK(3)));
    assertEquals("initMode 'given' needs initial centers: call setInitialCenters",
        message(df, new KMeans().setInitMode("given")));
    assertEquals("initialCenters are set but initMode is 'random'; use initMode 'given' to start from them",
        message(df, new KMeans().setInitialCenters(new double[][] {{0, 0}, {1, 1}}).setInitMode("random")));
    String nan = message(df, new KMeans().setInitialCenters(new double[][] {{0, Double.NaN}}));
    assertEquals("initial center 0 holds NaN (NaN and infinite values are not allowed)", nan);
  }

  @Test
  void outputColumnsMustNotExist() {
    Dataset<Row> df = Planted.frame(spark(), new double[][] {{0, 0}, {1, 1}}, 1).withColumn("prediction",
        org.apache.spark.sql.functions.lit(1));
    assertEquals("prediction column 'prediction' already exists in the data; choose another name",
        message(df, new KMeans().setK(1)));
  }
}
