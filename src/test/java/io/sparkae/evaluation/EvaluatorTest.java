package io.sparkae.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.linear.ppca.ProbabilisticPCA;
import io.sparkae.linear.ppca.ProbabilisticPCAModel;
import io.sparkae.neural.topics.SyntheticCorpus;
import io.sparkae.neural.topics.TopicModel;
import io.sparkae.neural.topics.TopicModelModel;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluators against direct computations on collected rows, their params, copies, persistence, service
 * registration and errors. Values agree to 1e-12 relative: the evaluators add per-partition sums in partition
 * order, the test adds the rows one by one, so the only difference is the order of about 10^3 double additions
 * (a few 1e-16 relative each).
 */
class EvaluatorTest extends SparkTest {
  private static final double REL = 1e-12;
  /** Relative agreement of two float evaluations of the same rows in differently shaped blocks (see its use). */
  private static final double FLOAT_PATHS = 1e-6;
  private static Dataset<Row> data;
  private static Dataset<Row> scored;
  private static List<Row> rows;

  @BeforeAll
  static void fit() {
    data = Planted.frame(spark(), Planted.lowRank(600, Planted.orthonormal(12, 3, 41), new double[] {4, 3, 2},
        new double[12], 0.5, 42), 3).cache();
    ProbabilisticPCAModel m = new ProbabilisticPCA().setK(3).setLossCol("loss").setReconstructionCol("reconstruction")
        .fit(data);
    scored = m.transform(data).cache();
    rows = scored.select("features", "reconstruction", "loss").collectAsList();
  }

