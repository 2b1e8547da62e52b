package io.sparkae.neural.vae;

import io.sparkae.core.DataFigures;
import io.sparkae.core.Figure;
import io.sparkae.core.FitHistory;
import io.sparkae.core.LikelihoodEvaluation;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.Sampling;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.Activation;
import io.sparkae.neural.TrainedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Base of the fitted probabilistic autoencoders (the VAE and the topic model): the trained {@link Vae} and its
 * parameters as a {@link VaeAutoencoder}, the loss curves (training objective per round; validation -ELBO per
 * epoch when validation data was set), evaluation (-ELBO and importance-weighted log-likelihood, distributed) and
 * sampling from the prior. Immutable.
 *
 * <p>Saved settings (by name): "inputSize", "latentSize", "encoderHidden", "decoderHidden", "activation",
 * "likelihood", "dirichletAlpha" (0 for the standard normal prior), "softmaxLatent", "samples", "iwaeSamples"
 * (absent before the IWAE: 1), "beta", "warmupEpochs", "binarize", "latentDropout", "batchNorm" (absent in models
 * saved before it: false), "seed"; arrays: "parameters" (with batch normalisation, the running statistics after
 * the weights), "sampleInputs"; the fit's history as
 * {@link FitHistory#saveTo} saves it. Format-1 models (the history as "trainLoss",
 * "validationLoss", "roundsPerEpoch"; settings packed by position into the array "vae", enums by
 * ordinal, the seed as two 32-bit halves) are still read.
 *
 * @param <M> the concrete model
 */
