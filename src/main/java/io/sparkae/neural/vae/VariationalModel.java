package io.sparkae.neural.vae;

import io.sparkae.neural.TrainedModel;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.Activation;
import org.apache.spark.sql.Dataset;

/**
 * Base of the fitted probabilistic autoencoders (the VAE and the topic model): the trained {@link Vae} and its
 * parameters as a {@link VaeAutoencoder}, the loss curves (training objective per round; validation -ELBO per
 * epoch when validation data was set), evaluation (-ELBO and importance-weighted log-likelihood, distributed) and
 * sampling from the prior. Immutable.
 *
 * <p>Saved settings (by name): "inputSize", "latentSize", "encoderHidden", "decoderHidden", "activation",
 * "likelihood", "dirichletAlpha" (0 for the standard normal prior), "softmaxLatent", "samples", "beta",
 * "warmupEpochs", "binarize", "latentDropout", "seed"; arrays: "parameters", "trainLoss", "validationLoss",
 * "roundsPerEpoch", "sampleInputs". Format-1 models (settings packed by position into the array "vae", enums by
 * ordinal, the seed as two 32-bit halves) are still read.
 *
 * @param <M> the concrete model
 */
public abstract class VariationalModel<M extends VariationalModel<M>> extends TrainedModel<M> {
  private static final long serialVersionUID = 1L;

  private final VaeAutoencoder ae;

  protected VariationalModel(String uid, VaeAutoencoder ae, double[] trainLoss, double[] validationLoss,
      int roundsPerEpoch, DenseMatrix sampleInputs, Provenance provenance) {
    super(uid, trainLoss, validationLoss, roundsPerEpoch, sampleInputs, provenance);
    this.ae = ae;
  }

  @Override
  public VaeAutoencoder autoencoder() {
    return ae;
  }

  public Vae vae() {
    return ae.vae();
  }

  /** -ELBO and its terms on {@code data}; with K &gt; 0 also the importance-weighted log p(x) from K samples. */
  public VaeEvaluation.Result evaluateLikelihood(Dataset<?> data, int importanceSamples) {
    return VaeEvaluation.evaluate(data, getInputCol(), ae, importanceSamples);
  }

  /**
   * {@code count} new rows (d x count): latent values drawn from the prior, seeded by {@code seed}, through the
   * decoder's mean. For the topic model the draws are mapped to topic proportions by the softmax first.
   */
  public DenseMatrix sample(int count, long seed) {
    if (count < 1) {
      throw new IllegalArgumentException("count = " + count + " must be >= 1");
    }
    Vae vae = vae();
    int k = vae.latentSize();
    DenseMatrix z = new DenseMatrix(k, count);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    Prior prior = vae.prior();
    for (int j = 0; j < count; j++) {
      for (int i = 0; i < k; i++) {
        z.values[j * k + i] = prior.mean(i) + Math.sqrt(prior.variance(i)) * r.nextGaussian();
      }
      if (vae.softmaxLatent()) {
        Softmax.inPlace(z.values, j * k, k);
      }
    }
    return decodeAll(z);
  }

  /** The decoder's mean for every column of z (k x m), in batches. */
  public DenseMatrix decodeAll(DenseMatrix z) {
    int d = vae().inputSize();
    DenseMatrix out = new DenseMatrix(d, z.cols);
    int batch = 256;
    for (int first = 0; first < z.cols; first += batch) {
      int n = Math.min(batch, z.cols - first);
      DenseMatrix zb = new DenseMatrix(z.rows, n, java.util.Arrays.copyOfRange(z.values, first * z.rows,
          (first + n) * z.rows));
      DenseMatrix xb = new DenseMatrix(d, n);
      ae.decode(zb, n, xb);
      System.arraycopy(xb.values, 0, out.values, first * d, n * d);
    }
    return out;
  }


  @Override
  protected ModelData data() {
    Vae v = vae();
    float[] p = ae.parameters();
    double[] pd = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      pd[i] = p[i];
    }
    long seed = ae.seed();
    return curves(new ModelData()
        .set("inputSize", v.inputSize())
        .set("latentSize", v.latentSize())
        .set("encoderHidden", hiddenSizes(v.encoder().sizes()))
        .set("decoderHidden", hiddenSizes(v.decoder().sizes()))
        .set("activation", v.encoder().hidden())
        .set("likelihood", v.likelihood())
        .set("dirichletAlpha", v.prior().alpha())
        .set("softmaxLatent", v.softmaxLatent())
        .set("samples", v.samples())
        .set("beta", v.beta())
        .set("warmupEpochs", v.warmupEpochs())
        .set("binarize", v.binarize())
        .set("latentDropout", v.latentDropout())
        .set("seed", ae.seed())
        .put("parameters", pd));
  }

  private static int[] hiddenSizes(int[] sizes) {
    return java.util.Arrays.copyOfRange(sizes, 1, sizes.length - 1);
  }

  private static int[] ints(double[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (int) v[i];
    }
    return out;
  }

  /** The autoencoder saved by {@link #data()}; checks every setting and array. */
  protected static VaeAutoencoder readAutoencoder(ModelData data) {
    if (!data.hasSettings()) {
      return readFormat1(data);
    }
    int k = (int) data.integer("latentSize");
    double alpha = data.real("dirichletAlpha");
    Vae vae = new Vae((int) data.integer("inputSize"), data.ints("encoderHidden"), k, data.ints("decoderHidden"),
        data.enumValue("activation", Activation.class), data.enumValue("likelihood", Likelihood.class),
        alpha > 0 ? Prior.dirichletLaplace(k, alpha) : Prior.standardNormal(k), data.flag("softmaxLatent"),
        (int) data.integer("samples"), data.real("beta"), data.real("warmupEpochs"), data.flag("binarize"),
        data.real("latentDropout"));
    return new VaeAutoencoder(vae, parameters(data, vae), data.integer("seed"));
  }

  private static float[] parameters(ModelData data, Vae vae) {
    double[] pd = data.matrix("parameters", vae.numParams(), 1).values;
    float[] p = new float[pd.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) pd[i];
    }
    return p;
  }

  /** Format 1: settings by position in the array "vae", enums by ordinal, the seed in two 32-bit halves. */
  private static VaeAutoencoder readFormat1(ModelData data) {
    double[] s = data.matrix("vae", 11, 1).values;
    int d = (int) s[0];
    int k = (int) s[1];
    Likelihood lik = Likelihood.values()[(int) s[8]];
    Prior prior = s[9] > 0 ? Prior.dirichletLaplace(k, s[9]) : Prior.standardNormal(k);
    Vae vae = new Vae(d, ints(data.vector("encoderHidden")), k, ints(data.vector("decoderHidden")),
        Activation.values()[(int) s[7]], lik, prior, s[2] != 0, (int) s[3], s[4], s[5], s[6] != 0, s[10]);
    double[] seed = data.matrix("seed", 2, 1).values;
    return new VaeAutoencoder(vae, parameters(data, vae), ((long) seed[0] << 32) | (long) seed[1]);
  }
}
