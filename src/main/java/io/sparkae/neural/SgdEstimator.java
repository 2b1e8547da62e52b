package io.sparkae.neural;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.CheckpointedFit;
import io.sparkae.core.InputColumn;
import io.sparkae.core.ValidatedFit;
import io.sparkae.linalg.DenseMatrix;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Dataset;
import org.slf4j.LoggerFactory;

/**
 * What every estimator trained by the {@link AveragingTrainer} shares: the Params of data-parallel minibatch training
 * (batch size B, averaging frequency H, epochs, optimizer and learning-rate schedule, weight decay, checkpoints),
 * optional validation data, and the trainer and {@link TrainingConfig} they describe. The neural autoencoder, the
 * VAE and the topic model extend it; each sets its own defaults for B and H.
 *
 * @param <M> the fitted model
 * @param <E> the concrete estimator (for fluent setters)
 */
public abstract class SgdEstimator<M extends AutoencoderModel<M>, E extends SgdEstimator<M, E>>
    extends AutoencoderEstimator<M, E> implements ValidatedFit, CheckpointedFit {
  private static final long serialVersionUID = 1L;

  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam epochs;
  private final Param<String> optimizer;
  private final DoubleParam learningRate;
  private final DoubleParam momentum;
  private final DoubleParam adamBeta1;
  private final DoubleParam learningRateDecay;
  private final IntParam decayEvery;
  private final DoubleParam weightDecay;
  private final Param<String> checkpointDir;
  private final IntParam checkpointInterval;
  private final BooleanParam resume;
  private final IntParam trainingPartitions;
  private final DoubleParam blockMomentum;
  private final BooleanParam blockNesterov;
  private transient Dataset<?> validationData;

  protected SgdEstimator(String uid) {
    super(uid);
    batchSize = new IntParam(this, "batchSize", "minibatch size B (>= 1; default: 64, the VAE 128)", ParamValidators.gtEq(1));
    averagingFrequency = new IntParam(this, "averagingFrequency", "local minibatch steps between parameter "
        + "averages H (>= 1; default: 4, the VAE and the topic model 25)", ParamValidators.gtEq(1));
    epochs = new IntParam(this, "epochs", "passes over the data (>= 1, default: 10)", ParamValidators.gtEq(1));
    optimizer = new Param<>(this, "optimizer", "adam or sgd (with momentum) (default: adam)",
        ParamValidators.inArray(new String[] {"adam", "sgd"}));
    learningRate = new DoubleParam(this, "learningRate", "step size (> 0; default: 0.001, the topic model 0.005)", ParamValidators.gt(0));
    momentum = new DoubleParam(this, "momentum", "sgd momentum in [0, 1) (default: 0.9)",
        ParamValidators.inRange(0, 1, true, false));
    adamBeta1 = new DoubleParam(this, "adamBeta1", "Adam's first-moment decay beta1, in [0, 1) (default: 0.9)",
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
    trainingPartitions = new IntParam(this, "trainingPartitions", "partitions W the rows are cached in for "
        + "training, whatever the input's partitioning (>= 0; default 0: one per task slot, at most n / (B H))",
        ParamValidators.gtEq(0));
    blockMomentum = new DoubleParam(this, "blockMomentum", "block momentum eta of the driver's update after each "
        + "average (Chen and Huo 2016), in [0, 1); 0 for plain averaging (default: 0)",
        ParamValidators.inRange(0, 1, true, false));
    blockNesterov = new BooleanParam(this, "blockNesterov", "with block momentum, start each round from the "
        + "Nesterov look-ahead (default: true)");
    setDefault(trainingPartitions, 0);
    setDefault(blockMomentum, 0.0);
    setDefault(blockNesterov, true);
    setDefault(batchSize, 64);
    setDefault(averagingFrequency, 4);
    setDefault(epochs, 10);
    setDefault(optimizer, "adam");
    setDefault(learningRate, 1e-3);
    setDefault(momentum, 0.9);
    setDefault(adamBeta1, 0.9);
    setDefault(learningRateDecay, 1.0);
    setDefault(decayEvery, 1);
    setDefault(weightDecay, 0.0);
    setDefault(checkpointDir, "");
    setDefault(checkpointInterval, 10);
    setDefault(resume, false);
  }

  // Params (Spark finds them through these public no-argument methods).
  public IntParam batchSize() { return batchSize; }
  public IntParam averagingFrequency() { return averagingFrequency; }
  public IntParam epochs() { return epochs; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public DoubleParam momentum() { return momentum; }
  public DoubleParam adamBeta1() { return adamBeta1; }
  public DoubleParam learningRateDecay() { return learningRateDecay; }
  public IntParam decayEvery() { return decayEvery; }
  public DoubleParam weightDecay() { return weightDecay; }
  public Param<String> checkpointDir() { return checkpointDir; }
  public IntParam checkpointInterval() { return checkpointInterval; }
  public BooleanParam resume() { return resume; }
  public IntParam trainingPartitions() { return trainingPartitions; }
  public DoubleParam blockMomentum() { return blockMomentum; }
  public BooleanParam blockNesterov() { return blockNesterov; }

  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency); }
  public int getEpochs() { return (Integer) getOrDefault(epochs); }
  public String getOptimizer() { return getOrDefault(optimizer); }
  public double getLearningRate() { return (Double) getOrDefault(learningRate); }
  public double getMomentum() { return (Double) getOrDefault(momentum); }
  public double getAdamBeta1() { return (Double) getOrDefault(adamBeta1); }
  public double getLearningRateDecay() { return (Double) getOrDefault(learningRateDecay); }
  public int getDecayEvery() { return (Integer) getOrDefault(decayEvery); }
  public double getWeightDecay() { return (Double) getOrDefault(weightDecay); }
  public String getCheckpointDir() { return getOrDefault(checkpointDir); }
  public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }
  public boolean getResume() { return (Boolean) getOrDefault(resume); }
  public int getTrainingPartitions() { return (Integer) getOrDefault(trainingPartitions); }
  public double getBlockMomentum() { return (Double) getOrDefault(blockMomentum); }
  public boolean getBlockNesterov() { return (Boolean) getOrDefault(blockNesterov); }

  @Override
  public boolean hasCheckpoint(Configuration conf) { return Checkpoint.exists(getCheckpointDir(), conf); }

  @Override
  public int[] checkpointProgress(Configuration conf) { return Checkpoint.progress(getCheckpointDir(), conf); }

  @Override
  public void deleteCheckpoint(Configuration conf) { Checkpoint.delete(getCheckpointDir(), conf); }

  public E setBatchSize(int v) { return with(batchSize, v); }
  public E setAveragingFrequency(int v) { return with(averagingFrequency, v); }
  public E setEpochs(int v) { return with(epochs, v); }
  public E setOptimizer(String v) { return with(optimizer, v); }
  public E setLearningRate(double v) { return with(learningRate, v); }
  public E setMomentum(double v) { return with(momentum, v); }
  public E setAdamBeta1(double v) { return with(adamBeta1, v); }
  public E setLearningRateDecay(double v) { return with(learningRateDecay, v); }
  public E setDecayEvery(int v) { return with(decayEvery, v); }
  public E setWeightDecay(double v) { return with(weightDecay, v); }
  public E setCheckpointDir(String v) { return with(checkpointDir, v); }
  public E setCheckpointInterval(int v) { return with(checkpointInterval, v); }
  public E setResume(boolean v) { return with(resume, v); }
  public E setTrainingPartitions(int v) { return with(trainingPartitions, v); }
  public E setBlockMomentum(double v) { return with(blockMomentum, v); }
  public E setBlockNesterov(boolean v) { return with(blockNesterov, v); }

  /** Held-out rows (same input column) whose loss is computed after every epoch; null for none. Not a Param. */
  public E setValidationData(Dataset<?> v) {
    validationData = v;
    return self();
  }

  public Dataset<?> getValidationData() {
    return validationData;
  }

  /** The optimizer these params describe. */
  public Optimizer optimizerRule() {
    return getOptimizer().equals("adam") ? Optimizer.adam(getAdamBeta1()) : Optimizer.sgd(getMomentum());
  }

  /** The training settings these params describe, with input corruption (0 for none). */
  public TrainingConfig trainingConfig(double inputDropout, double inputNoise) {
    return new TrainingConfig(getBatchSize(), getAveragingFrequency(), optimizerRule(), getLearningRate(),
        getLearningRateDecay(), getDecayEvery(), getWeightDecay(), inputDropout, inputNoise, getSeed())
        .withBlockMomentum(getBlockMomentum(), getBlockNesterov());
  }

  /**
   * The training rows of {@code input}'s column cached in W training partitions ({@link TrainingPartitions}), and
   * the validation rows (null when there are none) in as many; the log says W and why.
   */
  protected TrainingPartitions.Cached[] cacheTrainingData(FitInput input,
      TrainingConfig config) {
    TrainingPartitions.Cached train = AveragingTrainer.cache(InputColumn.internalRows(input.data(),
        input.column()), input.column(), input.dim(), getBlockSize(), getTrainingPartitions(),
        AveragingTrainer.stepRows(config));
    LoggerFactory.getLogger(getClass()).info("{} rows cached in W = {} training partitions ({}; the "
        + "input had {})", train.rows(), train.partitions(), train.why(), input.data().rdd().getNumPartitions());
    TrainingPartitions.Cached validation = null;
    if (validationData != null) {
      InputColumn.requireVector(validationData.schema(), input.column());
      validation = AveragingTrainer.cache(InputColumn.internalRows(validationData, input.column()),
          input.column(), input.dim(), getBlockSize(), train.partitions(), 0);
    }
    return new TrainingPartitions.Cached[] {train, validation};
  }

  /** The trainer of {@code objective} for {@link #getEpochs()} epochs, with checkpoints when a folder is set. */
  protected AveragingTrainer trainer(Objective objective, TrainingConfig config) {
    AveragingTrainer t = new AveragingTrainer(objective, config, getEpochs());
    if (!getCheckpointDir().isEmpty()) {
      t.withCheckpoints(getCheckpointDir(), getCheckpointInterval(), getResume());
    }
    return t;
  }

  /** Up to {@code max} rows of the first non-empty cached block, d x m (0 x 0 when there is none). */
  protected static DenseMatrix sampleRows(JavaRDD<FloatBlock> blocks,
      int max) {
    List<FloatBlock> first = blocks.filter(b -> b.size > 0).take(1);
    if (first.isEmpty()) {
      return new DenseMatrix(0, 0);
    }
    FloatBlock b = first.get(0);
    int m = Math.min(max, b.size);
    DenseMatrix out = new DenseMatrix(b.dim, m);
    for (int i = 0; i < b.dim * m; i++) {
      out.values[i] = b.values[i];
    }
    return out;
  }

  /** The params and the validation data onto a new instance. */
  @Override
  public E copy(ParamMap extra) {
    return super.copy(extra).setValidationData(validationData);
  }
}
