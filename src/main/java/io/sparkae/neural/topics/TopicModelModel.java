package io.sparkae.neural.topics;

import io.sparkae.core.FitHistory;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.core.TrainingReport;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.vae.VaeAutoencoder;
import io.sparkae.neural.vae.VariationalModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A fitted {@link TopicModel}. {@code transform} appends each document's topic proportions softmax(mu(x)) (default
 * column {@code topicDistribution}, as Spark's LDA); {@link #topicWeights()} are the decoder's W (V x K, centred per word),
 * {@link #topicsMatrix()} the word distributions p(w | theta = e_k); {@link #describeTopics(int)} their top words;
 * {@link #perplexity} the held-out perplexity bound; {@link #coherence} NPMI on a reference corpus. The vocabulary
 * is a Param, saved in the metadata. Immutable.
 */
public final class TopicModelModel extends VariationalModel<TopicModelModel> implements TrainingReport {
  private static final long serialVersionUID = 1L;
  /** Words per topic in the fit's report. */
  static final int TOP_WORDS = 10;

  private final StringArrayParam vocabulary;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public TopicModelModel() {
    this(Identifiable.randomUID("sparkae-topics-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public TopicModelModel(String uid) {
    this(uid, null, new double[0], new double[0], 0, Provenance.unknown(0));
  }

  public TopicModelModel(String uid, VaeAutoencoder ae, double[] trainLoss, double[] validationLoss,
      int roundsPerEpoch, Provenance provenance) {
    super(uid, ae, trainLoss, validationLoss, roundsPerEpoch, new DenseMatrix(0, 0), provenance);
    vocabulary = new StringArrayParam(this, "vocabulary", "the words of the count vectors' coordinates");
    setDefault(vocabulary, new String[0]);
    setDefault(outputCol(), "topicDistribution");
  }

  public StringArrayParam vocabulary() {
    return vocabulary;
  }

  /** The words (a copy); word i is coordinate i of the count vectors. */
  public String[] getVocabulary() {
    return getOrDefault(vocabulary).clone();
  }

  TopicModelModel setVocabulary(String[] v) {
    set(vocabulary, v.clone());
    return this;
  }

  /** The number of topics K. */
  public int k() {
    return vae().latentSize();
  }

  /**
   * The decoder's weights W (V x K) with each word's mean over the topics removed: column k scores each word for
   * topic k against the others. Because theta sums to 1, adding c_w to row w of W and subtracting it from b_w leaves
   * every document's word distribution unchanged; only the centred weights are identified, and ranking by raw W
   * would rank frequent words high in every topic. With batch normalisation the weights are those inference applies,
   * row w of W divided by the running standard deviation sqrt(V_w + eps) of word w's logit.
   */
  public DenseMatrix topicWeights() {
    float[] p = autoencoder().parameters();
    int v = vae().inputSize();
    int k = k();
    int off = vae().decoder().weightOffset(0);
    DenseMatrix w = new DenseMatrix(v, k);
    for (int i = 0; i < v; i++) {
      double mean = 0;
      for (int t = 0; t < k; t++) {
        mean += p[off + t * v + i];
      }
      mean /= k;
      double scale = vae().outputScale(p, i);
      for (int t = 0; t < k; t++) {
        w.values[t * v + i] = (p[off + t * v + i] - mean) * scale;
      }
    }
    return w;
  }

  /** The word distribution of each pure topic, p(w | theta = e_k) = softmax(W e_k + b), V x K (columns sum to 1). */
  public DenseMatrix topicsMatrix() {
    int k = k();
    DenseMatrix e = new DenseMatrix(k, k);
    for (int i = 0; i < k; i++) {
      e.values[i * k + i] = 1;
    }
    return decodeAll(e);
  }

  /** The indices of the {@code n} highest-weighted words of each topic (by the centred W), descending. */
  public int[][] topWordIndices(int n) {
    return Coherence.topWords(topicWeights(), n);
  }

  /** The top {@code n} words of each topic, by name. */
  public String[][] describeTopics(int n) {
    String[] vocab = getVocabulary();
    int[][] idx = topWordIndices(n);
    String[][] out = new String[idx.length][];
    for (int t = 0; t < idx.length; t++) {
      out[t] = new String[idx[t].length];
      for (int i = 0; i < idx[t].length; i++) {
        out[t][i] = idx[t][i] < vocab.length ? vocab[idx[t][i]] : "word" + idx[t][i];
      }
    }
    return out;
  }

  /**
   * Each topic's share of the corpus' topic mass: the mean over the documents of their topic proportions theta
   * (this model's transform), K entries summing to 1. A topic with a share far below 1 / K is unused (collapsed).
   */
  public double[] topicMass(Dataset<?> documents) {
    String col = "__theta";
    Row r = copy(new ParamMap()).setOutputCol(col).transform(documents)
        .select(Summarizer.mean(functions.col(col))).first();
    return ((Vector) r.get(0)).toArray();
  }

  /** The number of entries of {@code mass} below {@code threshold} (e.g. 0.01: topics holding under 1%). */
  public static int countBelow(double[] mass, double threshold) {
    int c = 0;
    for (double m : mass) {
      c += m < threshold ? 1 : 0;
    }
    return c;
  }

  /** exp(sum over documents of -ELBO / number of words): the perplexity bound on held-out documents. */
  public double perplexity(Dataset<?> documents) {
    return evaluateLikelihood(documents, 0).perplexity();
  }

  /** NPMI coherence of each topic's top {@code n} words on {@code reference} (counts in the input column). */
  public double[] coherence(Dataset<?> reference, int n) {
    return Coherence.npmi(reference, getInputCol(), topWordIndices(n));
  }

  /**
   * Each topic's top words with its NPMI coherence and its share of the topic mass ({@link #topicMass}) on the
   * training corpus (metrics, with the number of topics under 1% and the smallest share, and a readable
   * topics.txt), and the vocabulary (vocabulary.txt, one word per line, for vectorising new documents with
   * {@code --option vocabulary=...}).
   */
  @Override
  public Report trainingReport(Dataset<Row> corpus) {
    String[][] words = describeTopics(TOP_WORDS);
    double[] npmi = coherence(corpus, Math.min(TOP_WORDS, vae().inputSize()));
    double[] mass = topicMass(corpus);
    double mean = 0;
    List<Map<String, Object>> topics = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < words.length; t++) {
      Map<String, Object> topic = new LinkedHashMap<>();
      topic.put("topic", t);
      topic.put("npmi", npmi[t]);
      topic.put("mass", mass[t]);
      topic.put("words", words[t]);
      topics.add(topic);
      mean += npmi[t] / words.length;
      text.append(String.format(Locale.ROOT, "%3d  %+.3f  %s%n", t, npmi[t], String.join(" ", words[t])));
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("meanNpmi", mean);
    metrics.put("topicsUnder1Percent", countBelow(mass, 0.01));
    metrics.put("smallestTopicMass", Arrays.stream(mass).min().orElse(Double.NaN));
    metrics.put("topics", topics);
    String header = String.format(Locale.ROOT, "# %d topics, top %d words by decoder weight; NPMI on the training "
        + "corpus (mean %.4f); %d topic(s) under 1%% of the topic mass, the smallest %.4f%n", k(), TOP_WORDS, mean,
        countBelow(mass, 0.01), Arrays.stream(mass).min().orElse(Double.NaN));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("topics.txt", header + text);
    files.put("vocabulary.txt", String.join("\n", getVocabulary()) + "\n");
    return new Report(metrics, files);
  }

  @Override
  public TopicModelModel copy(ParamMap extra) {
    FitHistory h = history();
    return copyParamsTo(new TopicModelModel(uid(), autoencoder(), h.values(), h.validation(), h.roundsPerEpoch(),
        provenance()), extra);
  }

  public static MLReader<TopicModelModel> read() {
    return StageReader.model(TopicModelModel.class, (uid, data, prov) -> {
      FitHistory h = savedHistory(data);
      return new TopicModelModel(uid, readAutoencoder(data), h.values(), h.validation(), h.roundsPerEpoch(), prov);
    });
  }

  public static TopicModelModel load(String path) {
    return read().load(path);
  }
}
