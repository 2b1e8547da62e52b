package io.sparkae.linear.dictionary;

import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nonnegative matrix factorisation: for nonnegative rows x_1..x_n in R^d (the columns of X, d x n) it finds
 * Phi >= 0 (d x m, unit-norm atoms, {@code ||phi_j||_2 = 1}) and codes Z >= 0 (m x n) minimising the squared error
 * <pre>
 *   (1/n) sum_i ||x_i - Phi z_i||_2^2,      ||v||_2^2 = sum_k v_k^2
 * </pre>
 * (Lee, Seung 1999) by hierarchical alternating least squares (Cichocki, Phan 2009, "Fast local algorithms for
 * large scale nonnegative matrix and tensor factorizations", IEICE Trans. Fundamentals E92-A). Same round pattern
 * as {@link SparseCoding} ({@link AlternatingFit}): each partition continues its codes (kept beside its cached
 * blocks, {@link CodeStore}) for codeSweeps HALS sweeps against the broadcast Phi (nonnegative coordinate descent
 * on Phi^T Phi over the whole block, {@link SparseCoder#codeBlock}; with exactCodes, from zero until no coefficient
 * moves by more than 1e-10) and returns {@code A = sum z z^T}, {@code B = sum x z^T}; the driver updates the atoms
 * by HALS sweeps {@code phi_j = max(0, phi_j + (b_j - Phi a_j) / A_jj)}, then scales them to unit norm and the
 * kept codes by the norms ({@link DictionaryUpdate}), so the objective never increases from round to round.
 * Initialisation: a seeded sample of m nonzero rows (nonnegative by the data check). Negative input values stop
 * the fit with the column, partition, row, index and value.
 */
public final class NMF extends DictionaryEstimator<NMFModel, NMF> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(NMF.class);

  /**
   * HALS sweeps per round over the warm codes. Chosen by `jobs/bench dictionary --only nmf --codes warm
   * --code-sweeps S` (rank 20, 60,000 x 784 MNIST, 2 partitions, 45 s): 2, 4 and 8 sweeps reach the relative error of
   * 200 exact rounds (0.517687) after more than 45 s, 27.2 s and 40.2 s; per round 0.150, 0.150 and 0.168 s. Fewer
   * sweeps leave the codes further from their optimum for each dictionary step, more cost time per round.
   */
  static final int DEFAULT_CODE_SWEEPS = 4;

  private final IntParam rank;

  public NMF() {
    this(Identifiable.randomUID("sparkae-nmf"));
  }

  @SuppressWarnings("unchecked")
  public NMF(String uid) {
    super(uid, "HALS sweeps per round over each code, continuing from the previous round's codes (>= 1) "
        + "(default: 4); ignored with exactCodes", DEFAULT_CODE_SWEEPS, "solve every code from zero");
    rank = new IntParam(this, "rank", "number of atoms m (>= 1) (default: 10)", ParamValidators.gtEq(1));
    setDefault(rank, 10);
  }

  public IntParam rank() { return rank; }
  public int getRank() { return (Integer) getOrDefault(rank); }
  public NMF setRank(int v) { return with(rank, v); }

  @Override
  protected NMFModel train(FitInput input) {
    return fitDictionary(input, settings("NMF", getRank(), true), NMF::coder, NMFModel::new, LOG);
  }

  /** Nonnegative least squares by coordinate descent = the lasso solver with lambda = 0 and z >= 0. */
  static SparseCoder coder(DenseMatrix phi) {
    return new SparseCoder(phi, SparseCoder.Solver.LASSO, 0.0, 1, true, SparseCoder.EXACT_SWEEPS, CODE_TOL);
  }

  public static MLReader<NMF> read() { return StageReader.estimator(NMF.class); }
  public static NMF load(String path) { return read().load(path); }
}
