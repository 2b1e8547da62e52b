package io.sparkae.neural.vae;

import io.sparkae.core.Seeds;

/**
 * Standard normal and uniform draws from a reseedable SplitMix64 stream (Steele, Lea and Flood 2014), normals by the
 * Box-Muller transform. Reseeding is an assignment, so the VAE gives each (row, sample) its own stream without
 * allocating anything per row. Not thread-safe: one per evaluator.
 */
final class Noise {
  private long state;
  private double spare;
  private boolean hasSpare;

  void reseed(long seed) {
    state = seed;
    hasSpare = false;
  }

  private long next() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  double uniform() {
    return (next() >>> 11) * 0x1.0p-53;
  }

  double gaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u = 1.0 - uniform(); // (0, 1]: log is finite
    double r = Math.sqrt(-2 * Math.log(u));
    double t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    hasSpare = true;
    return r * Math.cos(t);
  }

  /** A seed for stream (key, sample) under {@code base}: distinct keys and samples give unrelated streams. */
  static long streamSeed(long base, long key, int sample) {
    return Seeds.mix(Seeds.mix(base ^ Seeds.mix(key))
        + 0x632BE59BD9B4E019L * (sample + 1L));
  }

  /** A key for a row from its values: equal rows get equal keys, whatever block or partition they sit in. */
  static long rowKey(float[] x, int off, int d) {
    long h = 0x243F6A8885A308D3L;
    for (int i = off; i < off + d; i++) {
      h = (h ^ Float.floatToIntBits(x[i])) * 0x100000001B3L;
    }
    return h;
  }
}
