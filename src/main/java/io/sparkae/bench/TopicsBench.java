package io.sparkae.bench;

import io.sparkae.data.DataSources;
import io.sparkae.data.TextCorpus;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.topics.Coherence;
import io.sparkae.neural.topics.TopicModel;
import io.sparkae.neural.topics.TopicModelModel;
import io.sparkae.neural.vae.VaeEvaluation;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.clustering.LDA;
import org.apache.spark.ml.clustering.LDAModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/bench topics}: sparkae's {@link TopicModel} (ProdLDA, Srivastava and Sutton 2017; its defaults) against
 * Spark MLlib's {@link LDA} with the online variational Bayes optimizer (Hoffman, Blei and Bach 2010), in the same
 * run, on the same Reuters word counts (vocabulary of the most frequent {@code --vocab} words) split 90/10 into
 * training and held-out documents by a seeded {@code randomSplit}. For both: fit time (on the cached training
 * DataFrame), held-out perplexity and the mean NPMI coherence of each topic's top 10 words over the training
 * documents ({@link Coherence#npmi}, the same code for both). The perplexities are both upper bounds from
 * variational lower bounds on log p(held-out documents), but different ones: sparkae's is exp(sum -ELBO / sum of
 * counts) with its amortised logistic-normal posterior; MLlib's is exp(logPerplexity), from its per-document
 * Dirichlet posteriors fitted against the learned topics (plus its topic-prior term). Topics are ranked as each
 * library ranks them: sparkae by the decoder weights W (ProdLDA), MLlib by its topic-word matrix (lambda). For
 * sparkae also the topics' use: each topic's share of the training corpus' topic mass (the mean of the documents'
 * proportions theta), the number of topics under 1% of it (collapsed) and the smallest share; {@code --batch-norm}
 * (default on, ProdLDA's) or {@code --no-batch-norm}.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "topic model on Reuters: sparkae ProdLDA vs Spark MLlib online LDA (time, perplexity, NPMI)")
public final class TopicsBench extends Benchmark {
  @Option(names = "--data", description = "Reuters JSON folder (default: data/reuters)")
  String data = "data/reuters";

  @Option(names = "--vocab", description = "vocabulary size (default: 2000)")
  int vocab = 2000;

  @Option(names = "--k", description = "topics (default: 20)")
  int k = 20;

  @Option(names = "--epochs", description = "sparkae epochs (default: 20)")
  int epochs = 20;

  @Option(names = "--max-iter", description = "MLlib online LDA iterations (minibatches) (default: 50)")
  int maxIter = 50;

  @Option(names = "--subsampling-rate", description = "MLlib minibatch fraction of the corpus per iteration "
      + "(default: 0.05, MLlib's)")
  double subsamplingRate = 0.05;

  @Option(names = "--top-n", description = "top words per topic for NPMI (default: 10)")
  int topN = 10;

  @Option(names = "--show-topics", description = "topics whose top words are printed, per library (default: 5)")
  int showTopics = 5;

  @Option(names = "--partitions", description = "partitions of the corpus (default: 2)")
  int partitions = 2;

  @Option(names = "--held-out", description = "held-out fraction of the documents (default: 0.1)")
  double heldOut = 0.1;

  @Option(names = "--seed", description = "seed of the split and of both fits (default: 42)")
  long seed = 42;

  // Named by its negation, as picocli wants a negatable option that is on by default: --no-batch-norm turns it off,
  // --batch-norm (the negated form) on.
  @Option(names = "--no-batch-norm", negatable = true,
      description = "sparkae: batch normalisation of the encoder's outputs and the decoder's logits, as ProdLDA "
          + "(default: on; --no-batch-norm: off)")
  boolean batchNorm = true;

  /** One library's figures. */
  private record Fit(double seconds, double perplexity, double[] npmi, String[][] words) {
    double meanNpmi() {
      return Arrays.stream(npmi).average().orElse(Double.NaN);
    }
  }

  @Override
  protected void run(SparkSession spark) throws Exception {
    Dataset<Row> corpus = DataSources.load(spark, data, "reuters", Map.of("vocabSize", String.valueOf(vocab)))
        .select("features").repartition(partitions).cache();
    corpus.count();
    Dataset<Row>[] split = corpus.randomSplit(new double[] {1 - heldOut, heldOut}, seed);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    long nTrain = train.count();
    long nTest = test.count();
    corpus.unpersist(true);
    String[] words = TextCorpus.vocabulary(train.schema().apply("features"))
        .orElseThrow(() -> new IllegalStateException("features of " + data + " carry no vocabulary"));
    System.out.printf(Locale.ROOT, "# sparkae topics bench: Reuters %s, V = %d, K = %d; %d training / %d held-out "
        + "documents (seeded randomSplit %.2f/%.2f, seed %d), %d partitions, master %s, %d cores%n", data,
        words.length, k, nTrain, nTest, 1 - heldOut, heldOut, seed, partitions, spark.sparkContext().master(),
        Runtime.getRuntime().availableProcessors());
    // Untimed warm-up of both code paths (JIT, Spark's first jobs) on a few documents.
    Dataset<Row> warm = train.limit(500).cache();
    warm.count();
    topicModel(1).fit(warm);
    lda(1).fit(warm);
    warm.unpersist(true);

    long t0 = System.nanoTime();
    TopicModelModel ours = topicModel(epochs).fit(train);
    double oursSecs = (System.nanoTime() - t0) / 1e9;
    VaeEvaluation.Result ev = ours.evaluateLikelihood(test, 0);
    int[][] oursTop = ours.topWordIndices(topN);
    Fit s = new Fit(oursSecs, ev.perplexity(), Coherence.npmi(train, "features", oursTop), names(oursTop, words));
    double[] mass = ours.topicMass(train);
    int collapsed = TopicModelModel.countBelow(mass, 0.01);
    double smallest = Arrays.stream(mass).min().orElse(Double.NaN);

    long t1 = System.nanoTime();
    LDAModel theirs = lda(maxIter).fit(train);
    double theirSecs = (System.nanoTime() - t1) / 1e9;
    double theirPerplexity = Math.exp(theirs.logPerplexity(test));
    Matrix tm = theirs.topicsMatrix();
    int[][] theirTop = Coherence.topWords(new DenseMatrix(tm.numRows(), tm.numCols(), tm.toArray()), topN);
    Fit m = new Fit(theirSecs, theirPerplexity, Coherence.npmi(train, "features", theirTop), names(theirTop, words));

    System.out.printf(Locale.ROOT, "%n%-34s %8s %12s %10s %10s%n", "model", "fit s", "perplexity", "NPMI mean",
        "NPMI min");
    row(String.format(Locale.ROOT, "sparkae ProdLDA%s, %d epochs", batchNorm ? " BN" : "", epochs), s);
    row(String.format(Locale.ROOT, "MLlib LDA online, %d iter x %.2f", maxIter, subsamplingRate), m);
    System.out.printf(Locale.ROOT, "(held-out: %d documents, %.0f words. Perplexities are upper bounds computed "
        + "differently: sparkae exp(sum -ELBO / words) with its amortised encoder, MLlib exp(logPerplexity) from "
        + "per-document variational Dirichlets. NPMI of the top %d words on the %d training documents. MLlib sees "
        + "about %.1f passes over the corpus, sparkae %d.)%n", nTest, ev.tokens(), topN, nTrain,
        maxIter * subsamplingRate, epochs);
    System.out.printf(Locale.ROOT, "sparkae topic use: %d of %d topics hold < 1%% of the training corpus' topic mass "
        + "(mean theta); smallest topic %.4f, largest %.4f (uniform %.4f); batch norm %s%n", collapsed, mass.length,
        smallest, Arrays.stream(mass).max().orElse(Double.NaN), 1.0 / mass.length, batchNorm ? "on" : "off");
    topics("sparkae", s);
    topics("MLlib", m);
    System.out.printf(Locale.ROOT, "%nsummary: fit time MLlib/sparkae %.2fx; perplexity sparkae/MLlib %.3f "
        + "(%.0f vs %.0f); NPMI sparkae - MLlib %+.3f (%.3f vs %.3f)%n",
        m.seconds() / s.seconds(), s.perplexity() / m.perplexity(), s.perplexity(), m.perplexity(),
        s.meanNpmi() - m.meanNpmi(), s.meanNpmi(), m.meanNpmi());
    String what = String.format(Locale.ROOT, "Reuters, K = %d", k);
    figure(what + ": fit time", m.seconds() / s.seconds(), "MLlib online LDA s / sparkae ProdLDA s");
    figure(what + ": held-out perplexity bound", s.perplexity() / m.perplexity(), "sparkae / MLlib");
    figure(what + ": mean NPMI of the top " + topN + " words", s.meanNpmi() - m.meanNpmi(), "sparkae - MLlib");
    figure(what + ": sparkae topics under 1% of the topic mass", collapsed, "topics (batch norm "
        + (batchNorm ? "on" : "off") + ")");
    figure(what + ": sparkae smallest topic's share of the topic mass", smallest, "fraction");
    train.unpersist(true);
    test.unpersist(true);
  }

  private TopicModel topicModel(int fitEpochs) {
    return new TopicModel().setK(k).setEpochs(fitEpochs).setSeed(seed).setBatchNorm(batchNorm);
  }

  private LDA lda(int iters) {
    return new LDA().setK(k).setMaxIter(iters).setOptimizer("online").setSubsamplingRate(subsamplingRate)
        .setSeed(seed).setFeaturesCol("features");
  }

  private static void row(String name, Fit f) {
    System.out.printf(Locale.ROOT, "%-34s %8.1f %12.1f %10.3f %10.3f%n", name, f.seconds(), f.perplexity(),
        f.meanNpmi(), Arrays.stream(f.npmi()).min().orElse(Double.NaN));
  }

  private void topics(String who, Fit f) {
    int show = Math.min(showTopics, f.words().length);
    for (int t = 0; t < show; t++) {
      System.out.printf(Locale.ROOT, "%-7s topic %2d (NPMI %+.2f): %s%n", who, t, f.npmi()[t],
          String.join(" ", Arrays.copyOf(f.words()[t], Math.min(8, f.words()[t].length))));
    }
  }

  private static String[][] names(int[][] idx, String[] words) {
    String[][] out = new String[idx.length][];
    for (int t = 0; t < idx.length; t++) {
      out[t] = new String[idx[t].length];
      for (int i = 0; i < idx[t].length; i++) {
        out[t][i] = words[idx[t][i]];
      }
    }
    return out;
  }
}
