package io.sparkae.neural.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.data.TextCorpus;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.SparkTest;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import io.sparkae.testing.Spread;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The LDA sampler: reproducibility, lengths, planted topics, word frequencies, Gamma draws and topic matching. */
class SyntheticCorpusTest extends SparkTest {

  @Test
  void sameSeedSameCorpus() {
    DenseMatrix topics = SyntheticCorpus.dirichletTopics(50, 4, 0.1, 11);
    assertArrayEquals(topics.values, SyntheticCorpus.dirichletTopics(50, 4, 0.1, 11).values, 0.0);
    SyntheticCorpus.Corpus a = SyntheticCorpus.sample(topics, 30, 0.5, SyntheticCorpus.Length.poisson(20), 1);
    SyntheticCorpus.Corpus b = SyntheticCorpus.sample(topics, 30, 0.5, SyntheticCorpus.Length.poisson(20), 1);
    SyntheticCorpus.Corpus c = SyntheticCorpus.sample(topics, 30, 0.5, SyntheticCorpus.Length.poisson(20), 2);
    assertEquals(a.documents(), b.documents());
    assertArrayEquals(a.proportions().values, b.proportions().values, 0.0);
    assertNotEquals(a.documents(), c.documents());
  }

  @Test
  void documentsHaveTheLengthsAsked() {
    DenseMatrix bars = SyntheticCorpus.bars(4);
    SyntheticCorpus.Corpus fixed = SyntheticCorpus.sample(bars, 200, 1.0, SyntheticCorpus.Length.fixed(37), 3);
    assertEquals(200, fixed.documents().size());
    for (SparseVector d : fixed.documents()) {
      assertEquals(16, d.size());
      assertEquals(37.0, Arrays.stream(d.values()).sum(), 0.0);
      assertTrue(Arrays.stream(d.values()).allMatch(x -> x >= 1 && x == Math.rint(x)));
      for (int p = 1; p < d.indices().length; p++) {
        assertTrue(d.indices()[p - 1] < d.indices()[p], "sorted indices");
      }
    }

    // Poisson(60): mean 60 and variance 60; 2000 documents put the sample mean within 0.7 (4 standard errors).
    SyntheticCorpus.Corpus poisson = SyntheticCorpus.sample(bars, 2000, 1.0, SyntheticCorpus.Length.poisson(60), 3);
    double[] lengths = poisson.documents().stream().mapToDouble(d -> Arrays.stream(d.values()).sum()).toArray();
    double mean = Arrays.stream(lengths).average().orElseThrow();
    double var = Arrays.stream(lengths).map(x -> (x - mean) * (x - mean)).sum() / (lengths.length - 1);
    assertEquals(60, mean, 0.7);
    assertEquals(60, var, 9);
    // A mean above Knuth's 500-per-piece limit, and a tiny mean (zero-truncated: never 0).
    SplittableRandom rng = new SplittableRandom(9);
    double big = 0;
    for (int i = 0; i < 400; i++) {
      big += SyntheticCorpus.positivePoisson(1200, rng);
    }
    assertEquals(1200, big / 400, 7);
    for (int i = 0; i < 1000; i++) {
      assertTrue(SyntheticCorpus.positivePoisson(0.01 + 1, rng) >= 1);
    }
  }