public abstract class VariationalModel<M extends VariationalModel<M>> extends TrainedModel<M>
    implements Sampling, LikelihoodEvaluation, DataFigures {
  private static final long serialVersionUID = 1L;
  private static final long SAMPLE_SEED = 20140101L;

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

  @Override
  public Map<String, Object> evaluationExtras(Dataset<?> data, int importanceSamples) {
    return evaluateLikelihood(data, importanceSamples).toMap();
  }

  /** One pass: the -ELBO and its terms together (the generic evaluate would compute the -ELBO a second time). */
  @Override
  public Map<String, Object> heldOutMetrics(Dataset<?> data) {
    int kSamples = vae().iwaeSamples();
    VaeEvaluation.Result r = evaluateLikelihood(data, kSamples > 1 ? kSamples : 0);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("rows", r.rows());
    v.put("meanLoss", kSamples > 1 ? -r.logLikelihood() : r.negElbo());
    v.put("loss", ae.lossName());
    v.putAll(r.toMap());
    return v;
  }

  @Override
  protected String objectiveName() {
    return vae().lossName() + " per row";
  }

  @Override
  protected String objectiveUnit() {
    return "nats";
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    out.put("architecture", vae().toString());
    out.put("parameters", vae().numParams());
    out.put("latentSize", vae().latentSize());
  }

  /**
   * After Kingma and Welling (2014), figures 2, 4 and 5: the training objective and validation -ELBO against the
   * number of rows seen; for image rows a grid of samples from the prior, inputs above their reconstructions and,
   * for a 2-D latent, the learned manifold (decodes of a grid of z spaced through the inverse Gaussian CDF).
   */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    Provenance p = provenance();
    FitHistory hist = history();
    double[] train = hist.values();
    if (train.length > 0) {
      double[][] axes = axes(hist, Math.max(1, p.rows()));
      List<Figure.Series> series = new ArrayList<>();
      series.add(new Figure.Series("train objective (per round)", axes[0], train));
      if (axes[1].length > 0) {
        series.add(new Figure.Series("validation " + vae().lossName() + " (per epoch)", axes[1],
            hist.validation()));
      }
      out.add(new Figure.LinePlot("elbo.png", vae().lossName() + " per row (nats) against rows seen", "rows seen",
          vae().lossName(), series,
          Arrays.stream(train).allMatch(v -> v > 0)));
    }
    if (!p.isImage()) {
      return out;
    }
    int h = p.imageHeight();
    int w = p.imageWidth();
    int k = vae().latentSize();
    out.add(new Figure.ImageGrid("samples.png", "Samples from the prior, k = " + k + " (decoder means)",
        Figure.columns(sample(100, SAMPLE_SEED), 100), h, w, 10, Figure.Scale.FIXED_01, null));
    DenseMatrix xs = sampleInputs();
    if (xs.cols > 0) {
      DenseMatrix z = new DenseMatrix(k, xs.cols);
      ae.encode(xs, xs.cols, z);
      List<double[]> images = Figure.columns(xs, xs.cols);
      images.addAll(Figure.columns(decodeAll(z), xs.cols));
      out.add(new Figure.ImageGrid("reconstructions.png", "Inputs (top) and reconstructions at mu(x) (bottom)",
          images, h, w, xs.cols, Figure.Scale.FIXED_01, null));
    }
    if (k == 2 && !vae().softmaxLatent()) {
      int side = 20;
      DenseMatrix z = new DenseMatrix(2, side * side);
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          int j = r * side + c;
          z.values[2 * j] = inverseNormalCdf((c + 0.5) / side);
          z.values[2 * j + 1] = inverseNormalCdf(1 - (r + 0.5) / side);
        }
      }
      out.add(new Figure.ImageGrid("manifold.png", "Learned manifold: z through the inverse Gaussian CDF on a 20 x 20 "
          + "grid", Figure.columns(decodeAll(z), side * side), h, w, side, Figure.Scale.FIXED_01, null));
    }
    return out;
  }

  /** With a 2-D latent and a label column: the codes of up to 5,000 rows of {@code data} coloured by label. */
  @Override
  public List<Figure> figures(Dataset<Row> data, String title) {
    if (vae().latentSize() != 2 || vae().softmaxLatent() || !Arrays.asList(data.columns()).contains("label")) {
      return List.of();
    }
    List<Row> rows = copy(new ParamMap()).setOutputCol("__code")
        .transform(data.select(getInputCol(), "label").limit(5000)).select("__code", "label").collectAsList();
    double[] x = new double[rows.size()];
    double[] y = new double[rows.size()];
    int[] labels = new int[rows.size()];
    for (int i = 0; i < x.length; i++) {
      Vector v = (Vector) rows.get(i).get(0);
      x[i] = v.apply(0);
      y[i] = v.apply(1);
      labels[i] = (int) rows.get(i).getDouble(1);
    }
    return List.of(new Figure.Scatter("codes.png", "Posterior means mu(x) of " + x.length + " " + title
        + " rows, by label", x, y, labels));
  }

  /**
   * The standard normal quantile function, by Acklam's rational approximation (relative error below 1.2e-9),
   * for p in (0, 1).
   */
  static double inverseNormalCdf(double p) {
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -inverseNormalCdf(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }

  /**
   * {@code count} new rows (d x count): latent values drawn from the prior, seeded by {@code seed}, through the
   * decoder's mean. For the topic model the draws are mapped to topic proportions by the softmax first.
   */
  @Override
  public DenseMatrix sample(int count, long seed) {
    if (count < 1) {
      throw new IllegalArgumentException("count = " + count + " must be >= 1");
    }
    Vae vae = vae();
    int k = vae.latentSize();
    DenseMatrix z = new DenseMatrix(k, count);
    SplittableRandom r = new SplittableRandom(seed);
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
      DenseMatrix zb = new DenseMatrix(z.rows, n, Arrays.copyOfRange(z.values, first * z.rows,
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
        .set("iwaeSamples", v.iwaeSamples())
        .set("beta", v.beta())
        .set("warmupEpochs", v.warmupEpochs())
        .set("binarize", v.binarize())
        .set("latentDropout", v.latentDropout())
        .set("batchNorm", v.batchNorm())
        .set("seed", ae.seed())
        .put("parameters", pd));
  }

  private static int[] hiddenSizes(int[] sizes) {
    return Arrays.copyOfRange(sizes, 1, sizes.length - 1);
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
    Vae vae = Vae.builder((int) data.integer("inputSize"), k, data.enumValue("likelihood", Likelihood.class))
        .encoderHidden(data.ints("encoderHidden")).decoderHidden(data.ints("decoderHidden"))
        .hidden(data.enumValue("activation", Activation.class))
        .prior(alpha > 0 ? Prior.dirichletLaplace(k, alpha) : Prior.standardNormal(k))
        .softmaxLatent(data.flag("softmaxLatent")).samples((int) data.integer("samples"))
        .iwaeSamples(data.hasSetting("iwaeSamples") ? (int) data.integer("iwaeSamples") : 1)
        .beta(data.real("beta")).warmupEpochs(data.real("warmupEpochs")).binarize(data.flag("binarize"))
        .latentDropout(data.real("latentDropout"))
        .batchNorm(data.hasSetting("batchNorm") && data.flag("batchNorm")).build();
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
