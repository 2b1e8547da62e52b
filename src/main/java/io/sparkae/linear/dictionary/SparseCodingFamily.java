package io.sparkae.linear.dictionary;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit sparse-coding}: dictionary learning with lasso, OMP or top-k codes. */
public final class SparseCodingFamily extends Family.Of {
  /** {@code --exact-codes}, shared with NMF. */
  static final String EXACT_CODES = "--exact-codes | exactCodes | solve every code from zero to convergence each "
      + "round instead (the slower behaviour before warm codes)";

  public SparseCodingFamily() {
    super("sparse-coding", "Sparse coding: min ||x - Phi z||^2 + lambda ||z||_1 (or at most --nonzeros nonzeros), "
        + "unit-norm atoms; alternating codes / Mairal block coordinate descent.", SparseCoding::new, Set.of(), """
        --atoms*      | numAtoms    | number of atoms m (may exceed d)
        --solver      | solver      | lasso, omp or topk
        --lambda      | lambda      | l1 weight of the lasso
        --nonzeros    | nonzeros    | nonzeros per code for omp and topk
        --nonnegative | nonnegative | nonnegative codes (lasso, topk)
        --fraction    | fraction    | share of rows per round; below 1 the online variant
        --max-iter    | maxIter     | rounds
        --tol         | tol         | stop when the objective falls by less than this, relatively
        --code-sweeps | codeSweeps  | lasso coordinate descent sweeps per round over each code, continuing from the \
        previous round's codes
        """ + EXACT_CODES);
  }
}
