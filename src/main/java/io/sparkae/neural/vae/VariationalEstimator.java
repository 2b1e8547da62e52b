package io.sparkae.neural.vae;

import io.sparkae.core.Seeds;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.AveragingTrainer;
import io.sparkae.neural.FloatBlock;
import io.sparkae.neural.SgdEstimator;
import io.sparkae.neural.TrainingPartitions;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/**
 * What the variational autoencoder and the topic model share beyond the training Params of {@link SgdEstimator}
 * (here batch 128 and H = 25 by default): the VAE's samples per row, KL weight and warm-up, latent dropout, the
 * input check of the decoder's support, and the fit itself. Subclasses say which
 * {@link Vae} their params describe and build their model from the trained parameters.
 *
 * @param <M> the fitted model
 * @param <E> the concrete estimator (for fluent setters)
 */
public abstract class VariationalEstimator<M extends VariationalModel<M>, E extends VariationalEstimator<M, E>>
    extends SgdEstimator<M, E> {
  private static final long serialVersionUID = 1L;

  private final IntParam samples;
  private final DoubleParam beta;
  private final DoubleParam klWarmupEpochs;
  private final DoubleParam latentDropout;
  private final IntArrayParam hiddenLayers;
  private final Param<String> activation;

  protected VariationalEstimator(String uid) {
    super(uid);
    samples = new IntParam(this, "samples", "reparameterised samples L of z per row and step (>= 1, default: 1)",
        ParamValidators.gtEq(1));
    beta = new DoubleParam(this, "beta", "weight of the KL term; 1 gives the ELBO (>= 0, default: 1)",
        ParamValidators.gtEq(0));
    klWarmupEpochs = new DoubleParam(this, "klWarmupEpochs", "epochs over which the KL weight rises linearly from "
        + "0 to beta; 0 for none (>= 0, default: 0)", ParamValidators.gtEq(0));
    latentDropout = new DoubleParam(this, "latentDropout", "training: probability of zeroing each entry of the "
        + "decoder's input (inverted dropout), in [0, 1) (default: 0)", ParamValidators.inRange(0, 1, true, false));
    setDefault(latentDropout, 0.0);
    hiddenLayers = new IntArrayParam(this, "hiddenLayers", "encoder hidden sizes h_1..h_m, each >= 1; empty for a "
        + "linear encoder (default: 400 for the VAE, whose decoder mirrors them; 100, 100 for the topic model)");
    activation = new Param<>(this, "activation", "hidden activation: relu, tanh, sigmoid, softplus, identity "
        + "(default: relu for the VAE, softplus for the topic model)", ParamValidators.inArray(new String[] {"relu",
            "tanh", "sigmoid", "softplus", "identity", "linear"}));
    setDefault(samples, 1);
    setDefault(beta, 1.0);
    setDefault(klWarmupEpochs, 0.0);
    setDefault(batchSize(), 128);
    setDefault(averagingFrequency(), 25);
  }

  // Params (Spark finds them through these public no-argument methods).
  public IntParam samples() { return samples; }
  public DoubleParam beta() { return beta; }
  public DoubleParam klWarmupEpochs() { return klWarmupEpochs; }
  public DoubleParam latentDropout() { return latentDropout; }
  public IntArrayParam hiddenLayers() { return hiddenLayers; }
  public Param<String> activation() { return activation; }

  public int getSamples() { return (Integer) getOrDefault(samples); }
  public double getBeta() { return (Double) getOrDefault(beta); }
  public double getKlWarmupEpochs() { return (Double) getOrDefault(klWarmupEpochs); }
  public double getLatentDropout() { return (Double) getOrDefault(latentDropout); }
  public int[] getHiddenLayers() { return ((int[]) getOrDefault(hiddenLayers)).clone(); }
  public String getActivation() { return getOrDefault(activation); }

  // Fluent setters return the concrete estimator.
  public E setSamples(int v) { return with(samples, v); }
  public E setBeta(double v) { return with(beta, v); }
  public E setKlWarmupEpochs(double v) { return with(klWarmupEpochs, v); }
  public E setLatentDropout(double v) { return with(latentDropout, v); }
  public E setHiddenLayers(int... v) { return with(hiddenLayers, v.clone()); }
  public E setActivation(String v) { return with(activation, v); }

  /** The hidden sizes, checked to be positive. */
  protected int[] hiddenSizes() {
    int[] hidden = getHiddenLayers();
    for (int h : hidden) {
      if (h < 1) {
        throw new IllegalArgumentException("hiddenLayers " + Arrays.toString(hidden) + " must be positive");
      }
    }
    return hidden;
  }

  /** The VAE these params describe for input size d (checks the params against d and the schema's metadata). */
  protected abstract Vae vae(FitInput input);

  /** The fitted model from the trained parameters. */
  protected abstract M model(FitInput input, Vae vae, float[] params, AveragingTrainer.Result result,
      DenseMatrix sampleRows);

  @Override
  protected M train(FitInput input) {
    Vae vae = vae(input);
    AveragingTrainer trainer = trainer(vae, trainingConfig(0, 0));
    TrainingPartitions.Cached[] cached = cacheTrainingData(input, trainingConfig(0, 0));
    JavaRDD<FloatBlock> blocks = cached[0].blocks();
    JavaRDD<FloatBlock> validation = cached[1] == null ? null : cached[1].blocks();
    try {
      InputCheck.require(blocks, vae.likelihood(), input.column());
      if (validation != null) {
        InputCheck.require(validation, vae.likelihood(), input.column() + "' of the validation data '");
      }
      AveragingTrainer.Result r = trainer.fit(blocks, validation, null);
      return model(input, vae, r.params, r, sampleRows(blocks, 12));
    } finally {
      blocks.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
    }
  }

  /** The seed of the model's evaluation noise. */
  protected long evaluationSeed() {
    return Seeds.derive(getSeed(), "evaluate");
  }
}
