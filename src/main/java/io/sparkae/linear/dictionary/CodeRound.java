package io.sparkae.linear.dictionary;

import java.io.Serializable;

/**
 * What a round of the alternating fit broadcasts: the code solver (Phi and its Gram matrix {@code G = Phi^T Phi},
 * computed once per round on the driver) and how the partitions continue their codes.
 */
final class CodeRound implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Phi and G. */
  final SparseCoder coder;
  /**
   * Warm codes only: the factor per atom that the previous round's codes take before continuing (NMF: the norm
   * atom j had before it was scaled to unit norm, so {@code Phi z} is unchanged; 0 for an atom replaced this
   * round); null for all ones.
   */
  final double[] scale;
  /** Warm codes only: the fit whose codes {@link CodeStore} holds; null for codes solved from zero every round. */
  final String fit;
  /** Coordinate-descent passes per round over warm codes. */
  final int sweeps;
  /** Most full passes of a solve from zero to convergence. */
  final int exactSweeps;
  /** A solve stops when a pass moves no coefficient by more than this. */
  final double tol;

  CodeRound(SparseCoder coder, double[] scale, String fit, int sweeps, int exactSweeps, double tol) {
    this.coder = coder;
    this.scale = scale;
    this.fit = fit;
    this.sweeps = sweeps;
    this.exactSweeps = exactSweeps;
    this.tol = tol;
  }

  boolean warm() {
    return fit != null;
  }
}
