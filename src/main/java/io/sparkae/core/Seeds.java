package io.sparkae.core;

/**
 * Deterministic seeds. Every random choice in sparkae draws from a seed derived from the user's {@code seed}
 * param and the (round, partition) it belongs to, so a retried task repeats its work exactly and the same seed
 * gives the same model, whatever the scheduling. Mixing is SplitMix64 (Steele, Lea, Flood 2014).
 */
public final class Seeds {
  private Seeds() {}

  /** A seed for one (round, partition) of a fit seeded with {@code seed}. */
  public static long derive(long seed, int round, int partition) {
    return mix(mix(mix(seed) ^ (0x632BE59BD9B4E019L * (round + 1L))) ^ (0x9E3779B97F4A7C15L * (partition + 1L)));
  }

  /** A seed for a named purpose (for example "init") of a fit seeded with {@code seed}. */
  public static long derive(long seed, String purpose) {
    return mix(seed ^ mix(purpose.hashCode()));
  }

  /** SplitMix64's finalizer. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
