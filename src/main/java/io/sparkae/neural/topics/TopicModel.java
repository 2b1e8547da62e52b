package io.sparkae.neural.topics;

import io.sparkae.core.StageReader;
import io.sparkae.data.TextCorpus;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.Activation;
import io.sparkae.neural.AveragingTrainer;
import io.sparkae.neural.vae.Likelihood;
import io.sparkae.neural.vae.Prior;
import io.sparkae.neural.vae.Vae;
import io.sparkae.neural.vae.VaeAutoencoder;
import io.sparkae.neural.vae.VariationalEstimator;
import java.util.Optional;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructField;

/**
 * A topic model as a probabilistic autoencoder: ProdLDA (Srivastava and Sutton 2017, "Autoencoding variational
 * inference for topic models"). For a document's word counts x (a vector over the V words of the vocabulary) the
 * encoder network (V, h_1, ..., h_m, 2K) gives a logistic-normal posterior q(z|x) = N(mu(x), diag sigma^2(x)) over
 * K topics; the document's topic proportions are theta = softmax(z); the decoder is the product of experts
 * {@code p(w | theta) = softmax(W theta + b)_w} (W: V x K, column k the weights of topic k; b: background
 * log-frequencies) with the multinomial likelihood {@code log p(x | theta) = sum_w x_w log p(w | theta)} (the
 * multinomial coefficient, constant, left out). The prior on theta is a symmetric Dirichlet(alpha) through its
 * Laplace approximation in the softmax basis ({@link Prior#dirichletLaplace}). It minimises the mean over documents of
 * <pre>
 *   -ELBO(x) = -E_q log p(x | softmax(z)) + KL(q(z|x) || N(m_alpha, diag s_alpha^2))
 * </pre>
 * trained like every VAE here (minibatch Adam, parameter averaging). The code of a document is its topic
 * proportions softmax(mu(x)); held-out perplexity is exp(sum -ELBO / sum of counts), an upper bound.
 *
 * <p>With {@code batchNorm} (ProdLDA's own remedy against collapsed topics, as in the paper's code) the encoder's mu
 * and log-variance and the decoder's logits {@code W theta + b} are batch-normalised without a learned scale (the
 * biases act as BN's shift): per minibatch by its statistics, in inference by running statistics that each worker
 * keeps and the driver averages with the parameters; see {@link Vae} for the details and how workers are merged.
 * On by default, as in the paper: on a planted LDA corpus with a sparse prior it keeps every topic in use where
 * the model without it lets some collapse, and recovers the planted topics better; where nothing collapses (alpha =
 * 1, KL warm-up) the two fit alike (see the tests). Off, the fit is the model as before (models saved before this
 * setting existed load with it off).
 *
 * <p>Input: count vectors (nonnegative integers, at least one word per document), e.g. from the {@code text},
 * {@code text-folder} or {@code reuters} data sources, whose vocabulary (column metadata
 * {@link io.sparkae.data.TextCorpus#VOCABULARY_KEY}) the model keeps to name its topics' words.
 */
public final class TopicModel extends VariationalEstimator<TopicModelModel, TopicModel> {
  private static final long serialVersionUID = 1L;

  private final IntParam k;
  private final DoubleParam docConcentration;
  private final BooleanParam batchNorm;

  public TopicModel() {
    this(Identifiable.randomUID("sparkae-topics"));
  }

  public TopicModel(String uid) {
    super(uid);
    k = new IntParam(this, "k", "number of topics (>= 2, default: 20)", ParamValidators.gtEq(2));
    docConcentration = new DoubleParam(this, "docConcentration", "alpha of the symmetric Dirichlet prior on "
        + "topic proportions (> 0, default: 1.0)", ParamValidators.gt(0));
    setDefault(k, 20);
    setDefault(hiddenLayers(), new int[] {100, 100});
    setDefault(activation(), "softplus");
    batchNorm = new BooleanParam(this, "batchNorm", "batch-normalise the encoder's mu and log-variance and the "
        + "decoder's logits, without a learned scale, as ProdLDA (default: true)");
    setDefault(docConcentration, 1.0);
    setDefault(batchNorm, true);
    setDefault(outputCol(), "topicDistribution");
    // Measured on Reuters (k = 20, 10 epochs): with Adam 0.002 and no warm-up most topics go unused (their top words
    // are noise, mean NPMI -0.11); a KL warm-up over 5 epochs with rate 0.005 lets the encoder spread documents over
    // the topics first (mean NPMI +0.04). Those runs were without batch normalisation, now on by default (batchNorm);
    // it has not been measured on Reuters since, only on planted corpora.
    setDefault(learningRate(), 0.005);
    setDefault(klWarmupEpochs(), 5.0);
    setDefault(batchSize(), 64);
    setDefault(epochs(), 20);
  }

  public IntParam k() { return k; }
  public DoubleParam docConcentration() { return docConcentration; }
  /** Batch normalisation of the encoder's outputs and the decoder's logits (ProdLDA's); default true. */
  public BooleanParam batchNorm() { return batchNorm; }

  public int getK() { return (Integer) getOrDefault(k); }
  public double getDocConcentration() { return (Double) getOrDefault(docConcentration); }
  public boolean getBatchNorm() { return (Boolean) getOrDefault(batchNorm); }

  public TopicModel setK(int v) { return with(k, v); }
  public TopicModel setDocConcentration(double v) { return with(docConcentration, v); }
  public TopicModel setBatchNorm(boolean v) { return with(batchNorm, v); }

  @Override
  protected Vae vae(FitInput input) {
    int[] hidden = hiddenSizes();
    if (input.dim() < 2) {
      throw new IllegalArgumentException("input column '" + input.column() + "' holds count vectors over a vocabulary"
          + " of " + input.dim() + " word(s); a topic model needs at least 2");
    }
    int topics = getK();
    return Vae.builder(input.dim(), topics, Likelihood.MULTINOMIAL).encoderHidden(hidden)
        .hidden(Activation.parse(getActivation())).prior(Prior.dirichletLaplace(topics, getDocConcentration()))
        .softmaxLatent(true).samples(getSamples()).beta(getBeta()).warmupEpochs(getKlWarmupEpochs())
        .latentDropout(getLatentDropout()).batchNorm(getBatchNorm()).build();
  }

  /** The vocabulary the text sources attach to the column, or word0, word1, ... when there is none. */
  static String[] vocabulary(StructField f, int size) {
    Optional<String[]> vocab = TextCorpus.vocabulary(f);
    if (vocab.isPresent() && vocab.get().length == size) {
      return vocab.get();
    }
    String[] v = new String[size];
    for (int i = 0; i < size; i++) {
      v[i] = "word" + i;
    }
    return v;
  }

  @Override
  protected TopicModelModel model(FitInput input, Vae vae, float[] params, AveragingTrainer.Result r,
      DenseMatrix sampleRows) {
    TopicModelModel m = new TopicModelModel(uid(), new VaeAutoencoder(vae, params, evaluationSeed()), r.trainLoss,
        r.validationLoss, r.roundsPerEpoch, provenance(input, r.rows));
    m.setVocabulary(vocabulary(input.data().schema().apply(input.column()), input.dim()));
    return m;
  }

  public static MLReader<TopicModel> read() { return StageReader.estimator(TopicModel.class); }
  public static TopicModel load(String path) { return read().load(path); }
}
