package io.sparkae.neural.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.SparkTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import io.sparkae.testing.Spread;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** NPMI coherence against a brute-force count, on planted topics, and the top-word helper. */
class CoherenceTest extends SparkTest {

  @Test
  void npmiEqualsBruteForceOverTheCorpus() {
    // 80 documents over 15 words: word w present with probability (w + 1) / 16, except word 14 (never) and
    // words 12 and 13 (always: the pair's NPMI is 1 by convention); sparse and dense rows mixed; one null row,
    // which is no document.
    SplittableRandom rng = new SplittableRandom(7);
    List<double[]> docs = new ArrayList<>();
    for (int d = 0; d < 80; d++) {
      double[] x = new double[15];
      for (int w = 0; w < 14; w++) {
        boolean in = w >= 12 || (d % 11 != 0 && rng.nextDouble() < (w + 1) / 16.0);
        x[w] = in ? 1 + rng.nextInt(4) : 0;
      }
      docs.add(x);
    }
    List<Row> rows = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      Vector v = Vectors.dense(docs.get(d));
      rows.add(RowFactory.create(d % 2 == 0 ? v.toSparse() : v));
    }
    rows.add(RowFactory.create((Object) null));
    Dataset<Row> data = spark().createDataFrame(
        JavaSparkContext.fromSparkContext(spark().sparkContext()).parallelize(rows, 3),
        new StructType().add("counts", new VectorUDT(), true));

    int[][] topics = {{0, 1, 2, 3}, {4, 5, 14}, {6, 7, 8, 9, 10, 11, 12, 13}, {2, 0}, {13, 12, 11}};
    double[] got = Coherence.npmi(data, "counts", topics);
    double[] expected = bruteForce(docs, topics);
    assertArrayEquals(expected, got, 1e-12);
    assertEquals(-1.0, Coherence.npmi(80, 0, 40, 0), 0.0, "never together: -1");
    assertEquals(1.0, Coherence.npmi(80, 80, 80, 80), 0.0, "always together: 1");
    assertEquals(0.0, Coherence.npmi(80, 40, 40, 20), 1e-15, "independent: 0");
  }

  @Test
  @Tag("stochastic")
  void plantedTopicsAreMoreCoherentThanRandomWords() {
    DenseMatrix planted = SyntheticCorpus.dirichletTopics(200, 8, 0.05, Spread.seed(3));
    SyntheticCorpus.Corpus corpus = SyntheticCorpus.sample(planted, 600, 0.1, SyntheticCorpus.Length.fixed(50),
        Spread.seed(4));
    Dataset<Row> data = corpus.toDataFrame(spark(), 4);

    double plantedMean = mean(Coherence.npmi(data, "features", Coherence.topWords(planted, 10)));
    SplittableRandom rng = new SplittableRandom(Spread.seed(5));
    int[][] random = new int[8][];
    for (int t = 0; t < random.length; t++) {
      random[t] = rng.ints(0, 200).distinct().limit(10).toArray();
    }
    double randomMean = mean(Coherence.npmi(data, "features", random));
    Spread.record("coherence.plantedMean", plantedMean);
    Spread.record("coherence.randomMean", randomMean);
    // Planted 0.32 to 0.36 and random -0.49 to -0.43 over 5 seeds (most random pairs never meet: NPMI -1).
    // Sampling only, no BLAS: the bounds are 3 spreads from the medians.
    assertTrue(plantedMean > 0.2 && randomMean < 0 && plantedMean > randomMean + 0.5,
        "planted " + plantedMean + ", random " + randomMean);
  }

  @Test
  void topWordsAreTheLargestEntriesOfEachColumnTiesByLowerIndex() {
    DenseMatrix m = new DenseMatrix(5, 3, new double[] {
        0.1, 0.4, 0.4, 0.05, 0.05,
        0.2, 0.2, 0.2, 0.2, 0.2,
        -1, 3, -2, 7, 3});
    assertArrayEquals(new int[][] {{1, 2, 0}, {0, 1, 2}, {3, 1, 4}}, Coherence.topWords(m, 3));
    assertArrayEquals(new int[][] {{1, 2, 0, 3, 4}, {0, 1, 2, 3, 4}, {3, 1, 4, 0, 2}}, Coherence.topWords(m, 5));
    assertMessage("topWords needs 1 <= n <= V = 5 (the rows of the 5x3 topic-word matrix), found n = 6",
        () -> Coherence.topWords(m, 6));
  }

  @Test
  void badTopicsAreNamed() {
    Dataset<Row> data = spark().createDataFrame(
        List.of(RowFactory.create(Vectors.dense(1, 0, 2)), RowFactory.create(Vectors.dense(0, 1, 1))),
        new StructType().add("counts", new VectorUDT(), false));
    assertMessage("topic 1 names word 3, outside the vocabulary of column 'counts' (vectors of size 3)",
        () -> Coherence.npmi(data, "counts", new int[][] {{0, 1}, {2, 3}}));
    assertMessage("topic 0 has 1 top words: NPMI needs at least 2",
        () -> Coherence.npmi(data, "counts", new int[][] {{0}}));
    assertMessage("topic 0 lists word 1 twice (positions 0 and 2): expected distinct top words",
        () -> Coherence.npmi(data, "counts", new int[][] {{1, 0, 1}}));
    assertMessage("empty data: input column 'counts' has no rows",
        () -> Coherence.npmi(data.limit(0), "counts", new int[][] {{0, 1}}));
  }

  /** The definition, word pair by word pair, with probabilities as fractions of documents. */
  private static double[] bruteForce(List<double[]> docs, int[][] topics) {
    double n = docs.size();
    double[] out = new double[topics.length];
    for (int t = 0; t < topics.length; t++) {
      int[] w = topics[t];
      double sum = 0;
      int pairs = 0;
      for (int i = 0; i < w.length; i++) {
        for (int j = i + 1; j < w.length; j++) {
          double di = 0;
          double dj = 0;
          double dij = 0;
          for (double[] x : docs) {
            di += x[w[i]] > 0 ? 1 : 0;
            dj += x[w[j]] > 0 ? 1 : 0;
            dij += x[w[i]] > 0 && x[w[j]] > 0 ? 1 : 0;
          }
          double pij = dij / n;
          double npmi = pij == 0 ? -1 : pij == 1 ? 1 : Math.log(pij / ((di / n) * (dj / n))) / -Math.log(pij);
          sum += npmi;
          pairs++;
        }
      }
      out[t] = sum / pairs;
    }
    return out;
  }

  private static double mean(double[] x) {
    return Arrays.stream(x).average().orElseThrow();
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
