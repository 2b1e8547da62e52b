package io.sparkae.linear.dictionary;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit nmf}: nonnegative matrix factorisation by HALS. */
public final class NmfFamily extends Family.Of {
  public NmfFamily() {
    super("nmf", "NMF: min ||x - Phi z||^2 with Phi, z >= 0 (HALS); the data must be nonnegative.", NMF::new,
        Set.of(), """
        --rank*       | rank       | number of atoms m
        --max-iter    | maxIter    | rounds
        --tol         | tol        | stop when the objective falls by less than this, relatively
        --code-sweeps | codeSweeps | HALS sweeps per round over each code, continuing from the previous round's codes
        """ + SparseCodingFamily.EXACT_CODES);
  }
}
