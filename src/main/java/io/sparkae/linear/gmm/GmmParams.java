package io.sparkae.linear.gmm;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/** The output-column params the estimator and the model share, with MLlib's GaussianMixtureModel names. */
final class GmmParams {
  private GmmParams() {}

  static Param<String> predictionCol(Identifiable owner) {
    return new Param<>(owner, "predictionCol",
        "output column for the most probable component (int); empty for none (default: prediction)");
  }

  static Param<String> probabilityCol(Identifiable owner) {
    return new Param<>(owner, "probabilityCol",
        "output column for the responsibilities (vector, as MLlib's probability); empty for none "
            + "(default: probability)");
  }
}
