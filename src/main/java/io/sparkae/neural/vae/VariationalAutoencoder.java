package io.sparkae.neural.vae;

import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.Activation;
import io.sparkae.neural.AveragingTrainer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * The variational autoencoder of Kingma and Welling (2014), trained by data-parallel minibatch Adam/SGD with
 * parameter averaging. The encoder (d, h_1, ..., h_m) gives q(z|x) = N(mu(x), diag sigma^2(x)) over a latent of
 * size k, the prior is N(0, I), the decoder mirrors the encoder (k, h_m, ..., h_1) and gives p(x|z): Bernoulli
 * (values in [0, 1], e.g. images), Gaussian with learned mean and log-variance (real values), or multinomial (counts).
 * It minimises the mean over rows of
 * <pre>
 *   -ELBO(x) = -E_{q(z|x)} log p(x|z) + beta KL(q(z|x) || p(z))
 * </pre>
 * with the expectation estimated from L reparameterised samples z = mu + sigma * eps and the KL term in closed form
 * (beta = 1, the default, gives the ELBO; a warm-up raises beta from 0 over the first epochs, Bowman et al. 2016).
 * With {@code iwaeSamples} K &gt; 1 it minimises the importance-weighted bound -log (1/K) sum_k p(x, z_k) / q(z_k|x)
 * instead (the IWAE, Burda, Grosse and Salakhutdinov 2016; see {@link Vae}), which is then the model's loss.
 * The code of a row is mu(x) ({@code sigmaCol} adds sigma(x)); {@link VariationalAutoencoderModel#sample} draws new
 * rows from the prior.
 */
public final class VariationalAutoencoder
    extends VariationalEstimator<VariationalAutoencoderModel, VariationalAutoencoder> {
  private static final long serialVersionUID = 1L;

  private final IntParam latentSize;
  private final Param<String> likelihood;
  private final BooleanParam binarize;
  private final IntParam iwaeSamples;

  public VariationalAutoencoder() {
    this(Identifiable.randomUID("sparkae-vae"));
  }

  public VariationalAutoencoder(String uid) {
    super(uid);
    latentSize = new IntParam(this, "latentSize", "size k of the latent code z (>= 1, default: 20)",
        ParamValidators.gtEq(1));
    likelihood = new Param<>(this, "likelihood", "decoder distribution: bernoulli (values in [0, 1]), gaussian, "
        + "multinomial (counts) (default: bernoulli)", ParamValidators.inArray(new String[] {"bernoulli",
            "gaussian", "multinomial"}));
    binarize = new BooleanParam(this, "binarize", "replace each row by Bernoulli draws of its values in training "
        + "and evaluation (dynamic binarisation; bernoulli only) (default: false)");
    iwaeSamples = new IntParam(this, "iwaeSamples", "importance samples K per row and step: 1 trains on the ELBO, "
        + "K > 1 on the IWAE bound -log (1/K) sum_k w_k (Burda et al. 2016), which is then the reported loss "
        + "(>= 1, default: 1)", ParamValidators.gtEq(1));
    setDefault(iwaeSamples, 1);
    setDefault(latentSize, 20);
    setDefault(hiddenLayers(), new int[] {400});
    setDefault(activation(), "relu");
    setDefault(likelihood, "bernoulli");
    setDefault(binarize, false);
  }

  public IntParam latentSize() { return latentSize; }
  public Param<String> likelihood() { return likelihood; }
  public BooleanParam binarize() { return binarize; }
  public IntParam iwaeSamples() { return iwaeSamples; }

  public int getLatentSize() { return (Integer) getOrDefault(latentSize); }
  public String getLikelihood() { return getOrDefault(likelihood); }
  public boolean getBinarize() { return (Boolean) getOrDefault(binarize); }
  public int getIwaeSamples() { return (Integer) getOrDefault(iwaeSamples); }

  public VariationalAutoencoder setLatentSize(int v) { return with(latentSize, v); }
  public VariationalAutoencoder setLikelihood(String v) { return with(likelihood, v); }
  public VariationalAutoencoder setBinarize(boolean v) { return with(binarize, v); }
  public VariationalAutoencoder setIwaeSamples(int v) { return with(iwaeSamples, v); }

  @Override
  protected Vae vae(FitInput input) {
    int[] hidden = hiddenSizes();
    int[] mirror = new int[hidden.length];
    for (int i = 0; i < hidden.length; i++) {
      mirror[i] = hidden[hidden.length - 1 - i];
    }
    int k = getLatentSize();
    return Vae.builder(input.dim(), k, Likelihood.parse(getLikelihood())).encoderHidden(hidden)
        .decoderHidden(mirror).hidden(Activation.parse(getActivation())).samples(getSamples())
        .iwaeSamples(getIwaeSamples()).beta(getBeta()).warmupEpochs(getKlWarmupEpochs()).binarize(getBinarize())
        .latentDropout(getLatentDropout()).build();
  }

  @Override
  protected VariationalAutoencoderModel model(FitInput input, Vae vae, float[] params,
      AveragingTrainer.Result r, DenseMatrix sampleRows) {
    return new VariationalAutoencoderModel(uid(), new VaeAutoencoder(vae, params, evaluationSeed()), r.trainLoss,
        r.validationLoss, r.roundsPerEpoch, sampleRows, provenance(input, r.rows));
  }

  public static MLReader<VariationalAutoencoder> read() { return StageReader.estimator(VariationalAutoencoder.class); }
  public static VariationalAutoencoder load(String path) { return read().load(path); }
}
