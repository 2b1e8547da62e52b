package io.sparkae.neural;

import io.sparkae.linalg.Blas;
import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The one dense-layer engine of sparkae's networks: layers {@code a_{l+1} = f_l(W_l a_l + b_l)}, l = 0..L-1, with
 * sizes {@code (s_0, ..., s_L)} and an activation per layer. Parameters live in a flat float array: each layer's
 * weights (s_{l+1} x s_l, column-major) and bias at its offsets; a layer may instead read another layer's block
 * transposed (the tied decoder of an autoencoder, which then owns no weights). Activations are column-major
 * blocks, features x batch. Forward is one {@code sgemm} per layer; backward two (weights gradient
 * {@code dW += delta a^T}, input gradient {@code W^T delta}).
 *
 * <p>Used whole by the VAE's encoder and decoder ({@link #stack}: the hidden activation on every layer but the last,
 * which is linear; the topic model, ProdLDA, is such a VAE) and layer by layer by the autoencoder's {@link Network} (per-layer activations, tied weights,
 * the top-k and L1 code between layers). Knows only arrays and BLAS; immutable.
 */
public final class DenseLayers implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] sizes;
  private final Activation[] activation;
  private final Activation hidden;
  private final int[] weightOffset;
  private final int[] biasOffset;
  private final boolean[] transposed;
  private final int numParams;

  private DenseLayers(int[] sizes, Activation[] activation, Activation hidden, int[] weightOffset,
      int[] biasOffset, boolean[] transposed, int numParams) {
    this.sizes = sizes;
    this.activation = activation;
    this.hidden = hidden;
    this.weightOffset = weightOffset;
    this.biasOffset = biasOffset;
    this.transposed = transposed;
    this.numParams = numParams;
  }

  /**
   * A stack with the {@code hidden} activation on every layer but the last (linear), its parameters contiguous from
   * {@code offset} of a larger array: for each layer its weights, then its bias.
   */
  public static DenseLayers stack(int[] sizes, Activation hidden, int offset) {
    checkSizes(sizes, "an output size");
    int layers = sizes.length - 1;
    Activation[] act = new Activation[layers];
    Arrays.fill(act, hidden);
    act[layers - 1] = Activation.IDENTITY;
    int[] mirror = new int[layers];
    Arrays.fill(mirror, -1);
    return layout(sizes, act, hidden, mirror, offset);
  }

  /**
   * Layers with their own activations, parameters from 0; layer l with {@code mirror[l] >= 0} reads layer
   * mirror[l]'s block (s_l x s_{l+1}, mirror[l] &lt; l) transposed (tied weights) and owns only its bias.
   */
  static DenseLayers tied(int[] sizes, Activation[] activation, Activation hidden, int[] mirror) {
    return layout(sizes, activation.clone(), hidden, mirror, 0);
  }

  /** The layout: for each layer in order its weights (unless it reads its mirror's), then its bias. */
  private static DenseLayers layout(int[] sizes, Activation[] act, Activation hidden, int[] mirror, int offset) {
    int layers = sizes.length - 1;
    int[] w = new int[layers];
    int[] b = new int[layers];
    boolean[] transposed = new boolean[layers];
    long off = offset;
    for (int l = 0; l < layers; l++) {
      transposed[l] = mirror[l] >= 0;
      if (transposed[l]) {
        w[l] = w[mirror[l]];
      } else {
        w[l] = (int) off;
        off += (long) sizes[l] * sizes[l + 1];
      }
      b[l] = (int) off;
      off += sizes[l + 1];
      if (off > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("layers " + Arrays.toString(sizes) + " need " + off
            + " parameters, more than one array holds");
      }
    }
    return new DenseLayers(sizes.clone(), act, hidden, w, b, transposed, (int) (off - offset));
  }

  /** Fails unless there are at least two sizes ("an input and {@code second}"), all positive. */
  static void checkSizes(int[] sizes, String second) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("layers need at least an input and " + second + ", found "
          + Arrays.toString(sizes));
    }
    for (int s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException("layer sizes must be positive, found " + Arrays.toString(sizes));
      }
    }
  }

  public int layers() {
    return sizes.length - 1;
  }

  public int size(int i) {
    return sizes[i];
  }

  public int[] sizes() {
    return sizes.clone();
  }

  public int outputSize() {
    return sizes[sizes.length - 1];
  }

  public int maxSize() {
    return Arrays.stream(sizes).max().getAsInt();
  }

  /** The activation of the hidden layers (of a {@link #stack}: every layer but the last). */
  public Activation hidden() {
    return hidden;
  }

  /** The activation of layer l's output a_{l+1}. */
  public Activation activation(int l) {
    return activation[l];
  }

  public boolean ownsWeights(int l) {
    return !transposed[l];
  }

  public int numParams() {
    return numParams;
  }

  public int weightOffset(int l) {
    return weightOffset[l];
  }

  public int biasOffset(int l) {
    return biasOffset[l];
  }

  /** Activations a_0..a_L for up to {@code capacity} columns; a_0 is filled by the caller. */
  public float[][] activations(int capacity) {
    float[][] acts = new float[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      acts[l] = new float[sizes[l] * capacity];
    }
    return acts;
  }

  /**
   * Writes fresh weights into {@code p} for every layer that owns its block: He (normal, std sqrt(2 / fan_in); He
   * et al. 2015) before a rectifier and Xavier/Glorot uniform (limit sqrt(6 / (fan_in + fan_out)); Glorot and
   * Bengio 2010) otherwise; biases 0.
   */
  public void initialize(float[] p, SplittableRandom r) {
    for (int l = 0; l < layers(); l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      if (ownsWeights(l)) {
        boolean he = activation[l].rectifier();
        double std = Math.sqrt(2.0 / in);
        double limit = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++) {
          p[weightOffset[l] + i] = (float) (he ? std * r.nextGaussian() : limit * (2 * r.nextDouble() - 1));
        }
      }
      Arrays.fill(p, biasOffset[l], biasOffset[l] + out, 0f);
    }
  }

  /** Sets the weights of output rows [from, to) of the last layer to 0 (their outputs then start at the bias). */
  public void zeroLastLayerRows(float[] p, int from, int to) {
    int l = layers() - 1;
    int out = sizes[l + 1];
    for (int j = 0; j < sizes[l]; j++) {
      Arrays.fill(p, weightOffset[l] + j * out + from, weightOffset[l] + j * out + to, 0f);
    }
  }

  /** Layer l forward for n columns: {@code y = f_l(W_l a + b_l)}. */
  public void forwardLayer(float[] p, int l, float[] a, float[] y, int n) {
    int in = sizes[l];
    int out = sizes[l + 1];
    for (int j = 0; j < n; j++) {
      System.arraycopy(p, biasOffset[l], y, j * out, out);
    }
    if (transposed[l]) {
      Blas.blas().sgemm("T", "N", out, n, in, 1f, p, weightOffset[l], in, a, 0, in, 1f, y, 0, out);
    } else {
      Blas.blas().sgemm("N", "N", out, n, in, 1f, p, weightOffset[l], out, a, 0, in, 1f, y, 0, out);
    }
    activation[l].apply(y, 0, out * n);
  }

  /** Computes a_1..a_L for n columns from a_0. */
  public void forward(float[] p, float[][] acts, int n) {
    for (int l = 0; l < layers(); l++) {
      forwardLayer(p, l, acts[l], acts[l + 1], n);
    }
  }

  /** Adds layer l's weight and bias gradients, {@code dW += delta a^T} and {@code db += delta 1}, into grad. */
  public void parameterGradient(float[] grad, int l, float[] a, float[] delta, int n) {
    int in = sizes[l];
    int out = sizes[l + 1];
    int w = weightOffset[l];
    if (transposed[l]) {
      // W_l = M^T with M (in x out) the other layer's block: dM += a delta^T.
      Blas.blas().sgemm("N", "T", in, out, n, 1f, a, 0, in, delta, 0, out, 1f, grad, w, in);
    } else {
      Blas.blas().sgemm("N", "T", out, in, n, 1f, delta, 0, out, a, 0, in, 1f, grad, w, out);
    }
    int b = biasOffset[l];
    for (int j = 0; j < n; j++) {
      int off = j * out;
      for (int i = 0; i < out; i++) {
        grad[b + i] += delta[off + i];
      }
    }
  }

  /** Writes {@code W_l^T delta} (s_l x n), the gradient at layer l's input before its input's activation. */
  public void inputGradient(float[] p, int l, float[] delta, float[] out, int n) {
    int in = sizes[l];
    int o = sizes[l + 1];
    if (transposed[l]) {
      Blas.blas().sgemm("N", "N", in, n, o, 1f, p, weightOffset[l], in, delta, 0, o, 0f, out, 0, in);
    } else {
      Blas.blas().sgemm("T", "N", in, n, o, 1f, p, weightOffset[l], o, delta, 0, o, 0f, out, 0, in);
    }
  }

  /** A step of {@link #backward} between layers: changes g = dJ/da_l (s_l x n) before it passes a_l's activation. */
  public interface Between {
    void apply(int l, float[] a, float[] g, int n);
  }

  /**
   * Backpropagates {@code delta} = dJ/da_L (s_L x n, overwritten: it and {@code scratch}, both of at least
   * maxSize x n floats, are used as ping-pong buffers) through all layers after {@link #forward}: adds the weight and
   * bias gradients into {@code grad} and, when {@code inputGrad} is non-null, writes dJ/da_0 (s_0 x n) into it.
   */
  public void backward(float[] p, float[] grad, float[][] acts, float[] delta, float[] scratch, int n,
      float[] inputGrad) {
    backward(p, grad, acts, delta, scratch, n, inputGrad, null);
  }

  /** {@link #backward} with {@code between} (may be null) applied at every hidden layer a_l, l = L-1..1. */
  public void backward(float[] p, float[] grad, float[][] acts, float[] delta, float[] scratch, int n,
      float[] inputGrad, Between between) {
    float[] cur = delta;
    float[] other = scratch;
    for (int l = layers() - 1; l >= 0; l--) {
      parameterGradient(grad, l, acts[l], cur, n);
      if (l == 0) {
        if (inputGrad != null) {
          inputGradient(p, 0, cur, inputGrad, n);
        }
        return;
      }
      inputGradient(p, l, cur, other, n);
      if (between != null) {
        between.apply(l, acts[l], other, n);
      }
      activation[l - 1].backward(acts[l], other, 0, sizes[l] * n);
      float[] t = cur;
      cur = other;
      other = t;
    }
  }

  /** {@code grad += weightDecay * W} on every weight block a layer owns (not the biases). */
  public void addWeightDecay(float[] p, float[] grad, float weightDecay) {
    if (weightDecay <= 0) {
      return;
    }
    for (int l = 0; l < layers(); l++) {
      if (ownsWeights(l)) {
        int off = weightOffset[l];
        int len = sizes[l] * sizes[l + 1];
        for (int i = off; i < off + len; i++) {
          grad[i] += weightDecay * p[i];
        }
      }
    }
  }
}
