package io.sparkae.linear.ppca;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit ppca}: probabilistic PCA (closed form, or EM with missing entries). */
public final class PpcaFamily extends Family.Of {
  public PpcaFamily() {
    super("ppca", "Probabilistic PCA: z = E[z|x], x^ = W z + mu, loss -log p(x). Closed form from PCA, or EM with "
        + "--missing (NaN = missing).", ProbabilisticPCA::new, Set.of(), """
        --k*       | k       | latent dimensions (< d)
        --missing  | missing | read NaN as missing and fit by EM
        --max-iter | maxIter | EM rounds (with --missing)
        --tol      | tol     | EM: stop when the log-likelihood's relative change is below this
        """);
  }
}