  @Test
  void plantedTopicsAreDistributions() {
    DenseMatrix sparse = SyntheticCorpus.dirichletTopics(1000, 6, 0.01, 5);
    for (int k = 0; k < 6; k++) {
      double[] col = sparse.column(k);
      assertTrue(Arrays.stream(col).allMatch(x -> x >= 0 && Double.isFinite(x)));
      assertEquals(1.0, Arrays.stream(col).sum(), 1e-12);
      // Dirichlet(0.01) over 1000 words: E[sum of squares] = (eta + 1) / (V eta + 1) = 1.01 / 11, a few heavy words.
      double top = Arrays.stream(col).max().orElseThrow();
      assertTrue(top > 0.05, "topic " + k + " should be peaked, largest weight " + top);
    }

    DenseMatrix bars = SyntheticCorpus.bars(3);
    assertEquals("9x6", bars.shape());
    assertArrayEquals(new double[] {1, 1, 1, 0, 0, 0, 0, 0, 0}, scaled(bars.column(0), 3), 1e-15);
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0, 0, 1, 0}, scaled(bars.column(4), 3), 1e-15);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SyntheticCorpus.sample(new DenseMatrix(3, 1, new double[] {0.5, 0.4, 0}), 1, 1,
            SyntheticCorpus.Length.fixed(1), 0));
    assertEquals("topic 0 of the 3x1 topics sums to 0.9: expected columns that sum to 1", e.getMessage());
  }

  @Test
  @Tag("stochastic")
  void wordFrequenciesApproachTheModelsExpectation() {
    // E[share of word w] = (1/K) sum_k beta_wk under a symmetric Dirichlet on theta.
    DenseMatrix topics = SyntheticCorpus.dirichletTopics(40, 5, 0.3, Spread.seed(21));
    SyntheticCorpus.Corpus corpus = SyntheticCorpus.sample(topics, 4000, 0.5, SyntheticCorpus.Length.fixed(50),
        Spread.seed(22));
    double[] counts = new double[40];
    for (SparseVector d : corpus.documents()) {
      for (int p = 0; p < d.indices().length; p++) {
        counts[d.indices()[p]] += d.values()[p];
      }
    }
    double totalVariation = 0;
    for (int w = 0; w < 40; w++) {
      double expected = 0;
      for (int k = 0; k < 5; k++) {
        expected += topics.get(w, k) / 5;
      }
      totalVariation += 0.5 * Math.abs(counts[w] / 200_000 - expected);
    }
    // Measured 0.006 to 0.009 over 5 seeds.
    Spread.record("corpus.totalVariation", totalVariation);
    assertTrue(totalVariation < 0.02, "total variation " + totalVariation);

    // The topic proportions follow Dirichlet(alpha): mean 1/K per topic.
    double[] meanTheta = new double[5];
    for (int d = 0; d < 4000; d++) {
      for (int k = 0; k < 5; k++) {
        meanTheta[k] += corpus.proportions().get(k, d) / 4000;
      }
    }
    // Each mean of 4000 Dirichlet(0.5) proportions has standard error sqrt(0.2 * 0.8 / 3.5 / 4000) = 0.0034: the
    // bound is 4.4 standard errors (measured largest deviation of the 5: 0.004 to 0.008 over 5 seeds).
    Spread.record("corpus.meanThetaMaxDeviation", Arrays.stream(meanTheta).map(t -> Math.abs(t - 0.2)).max()
        .orElseThrow());
    assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, meanTheta, 0.015);
  }

  @Test
  void gammaDrawsHaveTheRightMoments() {
    // Gamma(a, 1): mean a, variance a. 40000 draws: standard error of the mean sqrt(a / 40000).
    SplittableRandom rng = new SplittableRandom(13);
    for (double a : new double[] {0.05, 0.5, 1, 3.7}) {
      int n = 40000;
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double g = Math.exp(SyntheticCorpus.logGamma(a, rng));
        sum += g;
        sumSq += g * g;
      }
      double mean = sum / n;
      double var = sumSq / n - mean * mean;
      assertEquals(a, mean, 5 * Math.sqrt(a / n), "mean of Gamma(" + a + ")");
      assertEquals(a, var, 0.1 * a, "variance of Gamma(" + a + ")");
    }
    // A Dirichlet with a tiny parameter still sums to 1 (every Gamma draw underflows in linear space).
    double[] theta = new double[50];
    SyntheticCorpus.dirichlet(0.001, theta, rng);
    assertEquals(1.0, Arrays.stream(theta).sum(), 1e-12);
    assertTrue(Arrays.stream(theta).allMatch(x -> x >= 0 && Double.isFinite(x)));
  }

  @Test
  void bestMatchCosineIgnoresOrderAndScale() {
    DenseMatrix bars = SyntheticCorpus.bars(3);
    assertEquals(1.0, SyntheticCorpus.meanBestMatchCosine(bars, bars), 1e-15);
    DenseMatrix shuffled = new DenseMatrix(9, 7);
    int[] order = {5, 0, 3, 1, 4, 2};
    for (int j = 0; j < 6; j++) {
      for (int i = 0; i < 9; i++) {
        shuffled.set(i, j, 4 * bars.get(i, order[j]));
      }
    }
    assertEquals(1.0, SyntheticCorpus.meanBestMatchCosine(bars, shuffled), 1e-15);
    // Rows only: a horizontal bar vs the best row bar is 1, a vertical bar meets each row bar in one word: 1/3.
    DenseMatrix rowsOnly = new DenseMatrix(9, 3, Arrays.copyOf(bars.values, 27));
    assertEquals((3 * 1.0 + 3 * (1.0 / 3)) / 6, SyntheticCorpus.meanBestMatchCosine(bars, rowsOnly), 1e-15);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SyntheticCorpus.meanBestMatchCosine(bars, new DenseMatrix(8, 6)));
    assertEquals("meanBestMatchCosine needs topics over the same words, at least one each: planted is 9x6, learned"
        + " is 8x6", e.getMessage());
  }

  @Test
  void dataFrameCarriesCountsAndVocabulary() {
    SyntheticCorpus.Corpus corpus =
        SyntheticCorpus.sample(SyntheticCorpus.bars(3), 25, 1, SyntheticCorpus.Length.fixed(10), 8);
    Dataset<Row> df = corpus.toDataFrame(spark(), 3);
    assertEquals(3, df.rdd().getNumPartitions());
    String[] vocab = TextCorpus.vocabulary(df.schema().apply("features")).orElseThrow();
    assertEquals(List.of("w0", "w1", "w8"), List.of(vocab[0], vocab[1], vocab[8]));
    assertEquals(9, vocab.length);
    List<Row> rows = df.collectAsList();
    assertEquals("doc24", rows.get(24).getString(0));
    assertEquals(corpus.documents().get(24), rows.get(24).get(1));
  }

  private static double[] scaled(double[] x, double by) {
    return Arrays.stream(x).map(v -> v * by).toArray();
  }
}
