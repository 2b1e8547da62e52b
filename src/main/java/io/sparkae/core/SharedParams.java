package io.sparkae.core;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * Factories for the Params every sparkae estimator and model share, with Spark's names and doc strings that give
 * range and default. Estimators and models hold their own instances (Spark identifies a param by its parent's
 * uid and name), created through these so that names, docs and validators are written once.
 */
public final class SharedParams {
  private SharedParams() {}

  public static Param<String> inputCol(Identifiable owner) {
    return new Param<>(owner, "inputCol", "input column of vectors (default: features)");
  }

  public static Param<String> outputCol(Identifiable owner) {
    return new Param<>(owner, "outputCol", "output column for the code f(x) (default: code)");
  }

  public static Param<String> reconstructionCol(Identifiable owner) {
    return new Param<>(owner, "reconstructionCol",
        "output column for the reconstruction g(f(x)); empty for none (default: empty)");
  }

  public static Param<String> lossCol(Identifiable owner) {
    return new Param<>(owner, "lossCol", "output column for the per-row loss; empty for none (default: empty)");
  }

  @SuppressWarnings("unchecked")
  public static IntParam maxIter(Identifiable owner) {
    return new IntParam(owner, "maxIter", "maximum number of rounds (>= 0)", ParamValidators.gtEq(0));
  }

  @SuppressWarnings("unchecked")
  public static DoubleParam tol(Identifiable owner) {
    return new DoubleParam(owner, "tol", "convergence tolerance (>= 0)", ParamValidators.gtEq(0));
  }

  public static LongParam seed(Identifiable owner) {
    return new LongParam(owner, "seed", "random seed; every random choice derives from it");
  }

  @SuppressWarnings("unchecked")
  public static IntParam blockSize(Identifiable owner) {
    return new IntParam(owner, "blockSize",
        "rows stacked per dense block inside a partition; 0 picks about 8 MB per block (default: 0)",
        ParamValidators.gtEq(0));
  }
}
