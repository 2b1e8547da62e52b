package io.sparkae.neural;

import io.sparkae.data.Block;
import java.io.Serializable;

/**
 * A cached block of training rows in float: d x capacity column-major, example j in column j, the first
 * {@link #size} columns valid. Plain final class (cached and shipped through Kryo).
 */
public final class FloatBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int dim;
  public final int size;
  public final float[] values;

  public FloatBlock(int dim, int size, float[] values) {
    if (values.length < (long) dim * size) {
      throw new IllegalArgumentException("a block of " + size + " rows of size " + dim + " needs "
          + ((long) dim * size) + " values, found " + values.length);
    }
    this.dim = dim;
    this.size = size;
    this.values = values;
  }

  /** The valid rows of a dense {@link Block}, rounded to float. */
  public static FloatBlock of(Block b) {
    if (b.isSparse()) {
      throw new IllegalArgumentException("neural autoencoders take dense blocks, found a sparse one");
    }
    int len = b.dim * b.size;
    float[] v = new float[len];
    double[] src = b.dense.values;
    for (int i = 0; i < len; i++) {
      v[i] = (float) src[i];
    }
    return new FloatBlock(b.dim, b.size, v);
  }
}
