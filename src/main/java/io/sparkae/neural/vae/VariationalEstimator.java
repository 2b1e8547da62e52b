package io.sparkae.neural.vae;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.InputColumn;
import io.sparkae.core.Seeds;
import io.sparkae.neural.AveragingTrainer;
import io.sparkae.neural.FloatBlock;
import io.sparkae.neural.Optimizer;
import io.sparkae.neural.TrainingConfig;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Dataset;

/**
 * What the variational autoencoder and the topic model share: the training Params (minibatch SGD/Adam with
 * parameter averaging every H local steps, {@link AveragingTrainer}), the VAE's samples per row, KL weight and
 * warm-up, checkpoints, the input check of the decoder's support, and the fit itself. Subclasses say which
 * {@link Vae} their params describe and build their model from the trained parameters.
 *
 * @param <M> the fitted model
 * @param <E> the concrete estimator (for fluent setters)
 */
public abstract class VariationalEstimator<M extends VariationalModel<M>, E extends VariationalEstimator<M, E>>
    extends AutoencoderEstimator<M> {
  private static final long serialVersionUID = 1L;

  private final IntParam samples;
  private final DoubleParam beta;
  private final DoubleParam klWarmupEpochs;
  private final DoubleParam latentDropout;
  private final DoubleParam adamBeta1;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam epochs;
  private final Param<String> optimizer;
  private final DoubleParam learningRate;
  private final DoubleParam momentum;
  private final DoubleParam learningRateDecay;
  private final IntParam decayEvery;
  private final DoubleParam weightDecay;
  private final Param<String> checkpointDir;
  private final IntParam checkpointInterval;
  private final BooleanParam resume;
  private transient Dataset<?> validationData;

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
    adamBeta1 = new DoubleParam(this, "adamBeta1", "Adam's first-moment decay beta1, in [0, 1) (default: 0.9)",
        ParamValidators.inRange(0, 1, true, false));
    setDefault(latentDropout, 0.0);
    setDefault(adamBeta1, 0.9);
    batchSize = new IntParam(this, "batchSize", "minibatch size (>= 1, default: 128)", ParamValidators.gtEq(1));
    averagingFrequency = new IntParam(this, "averagingFrequency", "local minibatch steps between parameter "
        + "averages H (>= 1, default: 25)", ParamValidators.gtEq(1));
    epochs = new IntParam(this, "epochs", "passes over the data (>= 1, default: 10)", ParamValidators.gtEq(1));
    optimizer = new Param<>(this, "optimizer", "adam or sgd (with momentum) (default: adam)",
        ParamValidators.inArray(new String[] {"adam", "sgd"}));
    learningRate = new DoubleParam(this, "learningRate", "step size (> 0, default: 0.001)", ParamValidators.gt(0));
    momentum = new DoubleParam(this, "momentum", "sgd momentum in [0, 1) (default: 0.9)",
        ParamValidators.inRange(0, 1, true, false));
    learningRateDecay = new DoubleParam(this, "learningRateDecay", "learning rate factor every decayEvery epochs, "
        + "in (0, 1] (default: 1)", ParamValidators.inRange(0, 1, false, true));
    decayEvery = new IntParam(this, "decayEvery", "epochs between learning rate decays (>= 1, default: 1)",
        ParamValidators.gtEq(1));
    weightDecay = new DoubleParam(this, "weightDecay", "L2 weight decay (>= 0, default: 0)", ParamValidators.gtEq(0));
    checkpointDir = new Param<>(this, "checkpointDir", "folder for the trainer's checkpoint; empty for none "
        + "(default: empty)");
    checkpointInterval = new IntParam(this, "checkpointInterval", "rounds between checkpoints (>= 1, default: 10)",
        ParamValidators.gtEq(1));
    resume = new BooleanParam(this, "resume", "continue from the checkpoint in checkpointDir if there is one "
        + "(default: false)");
    setDefault(samples, 1);
    setDefault(beta, 1.0);
    setDefault(klWarmupEpochs, 0.0);
    setDefault(batchSize, 128);
    setDefault(averagingFrequency, 25);
    setDefault(epochs, 10);
    setDefault(optimizer, "adam");
    setDefault(learningRate, 1e-3);
    setDefault(momentum, 0.9);
    setDefault(learningRateDecay, 1.0);
    setDefault(decayEvery, 1);
    setDefault(weightDecay, 0.0);
    setDefault(checkpointDir, "");
    setDefault(checkpointInterval, 10);
    setDefault(resume, false);
  }

  // Params (Spark finds them through these public no-argument methods).
  public IntParam samples() { return samples; }
  public DoubleParam beta() { return beta; }
  public DoubleParam klWarmupEpochs() { return klWarmupEpochs; }
  public DoubleParam latentDropout() { return latentDropout; }
  public DoubleParam adamBeta1() { return adamBeta1; }
  public IntParam batchSize() { return batchSize; }
  public IntParam averagingFrequency() { return averagingFrequency; }
  public IntParam epochs() { return epochs; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public DoubleParam momentum() { return momentum; }
  public DoubleParam learningRateDecay() { return learningRateDecay; }
  public IntParam decayEvery() { return decayEvery; }
  public DoubleParam weightDecay() { return weightDecay; }
  public Param<String> checkpointDir() { return checkpointDir; }
  public IntParam checkpointInterval() { return checkpointInterval; }
  public BooleanParam resume() { return resume; }

  public int getSamples() { return (Integer) getOrDefault(samples); }
  public double getBeta() { return (Double) getOrDefault(beta); }
  public double getKlWarmupEpochs() { return (Double) getOrDefault(klWarmupEpochs); }
  public double getLatentDropout() { return (Double) getOrDefault(latentDropout); }
  public double getAdamBeta1() { return (Double) getOrDefault(adamBeta1); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency); }
  public int getEpochs() { return (Integer) getOrDefault(epochs); }
  public String getOptimizer() { return getOrDefault(optimizer); }
  public double getLearningRate() { return (Double) getOrDefault(learningRate); }
  public double getMomentum() { return (Double) getOrDefault(momentum); }
  public double getLearningRateDecay() { return (Double) getOrDefault(learningRateDecay); }
  public int getDecayEvery() { return (Integer) getOrDefault(decayEvery); }
  public double getWeightDecay() { return (Double) getOrDefault(weightDecay); }
  public String getCheckpointDir() { return getOrDefault(checkpointDir); }
  public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }
  public boolean getResume() { return (Boolean) getOrDefault(resume); }

  // Fluent setters return the concrete estimator.
  public E setSamples(int v) { set(samples, v); return self(); }
  public E setBeta(double v) { set(beta, v); return self(); }
  public E setKlWarmupEpochs(double v) { set(klWarmupEpochs, v); return self(); }
  public E setLatentDropout(double v) { set(latentDropout, v); return self(); }
  public E setAdamBeta1(double v) { set(adamBeta1, v); return self(); }
  public E setBatchSize(int v) { set(batchSize, v); return self(); }
  public E setAveragingFrequency(int v) { set(averagingFrequency, v); return self(); }
  public E setEpochs(int v) { set(epochs, v); return self(); }
  public E setOptimizer(String v) { set(optimizer, v); return self(); }
  public E setLearningRate(double v) { set(learningRate, v); return self(); }
  public E setMomentum(double v) { set(momentum, v); return self(); }
  public E setLearningRateDecay(double v) { set(learningRateDecay, v); return self(); }
  public E setDecayEvery(int v) { set(decayEvery, v); return self(); }
  public E setWeightDecay(double v) { set(weightDecay, v); return self(); }
  public E setCheckpointDir(String v) { set(checkpointDir, v); return self(); }
  public E setCheckpointInterval(int v) { set(checkpointInterval, v); return self(); }
  public E setResume(boolean v) { set(resume, v); return self(); }
  public E setInputCol(String v) { set(inputCol(), v); return self(); }
  public E setOutputCol(String v) { set(outputCol(), v); return self(); }
  public E setSeed(long v) { set(seed(), v); return self(); }
  public E setBlockSize(int v) { set(blockSize(), v); return self(); }

  /** Held-out rows (same input column) whose -ELBO is computed after every epoch; null for none. Not a Param. */
  public E setValidationData(Dataset<?> v) {
    validationData = v;
    return self();
  }

  protected Dataset<?> validationData() {
    return validationData;
  }

  /** The training settings these params describe (no input corruption). */
  public TrainingConfig trainingConfig() {
    Optimizer opt = getOptimizer().equals("adam") ? Optimizer.adam(getAdamBeta1())
        : Optimizer.parse(getOptimizer(), getMomentum());
    return new TrainingConfig(getBatchSize(), getAveragingFrequency(), opt,
        getLearningRate(), getLearningRateDecay(), getDecayEvery(), getWeightDecay(), 0, 0, getSeed());
  }

  /** The VAE these params describe for input size d (checks the params against d and the schema's metadata). */
  protected abstract Vae vae(FitInput input);

  /** The fitted model from the trained parameters. */
  protected abstract M model(FitInput input, Vae vae, float[] params, AveragingTrainer.Result result,
      List<FloatBlock> sample);

  @Override
  protected M fitImpl(FitInput input) {
    Vae vae = vae(input);
    AveragingTrainer trainer = new AveragingTrainer(vae, trainingConfig(), getEpochs());
    if (!getCheckpointDir().isEmpty()) {
      trainer.withCheckpoints(getCheckpointDir(), getCheckpointInterval(), getResume());
    }
    JavaRDD<FloatBlock> blocks = AveragingTrainer.cache(InputColumn.internalRows(input.data(), input.column()),
        input.column(), input.dim(), getBlockSize());
    JavaRDD<FloatBlock> validation = null;
    try {
      InputCheck.require(blocks, vae.likelihood(), input.column());
      if (validationData != null) {
        InputColumn.requireVector(validationData.schema(), input.column());
        validation = AveragingTrainer.cache(InputColumn.internalRows(validationData, input.column()), input.column(),
            input.dim(), getBlockSize());
        InputCheck.require(validation, vae.likelihood(), input.column() + "' of the validation data '");
      }
      AveragingTrainer.Result r = trainer.fit(blocks, validation, null);
      List<FloatBlock> first = blocks.filter(b -> b.size > 0).take(1);
      return model(input, vae, r.params, r, first);
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
