package io.sparkae.neural;

import io.sparkae.linalg.Blas;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A stack of dense layers {@code a_{l+1} = f_l(W_l a_l + b_l)}, l = 0..L-1, with sizes {@code (s_0, ..., s_L)}, the
 * hidden activation on every layer but the last, which is linear. Its parameters live in a slice of a larger flat
 * float array starting at {@link #offset()}: for each layer its weights (s_{l+1} x s_l, column-major) then its bias.
 * Activations are column-major blocks, features x batch. Forward is one {@code sgemm} per layer; backward two
 * (weights gradient {@code dW += delta a^T}, input gradient {@code W^T delta}).
 *
 * <p>The building block of the variational autoencoder's encoder and decoder. Knows only arrays and BLAS; immutable.
 */
public final class DenseStack implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] sizes;
  private final Activation hidden;
  private final int offset;
  private final int[] weightOffset;
  private final int[] biasOffset;
  private final int numParams;

  public DenseStack(int[] sizes, Activation hidden, int offset) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("a dense stack needs at least an input and an output size, found "
          + Arrays.toString(sizes));
    }
    for (int s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException("layer sizes must be positive, found " + Arrays.toString(sizes));
      }
    }
    this.sizes = sizes.clone();
    this.hidden = hidden;
    this.offset = offset;
    int layers = sizes.length - 1;
    weightOffset = new int[layers];
    biasOffset = new int[layers];
    long off = offset;
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = (int) off;
      off += (long) sizes[l] * sizes[l + 1];
      biasOffset[l] = (int) off;
      off += sizes[l + 1];
      if (off > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("layers " + Arrays.toString(sizes) + " need more parameters than one "
            + "array holds");
      }
    }
    numParams = (int) (off - offset);
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

  public int inputSize() {
    return sizes[0];
  }

  public int outputSize() {
    return sizes[sizes.length - 1];
  }

  public int maxSize() {
    return Arrays.stream(sizes).max().getAsInt();
  }

  public Activation hidden() {
    return hidden;
  }

  public int offset() {
    return offset;
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
   * Writes fresh weights into {@code p}: He (normal, std sqrt(2 / fan_in); He et al. 2015) before a rectifier and
   * Xavier/Glorot uniform (limit sqrt(6 / (fan_in + fan_out)); Glorot and Bengio 2010) otherwise; biases 0.
   */
  public void initialize(float[] p, SplittableRandom r) {
    for (int l = 0; l < layers(); l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      boolean he = l < layers() - 1 && hidden.rectifier();
      double std = Math.sqrt(2.0 / in);
      double limit = Math.sqrt(6.0 / (in + out));
      for (int i = 0; i < in * out; i++) {
        p[weightOffset[l] + i] = (float) (he ? std * r.nextGaussian() : limit * (2 * r.nextDouble() - 1));
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

  /** Computes a_1..a_L for n columns from a_0. */
  public void forward(float[] p, float[][] acts, int n) {
    for (int l = 0; l < layers(); l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] y = acts[l + 1];
      for (int j = 0; j < n; j++) {
        System.arraycopy(p, biasOffset[l], y, j * out, out);
      }
      Blas.blas().sgemm("N", "N", out, n, in, 1f, p, weightOffset[l], out, acts[l], 0, in, 1f, y, 0, out);
      if (l < layers() - 1) {
        hidden.apply(y, 0, out * n);
      }
    }
  }

  /**
   * Backpropagates {@code delta} = dJ/da_L (s_L x n, overwritten: it and {@code scratch}, both of at least
   * maxSize x n floats, are used as ping-pong buffers) through the stack after {@link #forward}: adds the weight and
   * bias gradients into {@code grad} and, when {@code inputGrad} is non-null, writes dJ/da_0 (s_0 x n) into it.
   */
  public void backward(float[] p, float[] grad, float[][] acts, float[] delta, float[] scratch, int n,
      float[] inputGrad) {
    float[] cur = delta;
    float[] other = scratch;
    for (int l = layers() - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      Blas.blas().sgemm("N", "T", out, in, n, 1f, cur, 0, out, acts[l], 0, in, 1f, grad, weightOffset[l], out);
      int b = biasOffset[l];
      for (int j = 0; j < n; j++) {
        int off = j * out;
        for (int i = 0; i < out; i++) {
          grad[b + i] += cur[off + i];
        }
      }
      if (l == 0) {
        if (inputGrad != null) {
          Blas.blas().sgemm("T", "N", in, n, out, 1f, p, weightOffset[l], out, cur, 0, out, 0f, inputGrad, 0, in);
        }
        return;
      }
      Blas.blas().sgemm("T", "N", in, n, out, 1f, p, weightOffset[l], out, cur, 0, out, 0f, other, 0, in);
      hidden.backward(acts[l], other, 0, in * n);
      float[] t = cur;
      cur = other;
      other = t;
    }
  }

  /** {@code grad += weightDecay * W} on every weight block (not the biases). */
  public void addWeightDecay(float[] p, float[] grad, float weightDecay) {
    if (weightDecay <= 0) {
      return;
    }
    for (int l = 0; l < layers(); l++) {
      int off = weightOffset[l];
      int len = sizes[l] * sizes[l + 1];
      for (int i = off; i < off + len; i++) {
        grad[i] += weightDecay * p[i];
      }
    }
  }

  /** Weight block of layer l as a copy, s_{l+1} x s_l column-major. */
  public float[] weights(float[] p, int l) {
    return Arrays.copyOfRange(p, weightOffset[l], weightOffset[l] + sizes[l] * sizes[l + 1]);
  }
}
