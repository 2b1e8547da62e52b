package io.sparkae.linear.pca;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit pca}: principal component analysis. */
public final class PcaFamily extends Family.Of {
  public PcaFamily() {
    super("pca", "PCA: z = W^T (x - mu), x^ = W z + mu, squared error. Exact (syrk + LAPACK) or randomized.",
        PCA::new, Set.of(), """
        --k*                   | k                   | number of components
        --whiten               | whiten              | scale codes to unit variance
        --solver               | solver              | auto, exact or randomized
        --randomized-threshold | randomizedThreshold | with solver auto, d above which to go randomized
        --power-iterations     | powerIterations     | randomized solver's power iterations
        --oversampling         | oversampling        | randomized solver's extra basis vectors
        """);
  }
}
