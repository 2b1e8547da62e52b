package io.sparkae.linear.dictionary;

import io.sparkae.core.ModelData;
import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;

/**
 * What a fitted dictionary model saves: the dictionary Phi (d x m), the code solver's settings (the solver by
 * name; format 1 saved its ordinal) and the histogram of nonzeros per code in the last round (the objective per
 * round is the model's {@code FitHistory}; {@link #objectives} reads it from models saved before). Shared by sparse
 * coding and NMF.
 */
final class DictionaryData {
  private DictionaryData() {}

  static ModelData write(SparseCoder c, long[] nonzeros, int maxSweeps, double cdTol) {
    double[] nz = new double[nonzeros.length];
    for (int i = 0; i < nz.length; i++) {
      nz[i] = nonzeros[i];
    }
    return new ModelData()
        .put("dictionary", c.dictionary())
        .set("solver", c.solver())
        .put("lambda", c.lambda())
        .put("nonzeros", c.nonzeros())
        .put("nonnegative", c.nonnegative() ? 1.0 : 0.0)
        .put("maxSweeps", maxSweeps)
        .put("cdTol", cdTol)
        .put("nonzeroHistogram", nz);
  }

  static SparseCoder coder(ModelData data) {
    DenseMatrix phi = data.matrix("dictionary");
    SparseCoder.Solver solver = data.hasSettings() ? data.enumValue("solver", SparseCoder.Solver.class)
        : format1Solver(data);
    return new SparseCoder(phi, solver, data.scalar("lambda"),
        (int) data.scalar("nonzeros"), data.scalar("nonnegative") != 0, (int) data.scalar("maxSweeps"),
        data.scalar("cdTol"));
  }

  /** Format 1 saved the solver by its ordinal in an array. */
  private static SparseCoder.Solver format1Solver(ModelData data) {
    int solver = (int) data.scalar("solver");
    if (solver < 0 || solver >= SparseCoder.Solver.values().length) {
      throw new IllegalArgumentException("corrupt model: unknown solver index " + solver);
    }
    return SparseCoder.Solver.values()[solver];
  }

  static double[] objectives(ModelData data) {
    int rounds = (int) data.scalar("rounds");
    return Arrays.copyOf(data.vector("objectiveHistory"), rounds);
  }

  static long[] nonzeros(ModelData data) {
    double[] v = data.vector("nonzeroHistogram");
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (long) v[i];
    }
    return out;
  }
}
