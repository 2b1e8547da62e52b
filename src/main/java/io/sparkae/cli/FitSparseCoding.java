package io.sparkae.cli;

import io.sparkae.linear.dictionary.SparseCoding;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit sparse-coding}: dictionary learning with lasso, OMP or top-k codes. */
@Command(name = "sparse-coding", mixinStandardHelpOptions = true,
    description = "Sparse coding: min ||x - Phi z||^2 + lambda ||z||_1 (or at most --nonzeros nonzeros), unit-norm "
        + "atoms; alternating codes / Mairal block coordinate descent.")
final class FitSparseCoding implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Option(names = "--atoms", required = true, description = "number of atoms m (may exceed d)")
  int atoms;

  @Option(names = "--solver", description = "lasso, omp or topk (default: lasso)")
  String solver = "lasso";

  @Option(names = "--lambda", description = "l1 weight of the lasso (default: 0.1)")
  double lambda = 0.1;

  @Option(names = "--nonzeros", description = "nonzeros per code for omp and topk (default: 5)")
  int nonzeros = 5;

  @Option(names = "--nonnegative", arity = "0..1", fallbackValue = "true",
      description = "nonnegative codes (lasso, topk)")
  boolean nonnegative;

  @Option(names = "--fraction", description = "share of rows per round; below 1 the online variant (default: 1)")
  double fraction = 1.0;

  @Option(names = "--max-iter", description = "rounds (default: 20)")
  int maxIter = 20;

  @Option(names = "--tol", description = "stop when the objective falls by less than this, relatively (default: "
      + "1e-6)")
  double tol = 1e-6;

  @Option(names = "--code-sweeps", description = "lasso coordinate descent sweeps per round over each code, continuing from the "
      + "previous round's codes (default: 2)")
  int codeSweeps = 2;

  @Option(names = "--exact-codes", arity = "0..1", fallbackValue = "true",
      description = "solve every code from zero to convergence each round instead (the slower behaviour before "
          + "warm codes)")
  boolean exactCodes;

  @Override
  public Integer call() throws java.io.IOException {
    SparseCoding sc = new SparseCoding().setNumAtoms(atoms).setSolver(solver).setLambda(lambda)
        .setNonzeros(nonzeros).setNonnegative(nonnegative).setFraction(fraction).setMaxIter(maxIter).setTol(tol)
        .setSeed(output.seed);
    sc.setCodeSweeps(codeSweeps).setExactCodes(exactCodes);
    return FitRunner.fit("sparse-coding", spark, input, output, sc);
  }
}
