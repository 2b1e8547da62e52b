package io.sparkae.neural.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.vae.Vae;
import io.sparkae.neural.vae.VaeAutoencoder;
import io.sparkae.testing.SparkTest;
import io.sparkae.testing.Spread;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic model's batch normalisation (ProdLDA's): every topic stays in use on a planted corpus where the model
 * without it lets topics collapse; the running statistics are saved and reloaded; inference uses them, so a
 * document's topic proportions do not depend on the other documents of its block.
 */
class TopicModelBatchNormTest extends SparkTest {

  private static SyntheticCorpus.Corpus corpus(int docs, long seed) {
    DenseMatrix planted = SyntheticCorpus.dirichletTopics(200, 10, 0.05, Spread.seed(seed));
    return SyntheticCorpus.sample(planted, docs, 0.3, SyntheticCorpus.Length.poisson(80), Spread.seed(seed + 1));
  }

  /** K = 10 topics over 10 planted ones with a sparse prior (alpha 0.02), no KL warm-up: prone to collapse. */
  private static TopicModel estimator(boolean batchNorm, int epochs) {
    return new TopicModel().setK(10).setHiddenLayers(50).setDocConcentration(0.02).setKlWarmupEpochs(0)
        .setLearningRate(0.01).setEpochs(epochs).setBatchNorm(batchNorm).setSeed(Spread.seed(33));
  }

  @Test
  @Tag("stochastic")
  void batchNormKeepsEveryTopicInUse() {
    SyntheticCorpus.Corpus c = corpus(2000, 31);
    Dataset<Row> docs = c.toDataFrame(spark(), 2).cache();
    double[] plain = estimator(false, 10).fit(docs).topicMass(docs);
    TopicModelModel bn = estimator(true, 10).fit(docs);
    double[] mass = bn.topicMass(docs);
    assertEquals(1.0, Arrays.stream(mass).sum(), 1e-6);
    double minPlain = Arrays.stream(plain).min().getAsDouble();
    double minBn = Arrays.stream(mass).min().getAsDouble();
    Spread.record("topics.minTopicMass.plain", minPlain);
    Spread.record("topics.collapsedTopics.plain", TopicModelModel.countBelow(plain, 0.01));
    Spread.record("topics.minTopicMass.batchNorm", minBn);
    // Measured on this corpus and 3 others drawn with the same settings and other seeds: without batch norm 3 or 4 of
    // the 10 topics hold < 1% of the mass (smallest 0.0005 to 0.0013; here 4, 0.00052), with it none (smallest 0.082
    // to 0.089; here 0.0886). On the 3 others the best-match cosine to the planted topics was 0.72 to 0.76 without,
    // 0.90 to 0.91 with. Not asserted for the plain model: it "may" collapse.
    assertEquals(0, TopicModelModel.countBelow(mass, 0.01), "topics under 1% of the mass with batch norm: "
        + Arrays.toString(mass) + " (without: " + Arrays.toString(plain) + ")");
    assertTrue(SyntheticCorpus.meanBestMatchCosine(c.topics(), bn.topicsMatrix()) >= 0.75);
    docs.unpersist();
  }

  @Test
  void runningStatisticsAreSavedAndUsedAtInference(@TempDir Path dir) throws Exception {
    Dataset<Row> docs = corpus(600, 41).toDataFrame(spark(), 2).cache();
    TopicModelModel m = estimator(true, 2).fit(docs);
    Vae vae = m.vae();
    assertTrue(vae.batchNorm());
    float[] p = m.autoencoder().parameters();
    int s = vae.trainedParams();
    int k = vae.latentSize();
    int v = vae.inputSize();
    assertEquals(s + 2 * (2 * k + v), p.length);
    // The running statistics moved from their start (means 0, variances 1), variances stayed positive.
    float[] means = Arrays.copyOfRange(p, s, s + 2 * k);
    float[] vars = Arrays.copyOfRange(p, s + 2 * k, s + 4 * k);
    assertFalse(Arrays.equals(means, new float[2 * k]));
    for (int i = 0; i < 2 * k + v; i++) {
      float var = p[s + (i < 2 * k ? 2 * k + i : 4 * k + v + i - 2 * k)];
      assertTrue(var > 0 && var != 1f, "running variance " + i + " = " + var);
    }

    // Save and load: the same parameters and running statistics, the same topic proportions; transform is repeatable.
    List<Row> codes = m.transform(docs.limit(30)).select("topicDistribution").collectAsList();
    assertEquals(codes, m.transform(docs.limit(30)).select("topicDistribution").collectAsList());
    m.write().save(dir.resolve("m").toString());
    TopicModelModel back = TopicModelModel.load(dir.resolve("m").toString());
    assertTrue(back.vae().batchNorm());
    assertArrayEquals(p, back.autoencoder().parameters());
    assertEquals(codes, back.transform(docs.limit(30)).select("topicDistribution").collectAsList());
    assertArrayEquals(m.topicsMatrix().values, back.topicsMatrix().values, 0.0);

    // A document alone gives the theta it gets inside a block of 40: inference normalises by the running statistics.
    List<Row> rows = docs.select("features").limit(40).collectAsList();
    DenseMatrix block = new DenseMatrix(v, 40);
    for (int j = 0; j < 40; j++) {
      double[] x = ((Vector) rows.get(j).get(0)).toArray();
      System.arraycopy(x, 0, block.values, j * v, v);
    }
    VaeAutoencoder ae = m.autoencoder();
    DenseMatrix all = new DenseMatrix(k, 40);
    ae.encode(block, 40, all);
    for (int j : new int[] {0, 17, 39}) {
      DenseMatrix one = new DenseMatrix(v, 1, Arrays.copyOfRange(block.values, j * v, (j + 1) * v));
      DenseMatrix theta = new DenseMatrix(k, 1);
      ae.encode(one, 1, theta);
      assertArrayEquals(Arrays.copyOfRange(all.values, j * k, (j + 1) * k), theta.values, 1e-6, "document " + j);
    }

    // ... and the running statistics are what it normalises by: theta = softmax((u - M) / sqrt(V + eps) + b), with
    // u + b the raw mu of the same weights run through an encoder without batch norm (nor softmax: its code is mu).
    Vae plain = Vae.builder(v, k, vae.likelihood()).encoderHidden(50).hidden(vae.encoder().hidden()).build();
    VaeAutoencoder plainAe = new VaeAutoencoder(plain, Arrays.copyOf(p, plain.numParams()), 0);
    DenseMatrix raw = new DenseMatrix(k, 40);
    plainAe.encode(block, 40, raw);
    int bias = vae.encoder().biasOffset(vae.encoder().layers() - 1);
    for (int j = 0; j < 40; j++) {
      double[] mu = new double[k];
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        mu[i] = (raw.values[j * k + i] - p[bias + i] - p[s + i]) / Math.sqrt(p[s + 2 * k + i] + Vae.BN_EPSILON)
            + p[bias + i];
        max = Math.max(max, mu[i]);
      }
      double z = 0;
      for (int i = 0; i < k; i++) {
        z += Math.exp(mu[i] - max);
      }
      for (int i = 0; i < k; i++) {
        assertEquals(Math.exp(mu[i] - max) / z, all.values[j * k + i], 1e-5, "document " + j + ", topic " + i);
      }
    }
    docs.unpersist();
  }
}
