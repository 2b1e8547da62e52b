package io.sparkae.neural;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of a mirrored autoencoder and where each layer lives in the one flat parameter array.
 *
 * <p>Encoder sizes {@code (d, h_1, ..., h_m)} give the layer sizes {@code (d, h_1, ..., h_m, ..., h_1, d)}: L = 2m
 * dense layers, layer l mapping {@code a_l} (sizes[l] x n) to {@code a_{l+1} = f_l(W_l a_l + b_l)}; the code is
 * {@code z = a_m}. Hidden layers use {@code hidden}, the code layer {@code code}, the last layer {@code output}
 * (identity for cross-entropy, whose last layer emits logits). With tied weights (Vincent et al. 2010) decoder layer
 * l reuses the encoder's {@code W_{L-1-l}^T} and has only its own bias.
 *
 * <p>Layout ({@link DenseLayers}): for each layer in order, its weights (sizes[l+1] x sizes[l], column-major; absent
 * when tied) then its bias. A tied layer's {@link #weightOffset} points at its mirror's block, which stores sizes[l] x
 * sizes[l+1].
 * Immutable and plain (no records: it is broadcast through Kryo).
 */
public final class Architecture implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] sizes;
  private final Activation hidden;
  private final Activation code;
  private final Activation output;
  private final Loss loss;
  private final boolean tied;
  private final int topK;
  private final float l1;
  private final DenseLayers dense;

  /**
   * @param encoderSizes (d, h_1, ..., h_m), at least two sizes, all positive
   * @param topK keep the k largest code entries per example, zero the rest (k-sparse, Makhzani and Frey 2013); 0
   *     for none
   * @param l1 weight of the code penalty {@code l1 * ||z||_1} added to each example's loss; 0 for none
   */
  public Architecture(int[] encoderSizes, Activation hidden, Activation code, Activation output, Loss loss,
      boolean tied, int topK, double l1) {
    DenseLayers.checkSizes(encoderSizes, "a code size");
    int m = encoderSizes.length - 1;
    int codeSize = encoderSizes[m];
    if (topK < 0 || topK > codeSize) {
      throw new IllegalArgumentException("topK = " + topK + " must lie in [0, code size " + codeSize + "]");
    }
    if (!(l1 >= 0) || Double.isInfinite(l1)) {
      throw new IllegalArgumentException("l1 = " + l1 + " must be finite and >= 0");
    }
    this.sizes = new int[2 * m + 1];
    for (int i = 0; i <= m; i++) {
      sizes[i] = encoderSizes[i];
      sizes[2 * m - i] = encoderSizes[i];
    }
    this.hidden = hidden;
    this.code = code;
    this.output = loss == Loss.CROSS_ENTROPY ? Activation.IDENTITY : output;
    this.loss = loss;
    this.tied = tied;
    this.topK = topK;
    this.l1 = (float) l1;
    int layers = 2 * m;
    Activation[] act = new Activation[layers];
    int[] mirror = new int[layers];
    for (int l = 0; l < layers; l++) {
      act[l] = activation(l);
      mirror[l] = tied && l >= m ? layers - 1 - l : -1;
    }
    dense = DenseLayers.tied(sizes, act, hidden, mirror);
  }

  public int layers() {
    return sizes.length - 1;
  }

  /** Index of the code among the activations a_0..a_L (m). */
  public int codeLayer() {
    return layers() / 2;
  }

  public int size(int i) {
    return sizes[i];
  }

  public int inputSize() {
    return sizes[0];
  }

  public int codeSize() {
    return sizes[codeLayer()];
  }

  /** (d, h_1, ..., h_m): the sizes the user gave. */
  public int[] encoderSizes() {
    return Arrays.copyOf(sizes, codeLayer() + 1);
  }

  /** All layer sizes, encoder and decoder. */
  public int[] sizes() {
    return sizes.clone();
  }

  public int maxSize() {
    return dense.maxSize();
  }

  /** The activation of layer l's output a_{l+1}. */
  public Activation activation(int l) {
    if (l == layers() - 1) {
      return output;
    }
    return l + 1 == codeLayer() ? code : hidden;
  }

  public Activation hidden() {
    return hidden;
  }

  public Activation code() {
    return code;
  }

  public Activation output() {
    return output;
  }

  public Loss loss() {
    return loss;
  }

  public boolean tied() {
    return tied;
  }

  public int topK() {
    return topK;
  }

  public float l1() {
    return l1;
  }

  /** Whether layer l reads its mirror's weights transposed. */
  public boolean transposed(int l) {
    return tied && l >= codeLayer();
  }

  public int weightOffset(int l) {
    return dense.weightOffset(l);
  }

  public int biasOffset(int l) {
    return dense.biasOffset(l);
  }

  /** Whether layer l owns its weight block (false for tied decoder layers). */
  public boolean ownsWeights(int l) {
    return !transposed(l);
  }

  public int numParams() {
    return dense.numParams();
  }

  /** The dense layers of this network for the shared engine: per-layer activations, tied layers transposed. */
  public DenseLayers dense() {
    return dense;
  }

  @Override
  public String toString() {
    return "Architecture(" + Arrays.toString(sizes) + ", " + hidden.lowerName() + "/" + code.lowerName() + "/"
        + output.lowerName() + ", " + loss.shortName() + (tied ? ", tied" : "") + (topK > 0 ? ", top-" + topK : "")
        + (l1 > 0 ? ", l1 " + l1 : "") + ", " + numParams() + " parameters)";
  }
}