  @AfterAll
  static void release() {
    scored.unpersist();
    data.unpersist();
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, REL * Math.abs(expected), what);
  }

  @Test
  void reconstructionErrorIsTheMeanSquaredErrorOfTheRows() {
    double sse = 0;
    double loss = 0;
    long entries = 0;
    for (Row r : rows) {
      double[] x = ((Vector) r.get(0)).toArray();
      double[] xhat = ((Vector) r.get(1)).toArray();
      for (int i = 0; i < x.length; i++) {
        sse += (x[i] - xhat[i]) * (x[i] - xhat[i]);
      }
      entries += x.length;
      loss += r.getDouble(2);
    }
    ReconstructionErrorEvaluator e = new ReconstructionErrorEvaluator();
    assertEquals("mse", e.getMetricName());
    assertFalse(e.isLargerBetter());
    assertClose(sse / entries, e.evaluate(scored), "mse");
    assertClose(Math.sqrt(sse / entries), e.setMetricName("rmse").evaluate(scored), "rmse");
    assertClose(sse / rows.size(), e.setMetricName("rowError").evaluate(scored), "rowError");
    assertClose(loss / rows.size(), e.setMetricName("meanLoss").evaluate(scored), "meanLoss");
    for (String metric : new String[] {"mse", "rmse", "rowError", "meanLoss"}) {
      assertFalse(e.setMetricName(metric).isLargerBetter(), metric);
    }

    // For a squared-error model, rowError and meanLoss are the model's own evaluate().meanLoss.
    PCAModel pca = new PCA().setK(2).setLossCol("loss").setReconstructionCol("reconstruction").fit(data);
    Dataset<Row> out = pca.transform(data);
    double own = pca.evaluate(data).meanLoss();
    assertClose(own, e.setMetricName("rowError").evaluate(out), "PCA rowError");
    assertClose(own, e.setMetricName("meanLoss").evaluate(out), "PCA meanLoss");
  }

  @Test
  void logLikelihoodIsMinusTheMeanLoss() {
    double loss = 0;
    for (Row r : rows) {
      loss += r.getDouble(2);
    }
    LogLikelihoodEvaluator e = new LogLikelihoodEvaluator();
    assertEquals("logLikelihood", e.getMetricName());
    assertTrue(e.isLargerBetter());
    assertClose(-loss / rows.size(), e.evaluate(scored), "logLikelihood");
    e.setMetricName("negLogLikelihood");
    assertFalse(e.isLargerBetter());
    assertClose(loss / rows.size(), e.evaluate(scored), "negLogLikelihood");
    // PPCA's loss column is the exact -log p(x): the evaluator gives the model's own log-likelihood per row.
    ProbabilisticPCAModel m = new ProbabilisticPCA().setK(3).fit(data);
    assertClose(m.logLikelihoodPerRow(), new LogLikelihoodEvaluator().evaluate(scored), "PPCA log-likelihood");
  }

  @Test
  void perplexityIsExpOfTheLossPerWord() {
    SyntheticCorpus.Corpus corpus = SyntheticCorpus.sample(SyntheticCorpus.bars(4), 300, 1.0,
        SyntheticCorpus.Length.poisson(30), 43);
    Dataset<Row> docs = corpus.toDataFrame(spark(), 2).cache();
    TopicModelModel m = new TopicModel().setK(8).setHiddenLayers(16).setEpochs(1).setSeed(44).setLossCol("loss")
        .fit(docs);
    List<Row> out = m.transform(docs).select("features", "loss").collectAsList();
    double loss = 0;
    double words = 0;
    for (Row r : out) {
      loss += r.getDouble(1);
      for (double c : ((Vector) r.get(0)).toArray()) {
        words += c;
      }
    }
    PerplexityEvaluator e = new PerplexityEvaluator();
    assertEquals("perplexity", e.getMetricName());
    assertFalse(e.isLargerBetter());
    double perplexity = e.evaluate(m.transform(docs));
    assertClose(Math.exp(loss / words), perplexity, "perplexity");
    assertClose(loss / words, e.setMetricName("logPerplexity").evaluate(m.transform(docs)), "logPerplexity");
    // The model's own held-out perplexity bound (VaeEvaluation) draws the same noise per row: the same value up to
    // the float network's rounding. It evaluates blocks of 128 rows, transform its own blocks, and native OpenBLAS
    // may round an sgemm differently for other shapes (measured: 1.5e-9 relative with OpenBLAS, 0 with the Java
    // BLAS); float's 6e-8 per operation bounds that far below 1e-6, while a different noise draw per row would move
    // the figure by its Monte Carlo spread, about 1e-2.
    assertEquals(m.perplexity(docs), perplexity, FLOAT_PATHS * perplexity, "the model's perplexity");
    docs.unpersist();
  }

  @Test
  void mllibSilhouetteReadsSparkaeKMeansOutput() {
    Dataset<Row> clustered = new KMeans().setK(3).setSeed(45).fit(data).transform(data);
    List<Row> out = clustered.select("features", "prediction").collectAsList();
    double silhouette = new ClusteringEvaluator().evaluate(clustered);
    double direct = silhouette(out);
    // MLlib sums squared distances through ||x||^2 + ||y||^2 - 2 x.y per cluster, the direct form pair by pair:
    // measured 1e-16 apart (0.3775814671665562 and ...556), so they agree to 1e-12 as the others.
    assertClose(direct, silhouette, "silhouette");
  }

  /** The silhouette with squared Euclidean distances (MLlib's default), pair by pair. */
  private static double silhouette(List<Row> out) {
    int n = out.size();
    double[][] x = new double[n][];
    int[] label = new int[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      x[i] = ((Vector) out.get(i).get(0)).toArray();
      label[i] = out.get(i).getInt(1);
      k = Math.max(k, label[i] + 1);
    }
    int[] size = new int[k];
    for (int l : label) {
      size[l]++;
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double[] sum = new double[k];
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < x[i].length; t++) {
          s += (x[i][t] - x[j][t]) * (x[i][t] - x[j][t]);
        }
        sum[label[j]] += s;
      }
      if (size[label[i]] == 1) {
        continue; // MLlib: a singleton's silhouette is 0
      }
      double a = sum[label[i]] / (size[label[i]] - 1);
      double b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        if (c != label[i] && size[c] > 0) {
          b = Math.min(b, sum[c] / size[c]);
        }
      }
      total += (b - a) / Math.max(a, b);
    }
    return total / n;
  }

  @Test
  void copiesKeepParamsAndTakeExtras() {
    LogLikelihoodEvaluator e = new LogLikelihoodEvaluator().setLossCol("nll");
    LogLikelihoodEvaluator c = (LogLikelihoodEvaluator) e.copy(new ParamMap().put(e.metricName(), "negLogLikelihood"));
    assertNotSame(e, c);
    assertEquals(e.uid(), c.uid());
    assertEquals("nll", c.getLossCol());
    assertEquals("negLogLikelihood", c.getMetricName());
    assertEquals("logLikelihood", e.getMetricName());
    assertFalse(c.isLargerBetter());
    // Evaluator.evaluate(dataset, paramMap) goes through copy.
    double loss = 0;
    for (Row r : rows) {
      loss += r.getDouble(2);
    }
    LogLikelihoodEvaluator d = new LogLikelihoodEvaluator();
    assertClose(loss / rows.size(), d.evaluate(scored, new ParamMap().put(d.metricName(), "negLogLikelihood")),
        "evaluate with a param map");
  }

  @Test
  void saveAndLoadKeepUidAndParams(@TempDir Path dir) throws Exception {
    ReconstructionErrorEvaluator r = new ReconstructionErrorEvaluator().setInputCol("x").setReconstructionCol("xhat")
        .setLossCol("l").setMetricName("rowError");
    r.write().save(dir.resolve("r").toString());
    ReconstructionErrorEvaluator r2 = ReconstructionErrorEvaluator.load(dir.resolve("r").toString());
    assertEquals(r.uid(), r2.uid());
    assertEquals(List.of("x", "xhat", "l", "rowError"),
        List.of(r2.getInputCol(), r2.getReconstructionCol(), r2.getLossCol(), r2.getMetricName()));

    LogLikelihoodEvaluator l = new LogLikelihoodEvaluator().setLossCol("nll").setMetricName("negLogLikelihood");
    l.write().save(dir.resolve("l").toString());
    LogLikelihoodEvaluator l2 = LogLikelihoodEvaluator.load(dir.resolve("l").toString());
    assertEquals(l.uid(), l2.uid());
    assertEquals(List.of("nll", "negLogLikelihood"), List.of(l2.getLossCol(), l2.getMetricName()));

    PerplexityEvaluator p = new PerplexityEvaluator().setInputCol("counts").setLossCol("negElbo")
        .setMetricName("logPerplexity");
    p.write().save(dir.resolve("p").toString());
    PerplexityEvaluator p2 = PerplexityEvaluator.load(dir.resolve("p").toString());
    assertEquals(p.uid(), p2.uid());
    assertEquals(List.of("counts", "negElbo", "logPerplexity"),
        List.of(p2.getInputCol(), p2.getLossCol(), p2.getMetricName()));

    // Defaults stay defaults (not set) after loading.
    LogLikelihoodEvaluator fresh = new LogLikelihoodEvaluator();
    fresh.write().save(dir.resolve("f").toString());
    LogLikelihoodEvaluator f2 = LogLikelihoodEvaluator.load(dir.resolve("f").toString());
    assertFalse(f2.isSet(f2.lossCol()));
    assertEquals("loss", f2.getLossCol());
  }

  @Test
  void theServicesFileRegistersEveryEvaluatorWithANoArgumentConstructor() {
    Set<String> found = new TreeSet<>();
    for (Evaluator e : ServiceLoader.load(Evaluator.class)) {
      if (e.getClass().getPackageName().equals("io.sparkae.evaluation")) {
        found.add(e.getClass().getSimpleName());
      }
    }
    assertEquals(Set.of("LogLikelihoodEvaluator", "PerplexityEvaluator", "ReconstructionErrorEvaluator"), found);
  }

  @Test
  void badInputIsRefusedByName() {
    Dataset<Row> noLoss = data;
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new LogLikelihoodEvaluator().evaluate(noLoss));
    assertEquals("loss column 'loss' not found; the data has columns [features] (set the model's lossCol, or the "
        + "estimator's before fitting)", missing.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> new ReconstructionErrorEvaluator().setReconstructionCol("features").setInputCol("loss")
            .evaluate(scored));
    assertEquals("input column 'loss' must hold vectors (vector), found double", type.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LogLikelihoodEvaluator().setMetricName("elbo"));

    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("reconstruction", SQLDataTypes.VectorType(), false).add("loss", DataTypes.DoubleType, true);
    List<Row> bad = new ArrayList<>();
    bad.add(RowFactory.create(Vectors.dense(1, 2, 3), Vectors.dense(1, 2), 0.5));
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> new ReconstructionErrorEvaluator().evaluate(spark().createDataFrame(bad, schema)));
    assertEquals("reconstruction column 'reconstruction' holds a vector of size 2 for an input of size 3 in column "
        + "'features'", size.getMessage());
    List<Row> negative = List.of(RowFactory.create(Vectors.dense(1, -2, 3), Vectors.dense(1, 2, 3), 0.5));
    IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
        () -> new PerplexityEvaluator().evaluate(spark().createDataFrame(negative, schema)));
    assertEquals("input column 'features' holds a count of -2.0; perplexity needs nonnegative word counts",
        counts.getMessage());
    List<Row> nullLoss = List.of(RowFactory.create(Vectors.dense(1, 2, 3), Vectors.dense(1, 2, 3), null));
    IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
        () -> new LogLikelihoodEvaluator().evaluate(spark().createDataFrame(nullLoss, schema)));
    assertEquals("loss column 'loss' holds a null", nul.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> new LogLikelihoodEvaluator().evaluate(spark().createDataFrame(List.of(), schema)));
    assertEquals("empty data: no rows to evaluate the log-likelihood on", empty.getMessage());
  }
}
