package io.sparkae.neural;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Forward and backward passes of an {@link Architecture} on minibatch blocks: column-major float matrices,
 * features x batch (example j in column j), through the shared engine {@link DenseLayers} (one {@code sgemm} forward
 * and two backward per layer): forward layer by layer for the code's top-k, backward whole with the code's L1 and
 * top-k gradient step between layers ({@link DenseLayers.Between}); the parameters and their gradient are flat float
 * arrays of {@link Architecture#numParams()} entries.
 *
 * <p>The training objective of a minibatch of n examples is the mean per-example loss
 * {@code (1/n) sum_j [l(x_j, xhat_j) + l1 ||z_j||_1] + (weightDecay / 2) sum_l ||W_l||_F^2}, where xhat is
 * computed from the (possibly corrupted) input and compared with the clean target x. With top-k the code keeps its
 * k largest entries per example and the gradient flows through those only (Makhzani and Frey 2013).
 *
 * <p>Knows only arrays and BLAS. Not thread-safe through its {@link Workspace}: one workspace per thread.
 */
public final class Network implements Objective {
  private static final long serialVersionUID = 1L;

  private final Architecture arch;
  private final DenseLayers layers;

  public Network(Architecture arch) {
    this.arch = arch;
    this.layers = arch.dense();
  }

  public Architecture architecture() {
    return arch;
  }

  /** Buffers for batches of up to {@code capacity} examples: activations a_0..a_L, two gradient buffers, masks. */
  public static final class Workspace implements Objective.Evaluator {
    final Network net;
    final int capacity;
    /** a_l, sizes[l] x capacity; a_0 is the (corrupted) input the caller fills. */
    public final float[][] acts;
    final float[] deltaA;
    final float[] deltaB;
    final boolean[] keep;
    final float[] column;
    final DenseLayers.Between codeStep;

    Workspace(Network net, int capacity) {
      Architecture a = net.arch;
      this.net = net;
      this.capacity = capacity;
      acts = net.layers.activations(capacity);
      deltaA = new float[a.maxSize() * capacity];
      deltaB = new float[a.maxSize() * capacity];
      keep = a.topK() > 0 ? new boolean[a.codeSize() * capacity] : null;
      column = new float[a.codeSize()];
      codeStep = (l, z, g, cols) -> net.codeGradient(l, z, g, cols, keep);
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public float[] input() {
      return acts[0];
    }

    @Override
    public double gradient(float[] p, float[] grad, float[] target, int n, float weightDecay, double epoch,
        long seed) {
      net.forward(p, this, n);
      return net.backward(p, grad, this, target, n, weightDecay);
    }

    /** The reconstruction loss against the (uncorrupted) input itself; deterministic. */
    @Override
    public double loss(float[] p, int n, long seed) {
      return net.reconstructionLoss(p, this, n, null);
    }
  }

  public Workspace workspace(int capacity) {
    return new Workspace(this, capacity);
  }

  @Override
  public Workspace evaluator(int capacity) {
    return workspace(capacity);
  }

  @Override
  public int inputSize() {
    return arch.inputSize();
  }

  @Override
  public int numParams() {
    return arch.numParams();
  }

  @Override
  public String toString() {
    return arch.toString();
  }

  /**
   * Fresh parameters: weights from He (normal, std sqrt(2 / fan_in); He et al. 2015) for rectifier layers and
   * Xavier/Glorot (uniform, limit sqrt(6 / (fan_in + fan_out)); Glorot and Bengio 2010) otherwise; biases 0.
   */
  @Override
  public float[] initialize(long seed) {
    float[] p = new float[arch.numParams()];
    layers.initialize(p, new SplittableRandom(seed));
    return p;
  }

  /** Computes a_{from+1}..a_{to} for n examples from a_from (filled by the caller); top-k applies at the code. */
  public void forward(float[] p, Workspace ws, int n, int from, int to) {
    checkBatch(ws, n);
    for (int l = from; l < to; l++) {
      layers.forwardLayer(p, l, ws.acts[l], ws.acts[l + 1], n);
      if (l + 1 == arch.codeLayer() && arch.topK() > 0 && arch.topK() < arch.size(l + 1)) {
        topK(ws.acts[l + 1], arch.size(l + 1), n, ws);
      }
    }
  }

  /** The whole network: a_1..a_L from a_0. */
  public void forward(float[] p, Workspace ws, int n) {
    forward(p, ws, n, 0, arch.layers());
  }

  /**
   * Runs the network on the first n columns of a_0 and returns the summed reconstruction loss against a_0 itself
   * (without the L1 code penalty), each column's into {@code out} when non-null.
   */
  public double reconstructionLoss(float[] p, Workspace ws, int n, double[] out) {
    int d = arch.inputSize();
    float[] x = Arrays.copyOf(ws.acts[0], d * n);
    forward(p, ws, n);
    return arch.loss().evaluate(ws.acts[arch.layers()], x, d, n, null, 1f, out);
  }

  /** Keeps the k largest entries of each column of the code (ties broken by lowest index), zeroes the rest. */
  private void topK(float[] z, int m, int n, Workspace ws) {
    int k = arch.topK();
    float[] col = ws.column;
    for (int j = 0; j < n; j++) {
      int off = j * m;
      System.arraycopy(z, off, col, 0, m);
      Arrays.sort(col);
      float t = col[m - k];
      int above = 0;
      for (int i = 0; i < m; i++) {
        if (z[off + i] > t) {
          above++;
        }
      }
      int ties = k - above;
      for (int i = 0; i < m; i++) {
        float v = z[off + i];
        boolean keep = v > t || (v == t && ties-- > 0);
        ws.keep[off + i] = keep;
        if (!keep) {
          z[off + i] = 0f;
        }
      }
    }
  }

  /**
   * After {@link #forward(float[], Workspace, int)}: the summed loss of the n examples against {@code target}
   * (d x n), {@code sum_j l(x_j, xhat_j) + l1 ||z_j||_1}, and {@code grad := gradient of the minibatch objective}
   * (mean over the batch, plus weight decay on the weights). {@code grad} is overwritten.
   */
  public double backward(float[] p, float[] grad, Workspace ws, float[] target, int n, float weightDecay) {
    checkBatch(ws, n);
    int layers = arch.layers();
    int c = arch.codeLayer();
    float s = 1f / n;
    Arrays.fill(grad, 0f);
    float[] delta = ws.deltaA;
    int d = arch.size(layers);
    double loss = arch.loss().evaluate(ws.acts[layers], target, d, n, delta, s, null);
    if (arch.loss() == Loss.SQUARED_ERROR) {
      arch.output().backward(ws.acts[layers], delta, 0, d * n);
    }
    float l1 = arch.l1();
    if (l1 > 0) {
      float[] z = ws.acts[c];
      double pen = 0;
      for (int i = 0; i < arch.codeSize() * n; i++) {
        pen += Math.abs(z[i]);
      }
      loss += l1 * pen;
    }
    this.layers.backward(p, grad, ws.acts, delta, ws.deltaB, n, null, ws.codeStep);
    this.layers.addWeightDecay(p, grad, weightDecay);
    return loss;
  }

  /**
   * At the code (layer c of a_l) of a batch of n: adds the L1 penalty's gradient (l1 * sign z / n) and masks the
   * entries top-k dropped.
   */
  private void codeGradient(int l, float[] z, float[] g, int n, boolean[] keep) {
    if (l != arch.codeLayer()) {
      return;
    }
    int len = arch.size(l) * n;
    float s = 1f / n;
    float l1 = arch.l1();
    if (l1 > 0) {
      float step = s * l1;
      for (int i = 0; i < len; i++) {
        g[i] += z[i] > 0 ? step : z[i] < 0 ? -step : 0f;
      }
    }
    if (arch.topK() > 0 && arch.topK() < arch.codeSize()) {
      for (int i = 0; i < len; i++) {
        if (!keep[i]) {
          g[i] = 0f;
        }
      }
    }
  }

  private static void checkBatch(Workspace ws, int n) {
    if (n < 1 || n > ws.capacity) {
      throw new IllegalArgumentException("batch of " + n + " examples for a workspace of " + ws.capacity);
    }
  }
}
