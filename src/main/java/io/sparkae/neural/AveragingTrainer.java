package io.sparkae.neural;

import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.data.Blocker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel minibatch training with parameter averaging (Zinkevich et al. 2010; McDonald, Hall and Mann 2010;
 * the "iterative parameter averaging" of DL4J's Spark trainer), on the {@link RoundLoop}. Rows are cached as float
 * blocks. Each round broadcasts the parameters theta and optimizer state s; every partition p takes H =
 * averagingFrequency local minibatch steps from them ({@link LocalTrainer}) and returns its theta_p, s_p, the
 * examples w_p it saw and their loss; the driver sets {@code theta := sum_p w_p theta_p / sum_p w_p} (same for s),
 * accumulated in double through tree aggregation. With one partition this is exactly plain minibatch training.
 *
 * <p>An epoch is {@code ceil(S / H)} rounds with S the steps of a pass over the largest partition. Progress: one line
 * per round (INFO at the first and last round, at epoch ends and every tenth of the fit; DEBUG otherwise). A loss or
 * parameter that is not finite stops the fit with a {@link DivergedException} naming the round.
 */
public final class AveragingTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(AveragingTrainer.class);

  private final Objective net;
  private final TrainingConfig cfg;
  private final int epochs;
  private String checkpointDir;
  private int checkpointEvery;
  private boolean resume;

  /** The broadcast state of a round: parameters, optimizer state, first step and learning rate. */
  static final class State implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final float[] params;
    final float[] optimizer;
    final long firstStep;
    final float lr;

    State(float[] params, float[] optimizer, long firstStep, float lr) {
      this.params = params;
      this.optimizer = optimizer;
      this.firstStep = firstStep;
      this.lr = lr;
    }
  }

  /** The trained parameters and optimizer state, the train loss per round, the validation loss per epoch. */
  public static final class Result {
    public final float[] params;
    public final float[] optimizer;
    public final double[] trainLoss;
    public final double[] validationLoss;
    public final long rows;
    public final int roundsPerEpoch;
    public final double samplesPerSecond;

    Result(float[] params, float[] optimizer, double[] trainLoss, double[] validationLoss, long rows,
        int roundsPerEpoch, double samplesPerSecond) {
      this.params = params;
      this.optimizer = optimizer;
      this.trainLoss = trainLoss;
      this.validationLoss = validationLoss;
      this.rows = rows;
      this.roundsPerEpoch = roundsPerEpoch;
      this.samplesPerSecond = samplesPerSecond;
    }
  }

  public AveragingTrainer(Objective net, TrainingConfig cfg, int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs = " + epochs + " must be >= 0");
    }
    this.net = net;
    this.cfg = cfg;
    this.epochs = epochs;
  }

  /**
   * Writes a {@link Checkpoint} into {@code dir} every {@code every} rounds and after the last one; with
   * {@code resume}, a fit starts from the checkpoint found there (if any) instead of from scratch.
   */
  public AveragingTrainer withCheckpoints(String dir, int every, boolean resume) {
    if (every < 1) {
      throw new IllegalArgumentException("checkpoint interval = " + every + " must be >= 1 round");
    }
    this.checkpointDir = dir;
    this.checkpointEvery = every;
    this.resume = resume;
    return this;
  }

  /** Caches the rows of {@code column} as float blocks of {@code blockRows} rows (0: Blocker's default). */
  public static JavaRDD<FloatBlock> cache(JavaRDD<org.apache.spark.sql.catalyst.InternalRow> rows, String column, int dim, int blockRows) {
    return rows.mapPartitionsWithIndex((p, it) -> {
      List<FloatBlock> out = new ArrayList<>();
      new Blocker(column, dim, blockRows, false, p).blocks(io.sparkae.data.RowCursor.ofInternalRows(it), true)
          .forEachRemaining(b -> out.add(FloatBlock.of(b)));
      return out.iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Initial parameters for this network and seed: {@link Network#initialize} seeded by (seed, "init"). */
  public float[] initialParameters() {
    return net.initialize(Seeds.derive(cfg.seed, "init"));
  }

  /**
   * Trains from {@code initial} (null: {@link #initialParameters()}) on cached blocks; {@code validation} (may be
   * null) is evaluated after every epoch. The blocks stay cached: the caller unpersists them.
   */
  public Result fit(JavaRDD<FloatBlock> blocks, JavaRDD<FloatBlock> validation, float[] initial) {
    List<long[]> counts = blocks.mapPartitionsWithIndex((p, it) -> {
      long n = 0;
      while (it.hasNext()) {
        n += it.next().size;
      }
      return Collections.singletonList(new long[] {p, n}).iterator();
    }, false).collect();
    long rows = 0;
    long largest = 0;
    for (long[] c : counts) {
      rows += c[1];
      largest = Math.max(largest, c[1]);
    }
    if (rows == 0) {
      throw new IllegalArgumentException("empty data: no rows to train on");
    }
    int h = cfg.averagingFrequency;
    long stepsPerEpoch = (largest + cfg.batchSize - 1) / cfg.batchSize;
    int roundsPerEpoch = (int) ((stepsPerEpoch + h - 1) / h);
    int rounds = epochs * roundsPerEpoch;
    LOG.info("fit: {}, {}, {} rows in {} partitions, batch {}, H {}, lr {}, {} epochs of {} rounds",
        net, cfg.optimizer, rows, counts.size(), cfg.batchSize, h, cfg.learningRate, epochs, roundsPerEpoch);
    final Objective network = net;
    final TrainingConfig config = cfg;
    RoundLoop<FloatBlock, State, PartitionSums> loop = new RoundLoop<>(blocks, cfg.seed,
        (state, it, ctx) -> localRound(network, config, state, it, ctx.partition()), PartitionSums::merge);
    float[] params = initial != null ? initial.clone() : initialParameters();
    if (params.length != net.numParams()) {
      throw new IllegalArgumentException("initial parameters have " + params.length + " entries, the model needs "
          + net.numParams());
    }
    float[] opt = new float[cfg.optimizer.stateSize(net.numParams())];
    double[] trainLoss = new double[rounds];
    double[] validationLoss = new double[validation == null ? 0 : epochs];
    int firstRound = 1;
    org.apache.hadoop.conf.Configuration conf = blocks.context().hadoopConfiguration();
    Checkpoint ck = checkpointDir != null && resume ? Checkpoint.read(checkpointDir, conf) : null;
    if (ck != null) {
      if (ck.params.length != params.length || ck.optimizer.length != opt.length || ck.roundsPerEpoch != roundsPerEpoch
          || ck.round > rounds) {
        throw new IllegalArgumentException("the checkpoint in " + checkpointDir + " (round " + ck.round + ", "
            + ck.params.length + " parameters, " + ck.roundsPerEpoch + " rounds per epoch) does not fit this fit ("
            + rounds + " rounds, " + params.length + " parameters, " + roundsPerEpoch + " rounds per epoch)");
      }
      params = ck.params;
      opt = ck.optimizer;
      System.arraycopy(ck.trainLoss, 0, trainLoss, 0, ck.round);
      System.arraycopy(ck.validationLoss, 0, validationLoss, 0, Math.min(ck.validationLoss.length,
          validationLoss.length));
      firstRound = ck.round + 1;
      LOG.info("resuming from the checkpoint of round {} in {}", ck.round, checkpointDir);
    }
    long start = System.nanoTime();
    long seen = 0;
    for (int round = firstRound; round <= rounds; round++) {
      int epoch = (round - 1) / roundsPerEpoch;
      long t0 = System.nanoTime();
      PartitionSums sums = loop.round(new State(params, opt, (long) (round - 1) * h, cfg.learningRate(epoch)), round);
      double loss = sums.lossSum / sums.samples;
      float[] next = sums.averageParams();
      if (!Double.isFinite(loss) || !allFinite(next)) {
        throw new DivergedException(String.format(Locale.ROOT, "training diverged in round %d (epoch %d): the train "
            + "loss is %s; lower the learning rate (%s) or check the data's scale. The last good parameters are "
            + "those after round %d", round, epoch + 1, Double.isFinite(loss) ? "finite but parameters are not"
            : String.valueOf(loss), cfg.learningRate(epoch), round - 1), round, params);
      }
      params = next;
      opt = sums.averageOptimizer();
      trainLoss[round - 1] = loss;
      seen += sums.samples;
      double secs = (System.nanoTime() - start) / 1e9;
      boolean epochEnd = round % roundsPerEpoch == 0;
      String line = String.format(Locale.ROOT, "epoch %d/%d round %d/%d: train loss %.6g, %.0f "
          + "samples/s, ~%.1f s left", epoch + 1, epochs, round, rounds, loss,
          sums.samples / Math.max(1e-9, (System.nanoTime() - t0) / 1e9),
          secs / (round - firstRound + 1) * (rounds - round));
      if (epochEnd && validation != null) {
        validationLoss[epoch] = meanLoss(validation, params);
        line += String.format(Locale.ROOT, ", validation loss %.6g", validationLoss[epoch]);
      }
      if (round == 1 || round == rounds || epochEnd || round % Math.max(1, rounds / 10) == 0) {
        LOG.info(line);
      } else {
        LOG.debug(line);
      }
      if (checkpointDir != null && (round % checkpointEvery == 0 || round == rounds)) {
        new Checkpoint(round, roundsPerEpoch, params, opt, java.util.Arrays.copyOf(trainLoss, round),
            validationLoss).write(checkpointDir, conf);
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new Result(params, opt, trainLoss, validationLoss, rows, roundsPerEpoch, seen / Math.max(1e-9, secs));
  }

  /** One partition's part of a round: H local steps from the broadcast state, on copies of its arrays. */
  static PartitionSums localRound(Objective net, TrainingConfig cfg, State state, java.util.Iterator<FloatBlock> it,
      int partition) {
    List<FloatBlock> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    if (list.isEmpty()) {
      return null;
    }
    LocalTrainer trainer = new LocalTrainer(net, cfg, list, partition);
    float[] p = state.params.clone();
    float[] o = state.optimizer.clone();
    LocalTrainer.Stats stats = trainer.run(p, o, state.firstStep, cfg.averagingFrequency, state.lr);
    return new PartitionSums(p, o, stats);
  }

  /**
   * Mean per-example reported loss ({@link Objective.Evaluator#loss}) with parameters p over cached blocks; the
   * randomness of block b of partition q is seeded by (seed, q, b), so the figure is repeatable.
   */
  public double meanLoss(JavaRDD<FloatBlock> blocks, float[] p) {
    return meanLoss(net, blocks, p, cfg.seed);
  }

  /** {@link #meanLoss(JavaRDD, float[])} for any objective. */
  public static double meanLoss(Objective net, JavaRDD<FloatBlock> blocks, float[] p, long seed) {
    RoundLoop<FloatBlock, float[], double[]> loop = new RoundLoop<>(blocks, seed,
        (params, it, ctx) -> lossSums(net, params, it, Seeds.derive(Seeds.derive(seed, "loss"), 0, ctx.partition())),
        (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    double[] s = loop.round(p, 0);
    return s == null || s[0] == 0 ? Double.NaN : s[1] / s[0];
  }

  private static double[] lossSums(Objective net, float[] p, java.util.Iterator<FloatBlock> it, long seed) {
    if (!it.hasNext()) {
      return null;
    }
    Objective.Evaluator ws = null;
    double n = 0;
    double sum = 0;
    int block = 0;
    while (it.hasNext()) {
      FloatBlock b = it.next();
      if (ws == null || ws.capacity() < b.size) {
        ws = net.evaluator(Math.max(1, b.size));
      }
      System.arraycopy(b.values, 0, ws.input(), 0, b.size * b.dim);
      sum += ws.loss(p, b.size, Seeds.derive(seed, block++, 0));
      n += b.size;
    }
    return new double[] {n, sum};
  }

  private static boolean allFinite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
