package io.sparkae.neural;

import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel minibatch training with parameter averaging (Zinkevich et al. 2010; McDonald, Hall and Mann 2010;
 * the "iterative parameter averaging" of DL4J's Spark trainer), on the {@link RoundLoop}. Rows are cached as float
 * blocks. Each round broadcasts the parameters theta and optimizer state s; every partition p takes H =
 * averagingFrequency local minibatch steps from them ({@link LocalTrainer}) and returns its theta_p, s_p, the
 * examples w_p it saw and their loss; the driver sets {@code theta := sum_p w_p theta_p / sum_p w_p} (same for s),
 * accumulated in double in partition order. With one partition this is exactly plain minibatch training.
 *
 * <p>The rows are cached in W training partitions by {@link TrainingPartitions}, whatever the input's partitioning,
 * so the same seed gives the same model. An epoch is one pass over the rows: {@code R = ceil(n / (W B H))} rounds,
 * the first R - 1 of H steps and the last of only the steps that complete the pass, {@code ceil((n - (R - 1) W B H)
 * / (W B))} (so with one partition, or balanced ones, an epoch is exactly {@code ceil(n_p / B)} steps of every
 * partition: each row once; see {@link Schedule}).
 * Parameters travel as float and are summed in double ({@link PartitionSums}); optional block momentum on the
 * driver (Chen and Huo 2016) makes W partitions progress per epoch like one. Progress: one line
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

  /**
   * The broadcast state of a round: the fit's id, parameters, optimizer state, first step, number of steps and
   * learning rate.
   */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final String fit;
    final float[] params;
    final float[] optimizer;
    final long firstStep;
    final int steps;
    final float lr;

    State(String fit, float[] params, float[] optimizer, long firstStep, int steps, float lr) {
      this.fit = fit;
      this.params = params;
      this.optimizer = optimizer;
      this.firstStep = firstStep;
      this.steps = steps;
      this.lr = lr;
    }
  }

  /**
   * The rounds of an epoch and the steps of each: with W busy partitions, batch B and H steps per round, an epoch
   * is {@code R = ceil(n / (W B H))} rounds; rounds 1..R-1 of the epoch take H steps, its last round
   * {@code ceil((n - (R - 1) W B H) / (W B))} <= H, so that the W partitions see about n rows between them (one
   * pass, not a pass rounded up to whole rounds: before, W = 2 partitions of 30,000 MNIST rows with B 128, H 25 saw
   * 64,000 rows per epoch). Step numbers count from 0 over the fit: round r of epoch e starts at
   * {@code e S + i H}, with {@code S} the steps per epoch and i the round's index in the epoch.
   */
  record Schedule(int roundsPerEpoch, int steps, int lastSteps) {
    static Schedule of(long rows, int busy, int batch, int steps) {
      long perStep = (long) busy * batch;
      long perRound = perStep * steps;
      int rounds = (int) Math.max(1, (rows + perRound - 1) / perRound);
      long rest = rows - (rounds - 1) * perRound;
      int last = (int) Math.max(1, Math.min(steps, (rest + perStep - 1) / perStep));
      return new Schedule(rounds, steps, last);
    }

    /** Steps per epoch: (R - 1) H + the last round's. */
    long stepsPerEpoch() {
      return (long) (roundsPerEpoch - 1) * steps + lastSteps;
    }

    /** The epoch (from 0) of round {@code round} (from 1). */
    int epoch(int round) {
      return (round - 1) / roundsPerEpoch;
    }

    /** Whether round {@code round} (from 1) is the last of its epoch. */
    boolean endsEpoch(int round) {
      return round % roundsPerEpoch == 0;
    }

    /** The steps of round {@code round} (from 1). */
    int steps(int round) {
      return endsEpoch(round) ? lastSteps : steps;
    }

    /** The first step (from 0, over the fit) of round {@code round} (from 1). */
    long firstStep(int round) {
      return epoch(round) * stepsPerEpoch() + (long) ((round - 1) % roundsPerEpoch) * steps;
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

  /**
   * Caches the rows of {@code column} as float blocks of {@code blockRows} rows (0: Blocker's default) in
   * {@code partitions} training partitions (0: one per task slot), whatever the input's partitioning; see
   * {@link TrainingPartitions}. For training data pass {@code stepRows} = B H (W is capped at n / (B H)), for
   * evaluation data 0.
   */
  public static TrainingPartitions.Cached cache(JavaRDD<InternalRow> rows,
      String column, int dim, int blockRows, int partitions, long stepRows) {
    return TrainingPartitions.cache(rows, column, dim, blockRows, partitions, stepRows);
  }

  /** The training rows B H of one partition's round under {@code cfg}, the cap on W. */
  public static long stepRows(TrainingConfig cfg) {
    return (long) cfg.batchSize * cfg.averagingFrequency;
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
    int busy = 0;
    for (long[] c : counts) {
      rows += c[1];
      busy += c[1] > 0 ? 1 : 0;
    }
    if (rows == 0) {
      throw new IllegalArgumentException("empty data: no rows to train on");
    }
    int h = cfg.averagingFrequency;
    // An epoch is one pass over the rows: R rounds, the last one cut to the steps that complete the pass.
    Schedule schedule = Schedule.of(rows, busy, cfg.batchSize, h);
    int roundsPerEpoch = schedule.roundsPerEpoch();
    int rounds = epochs * roundsPerEpoch;
    LOG.info("fit: {}, {}, {} rows in W = {} training partitions, batch {}, H {}, lr {}{}, {} epochs of {} rounds{}",
        net, cfg.optimizer, rows, busy, cfg.batchSize, h, cfg.learningRate, cfg.blockMomentum > 0
            ? String.format(Locale.ROOT, ", block momentum %s%s", cfg.blockMomentum,
                cfg.blockNesterov ? " (Nesterov)" : "") : "", epochs, roundsPerEpoch,
        schedule.lastSteps() < h ? String.format(Locale.ROOT, " (the last of each epoch %d steps: one pass over the "
            + "rows)", schedule.lastSteps()) : "");
    final Objective network = net;
    final TrainingConfig config = cfg;
    RoundLoop<FloatBlock, State, PartitionSums> loop = new RoundLoop<>(blocks, cfg.seed,
        (state, it, ctx) -> localRound(network, config, state, it, ctx.partition()), PartitionSums::merge);
    String fitId = UUID.randomUUID().toString();
    float[] params = initial != null ? initial.clone() : initialParameters();
    if (params.length != net.numParams()) {
      throw new IllegalArgumentException("initial parameters have " + params.length + " entries, the model needs "
          + net.numParams());
    }
    float[] opt = new float[cfg.optimizer.stateSize(net.numParams())];
    // Block momentum (BMUF, Chen and Huo 2016): the driver keeps the global model theta and the block update Delta;
    // after a round, Delta := eta Delta + (average - theta) and theta := theta + Delta; with Nesterov the next
    // round starts from theta + eta Delta. A checkpoint stores theta and, after the optimizer state, Delta.
    boolean bmuf = cfg.blockMomentum > 0;
    float[] delta = bmuf ? new float[params.length] : null;
    double[] trainLoss = new double[rounds];
    double[] validationLoss = new double[validation == null ? 0 : epochs];
    int firstRound = 1;
    Configuration conf = blocks.context().hadoopConfiguration();
    Checkpoint ck = checkpointDir != null && resume ? Checkpoint.read(checkpointDir, conf) : null;
    if (ck != null) {
      int saved = opt.length + (bmuf ? params.length : 0);
      if (ck.params.length != params.length || ck.optimizer.length != saved || ck.roundsPerEpoch != roundsPerEpoch
          || ck.round > rounds) {
        throw new IllegalArgumentException("the checkpoint in " + checkpointDir + " (round " + ck.round + ", "
            + ck.params.length + " parameters, " + ck.roundsPerEpoch + " rounds per epoch) does not fit this fit ("
            + rounds + " rounds, " + params.length + " parameters, " + roundsPerEpoch + " rounds per epoch)");
      }
      params = ck.params;
      opt = Arrays.copyOf(ck.optimizer, opt.length);
      if (bmuf) {
        System.arraycopy(ck.optimizer, opt.length, delta, 0, params.length);
      }
      System.arraycopy(ck.trainLoss, 0, trainLoss, 0, ck.round);
      System.arraycopy(ck.validationLoss, 0, validationLoss, 0, Math.min(ck.validationLoss.length,
          validationLoss.length));
      firstRound = ck.round + 1;
      LOG.info("resuming from the checkpoint of round {} in {}", ck.round, checkpointDir);
    }
    long start = System.nanoTime();
    long seen = 0;
    for (int round = firstRound; round <= rounds; round++) {
      int epoch = schedule.epoch(round);
      long t0 = System.nanoTime();
      float[] from = bmuf && cfg.blockNesterov ? lookAhead(params, delta, cfg.blockMomentum) : params;
      PartitionSums sums = loop.round(new State(fitId, from, opt, schedule.firstStep(round), schedule.steps(round),
          cfg.learningRate(epoch)), round);
      double loss = sums.lossSum / sums.samples;
      float[] next = sums.averageParams();
      if (bmuf) {
        next = blockStep(params, from, next, delta, cfg.blockMomentum, net.trainedParams());
      }
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
      boolean epochEnd = schedule.endsEpoch(round);
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
        float[] saved = opt;
        if (bmuf) {
          saved = Arrays.copyOf(opt, opt.length + delta.length);
          System.arraycopy(delta, 0, saved, opt.length, delta.length);
        }
        new Checkpoint(round, roundsPerEpoch, params, saved, Arrays.copyOf(trainLoss, round),
            validationLoss).write(checkpointDir, conf);
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new Result(params, opt, trainLoss, validationLoss, rows, roundsPerEpoch, seen / Math.max(1e-9, secs));
  }

  /**
   * Theta + eta Delta, where the next round starts with Nesterov block momentum.
   */
  static float[] lookAhead(float[] theta, float[] delta, float eta) {
    float[] out = new float[theta.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = theta[i] + eta * delta[i];
    }
    return out;
  }

  /**
   * The block-momentum update (Chen and Huo 2016, with block learning rate 1): the round's averaged update
   * G = average - start (start: the model the round was broadcast, theta or theta + eta Delta), Delta := eta Delta
   * + G (in place), and the new global model theta + Delta. With eta = 0 that is the plain average.
   */
  static float[] blockStep(float[] theta, float[] start, float[] average, float[] delta, float eta) {
    return blockStep(theta, start, average, delta, eta, theta.length);
  }

  /**
   * {@link #blockStep} on the first {@code trained} entries; the objective's statistics after them (running
   * means and variances) take the plain average, their Delta stays 0 (so the Nesterov look-ahead leaves them too).
   */
  static float[] blockStep(float[] theta, float[] start, float[] average, float[] delta, float eta, int trained) {
    float[] out = new float[theta.length];
    for (int i = 0; i < trained; i++) {
      float d = eta * delta[i] + (average[i] - start[i]);
      delta[i] = d;
      out[i] = theta[i] + d;
    }
    for (int i = trained; i < out.length; i++) {
      delta[i] = 0f;
      out[i] = average[i];
    }
    return out;
  }

  /**
   * One partition's part of a round: H local steps from the broadcast state, on copies of its arrays. The local
   * trainer (its evaluator, gradient and batch buffers, its permutation) is kept in the executor between rounds of
   * the same fit instead of being rebuilt every round; it holds no reference to the blocks between rounds.
   */
  static PartitionSums localRound(Objective net, TrainingConfig cfg, State state, Iterator<FloatBlock> it,
      int partition) {
    List<FloatBlock> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    if (list.isEmpty()) {
      return null;
    }
    LocalTrainer trainer = KEPT.take(state.fit, partition);
    trainer = trainer == null ? new LocalTrainer(net, cfg, list, partition) : trainer.bind(list, net, cfg, partition);
    try {
      float[] p = state.params.clone();
      float[] o = state.optimizer.clone();
      LocalTrainer.Stats stats = trainer.run(p, o, state.firstStep, state.steps, state.lr);
      return new PartitionSums(p, o, stats);
    } finally {
      trainer.release();
      KEPT.put(state.fit, partition, trainer);
    }
  }

  /**
   * Local trainers kept in an executor between rounds: those of the most recent fit only (a new fit drops the
   * others), so what stays after a fit is a few buffers. Taking removes, so two tasks never share a trainer.
   */
  private static final class Kept {
    private String fit;
    private final Map<Integer, LocalTrainer> trainers = new HashMap<>();

    synchronized LocalTrainer take(String id, int partition) {
      return id.equals(fit) ? trainers.remove(partition) : null;
    }

    synchronized void put(String id, int partition, LocalTrainer t) {
      if (!id.equals(fit)) {
        trainers.clear();
        fit = id;
      }
      trainers.put(partition, t);
    }
  }

  private static final Kept KEPT = new Kept();

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

  private static double[] lossSums(Objective net, float[] p, Iterator<FloatBlock> it, long seed) {
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
