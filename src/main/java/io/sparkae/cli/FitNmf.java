package io.sparkae.cli;

import io.sparkae.linear.dictionary.NMF;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae fit nmf}: nonnegative matrix factorisation by HALS. */
@Command(name = "nmf", mixinStandardHelpOptions = true,
    description = "NMF: min ||x - Phi z||^2 with Phi, z >= 0 (HALS); the data must be nonnegative.")
final class FitNmf implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  InputOptions input;

  @Mixin
  FitOptions output;

  @Option(names = "--rank", required = true, description = "number of atoms m")
  int rank;

  @Option(names = "--max-iter", description = "rounds (default: 20)")
  int maxIter = 20;

  @Option(names = "--tol", description = "stop when the objective falls by less than this, relatively (default: "
      + "1e-6)")
  double tol = 1e-6;

  @Option(names = "--code-sweeps", description = "HALS sweeps per round over each code, continuing from the "
      + "previous round's codes (default: 8)")
  int codeSweeps = 8;

  @Option(names = "--exact-codes", arity = "0..1", fallbackValue = "true",
      description = "solve every code from zero to convergence each round instead (the slower behaviour before "
          + "warm codes)")
  boolean exactCodes;

  @Override
  public Integer call() throws java.io.IOException {
    NMF nmf = new NMF().setRank(rank).setMaxIter(maxIter).setTol(tol).setSeed(output.seed);
    nmf.setCodeSweeps(codeSweeps).setExactCodes(exactCodes);
    return FitRunner.fit("nmf", spark, input, output, nmf);
  }
}
