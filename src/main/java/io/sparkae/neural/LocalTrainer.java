package io.sparkae.neural;

import io.sparkae.core.Seeds;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plain minibatch training on one partition's rows: the step function the averaging trainer runs inside each
 * task, and what a test runs on its own to compare. Step s (counted from 0 over the whole fit) of partition p
 * takes minibatch {@code s mod S} of local epoch {@code e = s / S}, where {@code S = ceil(n_p / B)} and the rows are
 * visited in a permutation seeded by {@code Seeds.derive(seed, e, p)}; corruption noise and the objective's own randomness
 * (a VAE's reparameterisation noise) of step s are seeded by (seed, s, p). A retried task therefore repeats its steps exactly. Knows only arrays (no Spark).
 */
public final class LocalTrainer {
  private static final long NOISE = 0x5DEECE66DL;
  private static final long SAMPLE = 0x2545F4914F6CDD1DL;

  private final Objective net;
  private final TrainingConfig cfg;
  private List<FloatBlock> blocks;
  private final int partition;
  private final int dim;
  private final int blockRows;
  private final int rows;
  private final Objective.Evaluator ws;
  private final float[] target;
  private final float[] grad;
  private int[] perm;
  private long permEpoch = -1;

  /** Statistics of a run of steps: examples seen and their summed loss. */
  public static final class Stats {
    public final long samples;
    public final double lossSum;

    Stats(long samples, double lossSum) {
      this.samples = samples;
      this.lossSum = lossSum;
    }
  }

  /** @param blocks the partition's rows; every block but the last holds the same number of rows */
  public LocalTrainer(Objective net, TrainingConfig cfg, List<FloatBlock> blocks, int partition) {
    this.net = net;
    this.cfg = cfg;
    this.blocks = blocks;
    this.partition = partition;
    this.dim = net.inputSize();
    long n = 0;
    for (FloatBlock b : blocks) {
      n += b.size;
      if (b.dim != dim) {
        throw new IllegalArgumentException("rows have " + b.dim + " features but the network's layers start with "
            + dim + " inputs");
      }
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("partition " + partition + " holds " + n + " rows; repartition the data");
    }
    this.rows = (int) n;
    this.blockRows = blocks.isEmpty() ? 1 : blocks.get(0).size;
    int cap = Math.min(cfg.batchSize, Math.max(1, rows));
    this.ws = net.evaluator(cap);
    this.target = new float[dim * cap];
    this.grad = new float[net.numParams()];
  }

  /**
   * This trainer on another list of the same partition's blocks (the cached blocks as a round's task reads them),
   * keeping its buffers; a new trainer if the rows differ. The caller keys trainers by fit, so net and cfg are
   * equal to this trainer's (they arrive as fresh copies in every task).
   */
  public LocalTrainer bind(List<FloatBlock> next, Objective net, TrainingConfig cfg, int partition) {
    long n = 0;
    for (FloatBlock b : next) {
      n += b.size;
    }
    if (partition != this.partition || n != rows || (!next.isEmpty() && next.get(0).size != blockRows)) {
      return new LocalTrainer(net, cfg, next, partition);
    }
    blocks = next;
    return this;
  }

  /** Drops the reference to the blocks (the trainer is kept between rounds for its buffers only). */
  void release() {
    blocks = List.of();
  }

  public int rows() {
    return rows;
  }

  /** Minibatch steps in one pass over this partition, {@code ceil(n_p / B)}. */
  public int stepsPerEpoch() {
    return (rows + cfg.batchSize - 1) / cfg.batchSize;
  }

  /**
   * Runs steps {@code first .. first + steps - 1} from parameters p and optimizer state opt (both updated in place)
   * with learning rate lr. Returns the examples seen and the sum of their losses (each taken before its step).
   */
  public Stats run(float[] p, float[] opt, long first, int steps, float lr) {
    if (rows == 0) {
      return new Stats(0, 0);
    }
    int spe = stepsPerEpoch();
    long samples = 0;
    double lossSum = 0;
    for (long s = first; s < first + steps; s++) {
      long epoch = s / spe;
      int batch = (int) (s % spe);
      if (epoch != permEpoch) {
        perm = permutation(rows, Seeds.derive(cfg.seed, (int) epoch, partition));
        permEpoch = epoch;
      }
      int start = batch * cfg.batchSize;
      int n = Math.min(cfg.batchSize, rows - start);
      gather(start, n);
      if (cfg.corrupts()) {
        corrupt(ws.input(), n * dim, new SplittableRandom(Seeds.derive(cfg.seed ^ NOISE, (int) s, partition)));
      }
      lossSum += ws.gradient(p, grad, target, n, cfg.weightDecay, s / (double) spe,
          Seeds.derive(cfg.seed ^ SAMPLE, (int) s, partition));
      cfg.optimizer.step(p, grad, opt, lr);
      samples += n;
    }
    return new Stats(samples, lossSum);
  }

  /** Copies rows perm[start, start + n) into the input and the target. */
  private void gather(int start, int n) {
    float[] in = ws.input();
    for (int j = 0; j < n; j++) {
      int r = perm[start + j];
      FloatBlock b = blocks.get(r / blockRows);
      System.arraycopy(b.values, (r % blockRows) * dim, in, j * dim, dim);
    }
    System.arraycopy(in, 0, target, 0, n * dim);
  }

  private void corrupt(float[] x, int len, SplittableRandom r) {
    float q = cfg.inputDropout;
    float sigma = cfg.inputNoise;
    for (int i = 0; i < len; i++) {
      if (q > 0 && r.nextDouble() < q) {
        x[i] = 0f;
      } else if (sigma > 0) {
        x[i] += (float) (sigma * r.nextGaussian());
      }
    }
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
