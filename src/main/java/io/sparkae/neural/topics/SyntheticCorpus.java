package io.sparkae.neural.topics;

import io.sparkae.core.Seeds;
import io.sparkae.data.DataSources;
import io.sparkae.data.TextCorpus;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Corpora drawn from latent Dirichlet allocation with planted topics (Blei, Ng and Jordan 2003), to check that a
 * topic model recovers what generated its data. Given a V x K topic-word matrix beta (column k = topic k, a
 * distribution over the V words), each document d draws
 *
 * <pre>
 *   theta_d ~ Dirichlet(alpha 1_K),  L_d = fixed L or ~ Poisson(lambda) (zero-truncated),
 *   for each of its L_d tokens: z ~ Categorical(theta_d), w ~ Categorical(beta[:, z]),
 * </pre>
 *
 * and is returned as its word counts. Two kinds of planted topics: {@link #bars} (Griffiths and Steyvers 2004: the
 * rows and columns of a side x side grid of words, each uniform over its side words, recovery visible at a glance)
 * and {@link #dirichletTopics} (each column ~ Dirichlet(eta 1_V); small eta gives sparse, peaked topics).
 *
 * <p>All randomness comes from {@link SplittableRandom}s seeded from the seed argument ({@link Seeds#derive}), so the
 * same seed gives the same corpus. Gamma variates use Marsaglia and Tsang (2000), with the boost
 * Gamma(a) = Gamma(a + 1) U^(1/a) for a &lt; 1 taken in log space so that tiny shapes (eta = 0.01) do not underflow.
 */
public final class SyntheticCorpus {
  private SyntheticCorpus() {}

  /** Document lengths: every document {@code fixed(L)} tokens, or {@code poisson(lambda)} tokens, at least 1. */
  public record Length(double mean, boolean poisson) {
    public Length {
      if (!(mean >= 1) || (!poisson && mean != Math.rint(mean)) || mean > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("document length must be " + (poisson ? "a mean >= 1" : "an integer >= 1")
            + ", found " + mean);
      }
    }

    public static Length fixed(int tokens) {
      return new Length(tokens, false);
    }

    public static Length poisson(double mean) {
      return new Length(mean, true);
    }
  }

  /**
   * A sampled corpus: the planted V x K {@code topics} (columns sum to 1), the K x D {@code proportions} (column d =
   * theta_d) and the D documents' word counts (size V).
   */
  public record Corpus(DenseMatrix topics, DenseMatrix proportions, List<SparseVector> documents) {
    /**
     * The documents as a DataFrame of {@code id} ("doc" + index) and {@code features}, which carries a vocabulary
     * {@code w0 .. w(V-1)} as {@link TextCorpus} sources do.
     */
    public Dataset<Row> toDataFrame(SparkSession spark, int numPartitions) {
      List<Row> rows = new ArrayList<>(documents.size());
      for (int d = 0; d < documents.size(); d++) {
        rows.add(RowFactory.create("doc" + d, documents.get(d)));
      }
      StructType schema = new StructType()
          .add(TextCorpus.ID, DataTypes.StringType, false)
          .add(DataSources.FEATURES, new VectorUDT(), false);
      Dataset<Row> df = spark.createDataFrame(
          JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, numPartitions), schema);
      String[] vocab = new String[topics.rows];
      for (int i = 0; i < vocab.length; i++) {
        vocab[i] = "w" + i;
      }
      return TextCorpus.withVocabulary(df, DataSources.FEATURES, vocab);
    }
  }

  /**
   * The bars topics of Griffiths and Steyvers (2004): V = side^2 words on a side x side grid (word r * side + c is
   * row r, column c), K = 2 side topics, topic k &lt; side uniform over row k, topic side + k uniform over column k.
   */
  public static DenseMatrix bars(int side) {
    if (side < 2) {
      throw new IllegalArgumentException("bars need a grid side of at least 2, found " + side);
    }
    int v = side * side;
    DenseMatrix beta = new DenseMatrix(v, 2 * side);
    for (int k = 0; k < side; k++) {
      for (int j = 0; j < side; j++) {
        beta.set(k * side + j, k, 1.0 / side);
        beta.set(j * side + k, side + k, 1.0 / side);
      }
    }
    return beta;
  }

  /** K topics over V words, each column drawn from a symmetric Dirichlet(eta). */
  public static DenseMatrix dirichletTopics(int vocabSize, int k, double eta, long seed) {
    if (vocabSize < 1 || k < 1 || !(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("dirichletTopics needs V >= 1, K >= 1 and eta > 0, found V = " + vocabSize
          + ", K = " + k + ", eta = " + eta);
    }
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "topics"));
    DenseMatrix beta = new DenseMatrix(vocabSize, k);
    double[] column = new double[vocabSize];
    for (int j = 0; j < k; j++) {
      dirichlet(eta, column, rng);
      System.arraycopy(column, 0, beta.values, j * vocabSize, vocabSize);
    }
    return beta;
  }

  /**
   * Draws {@code numDocs} documents from LDA with the given topics (see the class comment).
   *
   * @param topics V x K, nonnegative columns summing to 1
   * @param alpha the symmetric Dirichlet parameter of the topic proportions (&gt; 0)
   */
  public static Corpus sample(DenseMatrix topics, int numDocs, double alpha, Length length, long seed) {
    requireDistributions(topics);
    if (numDocs < 0 || !(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("sample needs numDocs >= 0 and alpha > 0, found numDocs = " + numDocs
          + ", alpha = " + alpha);
    }
    int v = topics.rows;
    int k = topics.cols;
    double[] cdf = cumulativeColumns(topics);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "documents"));
    DenseMatrix proportions = new DenseMatrix(k, numDocs);
    List<SparseVector> docs = new ArrayList<>(numDocs);
    double[] theta = new double[k];
    int[] counts = new int[v];
    int[] touched = new int[v];
    for (int d = 0; d < numDocs; d++) {
      dirichlet(alpha, theta, rng);
      System.arraycopy(theta, 0, proportions.values, d * k, k);
      for (int j = 1; j < k; j++) {
        theta[j] += theta[j - 1]; // theta now holds its cumulative sums
      }
      int tokens = length.poisson() ? positivePoisson(length.mean(), rng) : (int) length.mean();
      int distinct = 0;
      for (int n = 0; n < tokens; n++) {
        int z = firstAbove(theta, 0, k, rng.nextDouble() * theta[k - 1]);
        int w = firstAbove(cdf, z * v, v, rng.nextDouble() * cdf[z * v + v - 1]);
        if (counts[w]++ == 0) {
          touched[distinct++] = w;
        }
      }
      int[] indices = Arrays.copyOf(touched, distinct);
      Arrays.sort(indices);
      double[] values = new double[distinct];
      for (int p = 0; p < distinct; p++) {
        values[p] = counts[indices[p]];
        counts[indices[p]] = 0;
      }
      docs.add(new SparseVector(v, indices, values));
    }
    return new Corpus(topics.copy(), proportions, List.copyOf(docs));
  }

  /**
   * Mean over the planted topics of the best cosine similarity with any learned topic: 1 when every planted topic
   * is recovered (up to scale, in any order). A zero column has cosine 0 with everything.
   *
   * @param planted V x K
   * @param learned V x K' (any K')
   */
  public static double meanBestMatchCosine(DenseMatrix planted, DenseMatrix learned) {
    if (planted.rows != learned.rows || planted.cols == 0 || learned.cols == 0) {
      throw new IllegalArgumentException("meanBestMatchCosine needs topics over the same words, at least one each:"
          + " planted is " + planted.shape() + ", learned is " + learned.shape());
    }
    int v = planted.rows;
    double[] learnedNorm = new double[learned.cols];
    for (int j = 0; j < learned.cols; j++) {
      learnedNorm[j] = Math.sqrt(dot(learned.values, j * v, learned.values, j * v, v));
    }
    double sum = 0;
    for (int i = 0; i < planted.cols; i++) {
      double norm = Math.sqrt(dot(planted.values, i * v, planted.values, i * v, v));
      double best = 0;
      for (int j = 0; j < learned.cols; j++) {
        if (norm > 0 && learnedNorm[j] > 0) {
          best = Math.max(best, dot(planted.values, i * v, learned.values, j * v, v) / (norm * learnedNorm[j]));
        }
      }
      sum += best;
    }
    return sum / planted.cols;
  }

  /** Fills {@code out} with a draw from the symmetric Dirichlet(alpha): normalized Gamma(alpha) draws. */
  static void dirichlet(double alpha, double[] out, SplittableRandom rng) {
    // In log space: for alpha << 1 every Gamma draw may underflow to 0, but their ratios are still well defined.
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < out.length; i++) {
      out[i] = logGamma(alpha, rng);
      max = Math.max(max, out[i]);
    }
    double sum = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.exp(out[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
  }

  /**
   * The log of a Gamma(shape, 1) variate. Marsaglia and Tsang (2000) for shape &gt;= 1: with d = shape - 1/3,
   * c = 1 / sqrt(9 d), x ~ N(0, 1), v = (1 + c x)^3, accept d v when v &gt; 0 and
   * log U &lt; x^2 / 2 + d (1 - v + log v) (after the cheap squeeze U &lt; 1 - 0.0331 x^4). For shape &lt; 1 the
   * same paper's boost: Gamma(shape) = Gamma(shape + 1) U^(1 / shape), whose log is safe from underflow.
   */
  static double logGamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      double u = 1.0 - rng.nextDouble(); // (0, 1]
      return logGamma(shape + 1, rng) + Math.log(u) / shape;
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double t = 1 + c * x;
      if (t <= 0) {
        continue;
      }
      double v = t * t * t;
      double u = 1.0 - rng.nextDouble();
      double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        return Math.log(d) + Math.log(v);
      }
    }
  }

  /**
   * A Poisson(mean) variate conditioned on being at least 1 (redrawn while 0). Knuth's product of uniforms, in
   * pieces of mean at most 500 (a Poisson sum is Poisson) so that exp(-mean) never underflows: O(mean) uniforms,
   * the same order as the tokens the draw stands for.
   */
  static int positivePoisson(double mean, SplittableRandom rng) {
    while (true) {
      int n = 0;
      for (double left = mean; left > 0; left -= 500) {
        double limit = Math.exp(-Math.min(left, 500));
        double p = rng.nextDouble();
        while (p > limit) {
          n++;
          p *= rng.nextDouble();
        }
      }
      if (n > 0) {
        return n;
      }
    }
  }

  /** Checks that every column is a distribution over the rows (nonnegative, summing to 1 within 1e-9). */
  private static void requireDistributions(DenseMatrix topics) {
    if (topics.rows < 1 || topics.cols < 1) {
      throw new IllegalArgumentException("topics must be V x K with V, K >= 1, found " + topics.shape());
    }
    for (int k = 0; k < topics.cols; k++) {
      double sum = 0;
      for (int i = 0; i < topics.rows; i++) {
        double b = topics.get(i, k);
        if (!(b >= 0) || Double.isInfinite(b)) {
          throw new IllegalArgumentException("topic " + k + " gives word " + i + " probability " + b
              + ": expected a finite value >= 0");
        }
        sum += b;
      }
      if (Math.abs(sum - 1) > 1e-9) {
        throw new IllegalArgumentException("topic " + k + " of the " + topics.shape() + " topics sums to " + sum
            + ": expected columns that sum to 1");
      }
    }
  }

  /** The columns' running sums, in the same layout. */
  private static double[] cumulativeColumns(DenseMatrix m) {
    double[] cdf = Arrays.copyOf(m.values, m.rows * m.cols);
    for (int k = 0; k < m.cols; k++) {
      for (int i = 1; i < m.rows; i++) {
        cdf[k * m.rows + i] += cdf[k * m.rows + i - 1];
      }
    }
    return cdf;
  }

  /**
   * The first i in [0, n) with cdf[offset + i] &gt; u, by bisection over a nondecreasing slice; u is below the last
   * entry, so an entry with zero probability (equal to its predecessor) is never chosen.
   */
  private static int firstAbove(double[] cdf, int offset, int n, double u) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[offset + mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static double dot(double[] a, int ao, double[] b, int bo, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }
}
