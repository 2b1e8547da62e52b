package io.sparkae.neural;

import io.sparkae.core.Autoencoder;
import io.sparkae.linalg.DenseMatrix;

/**
 * A trained network as an {@link Autoencoder}: the encoder is layers 0..m-1 (the code z = a_m, with top-k applied
 * when the architecture asks for it), the decoder layers m..L-1 (for cross-entropy the reconstruction is the
 * sigmoid of the logits), the per-row loss the reconstruction loss of {@link Loss} (without the L1 code penalty).
 * Computes in float on double blocks. Immutable: the parameters are copied in and out.
 */
public final class NetworkAutoencoder implements Autoencoder {
  private static final long serialVersionUID = 1L;

  private final Architecture arch;
  private final float[] params;

  public NetworkAutoencoder(Architecture arch, float[] params) {
    if (params.length != arch.numParams()) {
      throw new IllegalArgumentException(arch + " needs " + arch.numParams() + " parameters, found "
          + params.length);
    }
    this.arch = arch;
    this.params = params.clone();
  }

  public Architecture architecture() {
    return arch;
  }

  /** The flat parameter array (a copy). */
  public float[] parameters() {
    return params.clone();
  }

  /** Layer l's weights as a sizes[l+1] x sizes[l] matrix (for a tied decoder layer, the mirror's transposed). */
  public DenseMatrix weights(int l) {
    int in = arch.size(l);
    int out = arch.size(l + 1);
    DenseMatrix w = new DenseMatrix(out, in);
    int off = arch.weightOffset(l);
    for (int j = 0; j < in; j++) {
      for (int i = 0; i < out; i++) {
        w.values[i + j * out] = arch.transposed(l) ? params[off + j + i * in] : params[off + i + j * out];
      }
    }
    return w;
  }

  @Override
  public int inputSize() {
    return arch.inputSize();
  }

  @Override
  public int codeSize() {
    return arch.codeSize();
  }

  private Network.Workspace load(DenseMatrix m, int n, int layer) {
    Network.Workspace ws = new Network(arch).workspace(Math.max(1, n));
    float[] a = ws.acts[layer];
    int len = m.rows * n;
    if (m.rows != arch.size(layer)) {
      throw new IllegalArgumentException("expected " + arch.size(layer) + " rows, found a " + m.shape() + " block");
    }
    for (int i = 0; i < len; i++) {
      a[i] = (float) m.values[i];
    }
    return ws;
  }

  private static void store(float[] a, int len, DenseMatrix out) {
    for (int i = 0; i < len; i++) {
      out.values[i] = a[i];
    }
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    if (n == 0) {
      return;
    }
    Network.Workspace ws = load(x, n, 0);
    new Network(arch).forward(params, ws, n, 0, arch.codeLayer());
    store(ws.acts[arch.codeLayer()], codeSize() * n, z);
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    if (n == 0) {
      return;
    }
    Network.Workspace ws = load(z, n, arch.codeLayer());
    new Network(arch).forward(params, ws, n, arch.codeLayer(), arch.layers());
    float[] y = ws.acts[arch.layers()];
    int len = inputSize() * n;
    if (arch.loss() == Loss.CROSS_ENTROPY) {
      Activation.SIGMOID.apply(y, 0, len);
    }
    store(y, len, xhat);
  }

  @Override
  public void loss(DenseMatrix x, int n, double[] out) {
    if (n == 0) {
      return;
    }
    new Network(arch).reconstructionLoss(params, load(x, n, 0), n, out);
  }

  @Override
  public boolean squaredErrorLoss() {
    return arch.loss() == Loss.SQUARED_ERROR;
  }

  @Override
  public String lossName() {
    return arch.loss().displayName();
  }
}
