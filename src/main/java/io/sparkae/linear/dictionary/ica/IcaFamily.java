package io.sparkae.linear.dictionary.ica;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit ica}: symmetric FastICA on PCA-whitened data. */
public final class IcaFamily extends Family.Of {
  public IcaFamily() {
    super("ica", "ICA: PCA whitening to k dimensions, then symmetric FastICA (z = W whiten(x)).", FastICA::new,
        Set.of(), """
        --k*       | k        | number of independent components
        --contrast | contrast | logcosh, exp or cube
        --max-iter | maxIter  | rounds
        --tol      | tol      | stop when max_i (1 - |w_i . w_i,old|) is below this
        """);
  }
}
