package io.sparkae.linear.dictionary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import io.sparkae.testing.Spread;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The code solvers alone: optimality conditions and support sizes, no Spark. */
class SparseCoderTest {
  private static final int D = 20;
  private static final int M = 40;
  private static final int N = 200;

  private static DenseMatrix block(DenseMatrix phi, long seed) {
    double[][] rows = PlantedDictionary.rows(phi, N, 4, 0.05, seed);
    DenseMatrix x = new DenseMatrix(D, N);
    for (int j = 0; j < N; j++) {
      System.arraycopy(rows[j], 0, x.values, j * D, D);
    }
    return x;
  }

  /** Correlations of the atoms with the residuals, Phi^T (X - Phi Z). */
  private static DenseMatrix residualCorrelations(DenseMatrix phi, DenseMatrix x, DenseMatrix z) {
    DenseMatrix r = x.copy();
    DenseMatrix.gemm(-1.0, phi, false, z, false, 1.0, r);
    return DenseMatrix.multiply(phi, true, r, false);
  }

  @Test
  void lassoCodesSatisfyKkt() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 1);
    DenseMatrix x = block(phi, 2);
    double lambda = 0.4;
    DenseMatrix z = new DenseMatrix(M, N);
    new SparseCoder(phi, SparseCoder.Solver.LASSO, lambda, 1, false).encode(x, N, z);
    DenseMatrix q = residualCorrelations(phi, x, z);
    int nonzero = 0;
    for (int j = 0; j < N; j++) {
      for (int i = 0; i < M; i++) {
        double zi = z.get(i, j);
        double qi = q.get(i, j);
        if (zi == 0) {
          assertTrue(Math.abs(qi) <= lambda / 2 + 1e-7, "row " + j + " atom " + i + ": |q| = " + Math.abs(qi));
        } else {
          nonzero++;
          assertEquals(Math.signum(zi) * lambda / 2, qi, 1e-7, "row " + j + " atom " + i);
        }
      }
    }
    assertTrue(nonzero > N && nonzero < N * M / 2, "sparse but not empty codes: " + nonzero);
  }

  @Test
  void nonnegativeLassoCodesSatisfyKkt() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 3);
    DenseMatrix x = block(phi, 4);
    double lambda = 0.2;
    DenseMatrix z = new DenseMatrix(M, N);
    new SparseCoder(phi, SparseCoder.Solver.LASSO, lambda, 1, true).encode(x, N, z);
    DenseMatrix q = residualCorrelations(phi, x, z);
    for (int j = 0; j < N; j++) {
      for (int i = 0; i < M; i++) {
        double zi = z.get(i, j);
        assertTrue(zi >= 0);
        if (zi == 0) {
          assertTrue(q.get(i, j) <= lambda / 2 + 1e-7, "row " + j + " atom " + i);
        } else {
          assertEquals(lambda / 2, q.get(i, j), 1e-7, "row " + j + " atom " + i);
        }
      }
    }
  }

  @Test
  void warmLassoPassesReachTheKktConditions() {
    // Codes of another dictionary as the start, then 2 warm passes at a time (as a fit's rounds do) until no
    // coefficient moves: the result must be the lasso solution. Convergence stops when a pass moves no
    // coefficient by more than 1e-10, so q = c - G z is off by at most m * 1e-10 = 4e-9 per entry: 1e-7 is a
    // wide margin (as for the cold solves above).
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 21);
    DenseMatrix other = PlantedDictionary.atoms(D, M, 22);
    DenseMatrix x = block(phi, 23);
    for (boolean nonneg : new boolean[] {false, true}) {
      double lambda = 0.4;
      SparseCoder coder = new SparseCoder(phi, SparseCoder.Solver.LASSO, lambda, 1, nonneg);
      DenseMatrix z = new DenseMatrix(M, N);
      new SparseCoder(other, SparseCoder.Solver.LASSO, lambda, 1, nonneg).encode(x, N, z);
      DenseMatrix c = new DenseMatrix(M, N);
      DenseMatrix qk = new DenseMatrix(M, N);
      double[] xx = new double[N];
      coder.correlations(x, N, c);
      SparseCoder.squaredNorms(x, N, xx);
      double before = objective(phi, x, z, lambda);
      int calls = 0;
      double moved;
      do {
        DenseMatrix start = z.copy();
        coder.codeBlock(c, N, z, qk, xx, true, 2, 1e-10);
        moved = z.maxAbsDiff(start);
        double after = objective(phi, x, z, lambda);
        assertTrue(after <= before + 1e-9 * before, "call " + calls + ": " + before + " -> " + after);
        before = after;
        calls++;
      } while (moved > 1e-10 && calls < 2000);
      assertTrue(calls < 2000, "warm passes converged");
      DenseMatrix q = residualCorrelations(phi, x, z);
      assertTrue(q.maxAbsDiff(qk) < 1e-9, "the kept Q is C - G Z: " + q.maxAbsDiff(qk));
      for (int j = 0; j < N; j++) {
        for (int i = 0; i < M; i++) {
          double zi = z.get(i, j);
          double qi = q.get(i, j);
          if (zi == 0) {
            assertTrue((nonneg ? qi : Math.abs(qi)) <= lambda / 2 + 1e-7, "row " + j + " atom " + i + ": q = " + qi);
          } else {
            assertTrue(!nonneg || zi > 0);
            assertEquals(Math.signum(zi) * lambda / 2, qi, 1e-7, "row " + j + " atom " + i);
          }
        }
      }
      // The cold solve (screening, active set) finds the same codes: the lasso here has a unique solution.
      DenseMatrix cold = new DenseMatrix(M, N);
      coder.encode(x, N, cold);
      assertTrue(cold.maxAbsDiff(z) < 1e-6, "warm and cold codes agree: " + cold.maxAbsDiff(z));
    }
  }

  @Test
  void correlationsArePhiTransposeXInBothOrientations() {
    // 4 m <= d takes the transposed gemm and the tiled transpose (m = 5 and 25 at d = 100, with n = 37 and m = 25
    // not multiples of the 16 x 16 tiles), m = 26 and 40 the direct one. Same sums in another order: the entries
    // agree to a few units in the last place of their magnitude, 1e-12 relative is a wide margin.
    int d = 100;
    int n = 37;
    SplittableRandom r = new SplittableRandom(41);
    DenseMatrix x = new DenseMatrix(d, n + 3);
    for (int i = 0; i < x.values.length; i++) {
      x.values[i] = r.nextDouble() - 0.5;
    }
    for (int m : new int[] {5, 25, 26, 40}) {
      DenseMatrix phi = PlantedDictionary.atoms(d, m, 42 + m);
      SparseCoder coder = new SparseCoder(phi, SparseCoder.Solver.LASSO, 0.1, 1, false);
      DenseMatrix c = new DenseMatrix(m, n + 3);
      java.util.Arrays.fill(c.values, 7.0);
      coder.correlations(x, n, c);
      DenseMatrix expected = DenseMatrix.multiply(phi, true, new DenseMatrix(d, n, java.util.Arrays.copyOf(x.values,
          d * n)), false);
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
          assertEquals(expected.get(i, j), c.get(i, j), 1e-12 * (1 + Math.abs(expected.get(i, j))), "m " + m
              + ", C(" + i + ", " + j + ")");
        }
      }
      for (int k = m * n; k < c.values.length; k++) {
        assertEquals(7.0, c.values[k], "m " + m + ": columns past n untouched");
      }
    }
  }

  @Test
  void tiledPlainPassesReachTheLeastSquaresAndNnlsSolutions() {
    // lambda = 0 (NMF's codes, and plain least squares) runs its passes over tiles of 64 rows at once: N = 200
    // rows give three full tiles and a partial one of 8. With 12 atoms in R^20 the Gram is nonsingular, so both
    // problems have one solution, which the cold per-row solve (active set) also finds. Tolerances as above: a
    // pass that moves nothing by more than 1e-10 leaves Q within m * 1e-10 of its optimum value.
    int m = 12;
    DenseMatrix phi = PlantedDictionary.atoms(D, m, 31);
    DenseMatrix other = PlantedDictionary.atoms(D, m, 32);
    DenseMatrix x = block(phi, 33);
    for (boolean nonneg : new boolean[] {false, true}) {
      SparseCoder coder = new SparseCoder(phi, SparseCoder.Solver.LASSO, 0.0, 1, nonneg);
      DenseMatrix z = new DenseMatrix(m, N);
      new SparseCoder(other, SparseCoder.Solver.LASSO, 0.0, 1, nonneg).encode(x, N, z);
      DenseMatrix c = new DenseMatrix(m, N);
      DenseMatrix qk = new DenseMatrix(m, N);
      double[] xx = new double[N];
      coder.correlations(x, N, c);
      SparseCoder.squaredNorms(x, N, xx);
      double before = objective(phi, x, z, 0);
      int calls = 0;
      double moved;
      do {
        DenseMatrix start = z.copy();
        coder.codeBlock(c, N, z, qk, xx, true, 3, 1e-10);
        moved = z.maxAbsDiff(start);
        double after = objective(phi, x, z, 0);
        assertTrue(after <= before + 1e-9 * before, "nonneg " + nonneg + ", call " + calls + ": " + before + " -> "
            + after);
        before = after;
        calls++;
      } while (moved > 1e-10 && calls < 5000);
      assertTrue(calls > 1 && calls < 5000, "warm passes converged after " + calls + " calls");
      DenseMatrix q = residualCorrelations(phi, x, z);
      assertTrue(q.maxAbsDiff(qk) < 1e-9, "the kept Q is C - G Z: " + q.maxAbsDiff(qk));
      int zeros = 0;
      for (int j = 0; j < N; j++) {
        for (int i = 0; i < m; i++) {
          double zi = z.get(i, j);
          double qi = q.get(i, j);
          if (nonneg && zi == 0) {
            zeros++;
            assertTrue(qi <= 1e-7, "row " + j + " atom " + i + ": q = " + qi);
          } else {
            assertTrue(!nonneg || zi > 0);
            assertEquals(0.0, qi, 1e-7, "row " + j + " atom " + i);
          }
        }
      }
      // The planted codes have signed coefficients, so the nonnegative solution has active bounds.
      assertTrue(!nonneg || zeros > N, "NNLS codes with zeros: " + zeros);
      DenseMatrix cold = new DenseMatrix(m, N);
      coder.encode(x, N, cold);
      assertTrue(cold.maxAbsDiff(z) < 1e-6, "nonneg " + nonneg + ": tiled and per-row codes agree: "
          + cold.maxAbsDiff(z));
    }
  }

  /** sum_j ||x_j - Phi z_j||^2 + lambda ||z_j||_1. */
  private static double objective(DenseMatrix phi, DenseMatrix x, DenseMatrix z, double lambda) {
    DenseMatrix r = x.copy();
    DenseMatrix.gemm(-1.0, phi, false, z, false, 1.0, r);
    double s = r.squaredNorm();
    for (double v : z.values) {
      s += lambda * Math.abs(v);
    }
    return s;
  }

  @Test
  void missingWarmCodesFallBackToAnExactSolveAndARetryRepeatsItsRound() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 31);
    DenseMatrix x = block(phi, 32);
    java.util.List<io.sparkae.data.Block> blocks = java.util.List.of(io.sparkae.data.Block.dense(x, 120),
        io.sparkae.data.Block.dense(new DenseMatrix(D, N - 120, java.util.Arrays.copyOfRange(x.values, 120 * D,
            N * D)), N - 120));
    SparseCoder coder = new SparseCoder(phi, SparseCoder.Solver.LASSO, 0.4, 1, false);
    CodeRound round = new CodeRound(coder, null, "test-fit", 2, SparseCoder.EXACT_SWEEPS, SparseCoder.EXACT_TOL);
    try {
      // Round 5 without round 4's codes: both blocks solved from zero to convergence, same as exact codes.
      CodeStats missing = CodeStats.of(round, blocks.iterator(), 1.0, 5, 0, 1, 4);
      assertEquals(2, missing.coldBlocks);
      CodeStats exact = CodeStats.of(coder, blocks.iterator(), 1.0, 1, 4);
      assertEquals(exact.squaredError, missing.squaredError, 0.0);
      // Round 6 continues from round 5's codes; a retry of round 6 starts from the same codes and repeats it.
      CodeStats first = CodeStats.of(round, blocks.iterator(), 1.0, 6, 0, 1, 4);
      CodeStats retry = CodeStats.of(round, blocks.iterator(), 1.0, 6, 0, 1, 4);
      assertEquals(0, first.coldBlocks);
      assertEquals(first.squaredError, retry.squaredError, 0.0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(first.a, retry.a, 0.0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(first.b, retry.b, 0.0);
      assertTrue(first.squaredError + 0.4 * first.l1 <= missing.squaredError + 0.4 * missing.l1 + 1e-9);
      assertTrue(CodeStore.get("test-fit", 0, 4) == null && CodeStore.get("test-fit", 0, 5) != null);
      // The store keeps the rows' squared norms with the codes (rounds after the first reuse them).
      double[] xx = new double[N];
      SparseCoder.squaredNorms(x, N, xx);
      CodeStore.Kept kept = CodeStore.get("test-fit", 0, 6);
      assertEquals(2, kept.codes().length);
      org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(xx, 120, N),
          kept.squaredNorms()[1], 0.0);
    } finally {
      CodeStore.dropFit("test-fit");
    }
  }

  @Test
  void ompCodesHaveExactlyTheRequestedNonzerosAndOrthogonalResiduals() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 5);
    DenseMatrix x = block(phi, 6);
    for (int k : new int[] {1, 3, 7}) {
      DenseMatrix z = new DenseMatrix(M, N);
      new SparseCoder(phi, SparseCoder.Solver.OMP, 0, k, false).encode(x, N, z);
      DenseMatrix q = residualCorrelations(phi, x, z);
      for (int j = 0; j < N; j++) {
        int nnz = 0;
        for (int i = 0; i < M; i++) {
          if (z.get(i, j) != 0) {
            nnz++;
            // Least squares on the support: the residual is orthogonal to every chosen atom.
            assertEquals(0.0, q.get(i, j), 1e-9, "k=" + k + " row " + j + " atom " + i);
          }
        }
        assertEquals(k, nnz, "k=" + k + " row " + j);
      }
    }
  }

  @Test
  @Tag("stochastic")
  void ompFindsThePlantedSupportOnNoiselessRows() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, Spread.seed(7));
    double[][] rows = PlantedDictionary.rows(phi, 50, 2, 0.0, Spread.seed(8));
    DenseMatrix x = new DenseMatrix(D, 50);
    for (int j = 0; j < 50; j++) {
      System.arraycopy(rows[j], 0, x.values, j * D, D);
    }
    DenseMatrix z = new DenseMatrix(M, 50);
    new SparseCoder(phi, SparseCoder.Solver.OMP, 0, 2, false).encode(x, 50, z);
    DenseMatrix r = x.copy();
    DenseMatrix.gemm(-1.0, phi, false, z, false, 1.0, r);
    // Greedy selection is exact only under low coherence; random atoms in 20 dimensions allow a few misses.
    int exact = 0;
    for (int j = 0; j < 50; j++) {
      double e = 0;
      for (int i = 0; i < D; i++) {
        e += r.get(i, j) * r.get(i, j);
      }
      exact += e < 1e-20 ? 1 : 0;
    }
    Spread.record("omp.exactRows", exact); // measured 49 to 50 over 5 seeds
    assertTrue(exact >= 45, "rows reconstructed exactly: " + exact + " of 50");
  }

  @Test
  void lassoRecoversThePlantedSupportAndEqualsTheOracleSolution() {
    // Random unit atoms in d = 256 (m = 128), two per row with magnitudes 1 + |g| >= 1, noise 0.01 per entry.
    int d = 256;
    int m = 128;
    int n = 60;
    double noise = 0.01;
    double lambda = 0.2; // the threshold lambda / 2 = 0.1
    DenseMatrix phi = PlantedDictionary.atoms(d, m, 41);
    // The premise: mutual coherence mu < 1/3, so that 2 atoms satisfy Tropp's exact recovery condition
    // (k < (1 + 1/mu) / 2; Tropp 2006, "Just relax"); expected about 0.28 for these sizes.
    DenseMatrix g = DenseMatrix.multiply(phi, true, phi, false);
    double mu = 0;
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < a; b++) {
        mu = Math.max(mu, Math.abs(g.get(a, b)));
      }
    }
    assertTrue(mu < 1.0 / 3, "coherence " + mu + ": the planted dictionary does not meet the premise");
    SplittableRandom r = new SplittableRandom(42);
    DenseMatrix x = new DenseMatrix(d, n);
    int[][] support = new int[n][2];
    double[][] value = new double[n][2];
    for (int j = 0; j < n; j++) {
      support[j][0] = r.nextInt(m);
      do {
        support[j][1] = r.nextInt(m);
      } while (support[j][1] == support[j][0]);
      for (int t = 0; t < 2; t++) {
        value[j][t] = (r.nextBoolean() ? 1 : -1) * (1 + Math.abs(Planted.gaussian(r)));
        for (int i = 0; i < d; i++) {
          x.values[j * d + i] += value[j][t] * phi.get(i, support[j][t]);
        }
      }
      for (int i = 0; i < d; i++) {
        x.values[j * d + i] += noise * Planted.gaussian(r);
      }
    }
    DenseMatrix z = new DenseMatrix(m, n);
    new SparseCoder(phi, SparseCoder.Solver.LASSO, lambda, 1, false).encode(x, n, z);
    DenseMatrix c = DenseMatrix.multiply(phi, true, x, false);
    for (int j = 0; j < n; j++) {
      int a = support[j][0];
      int b = support[j][1];
      // Support: under the recovery condition, with the threshold 0.1 far above the noise's largest correlation
      // with an atom (about 0.01 sqrt(2 ln 256) = 0.033) and far below the smallest magnitude (1), the lasso keeps
      // exactly the planted atoms, with their signs.
      for (int i = 0; i < m; i++) {
        boolean planted = i == a || i == b;
        assertEquals(planted, z.get(i, j) != 0, "row " + j + ", atom " + i + (planted ? " planted" : " not planted")
            + ", code " + z.get(i, j));
      }
      // Values: with the support and signs known, the lasso's KKT conditions are linear, and its solution is the
      // oracle z_S = G_SS^-1 (Phi_S^T x - (lambda / 2) sign(z_S)). Coordinate descent stops when no coefficient
      // moves by more than 1e-10, so 1e-7 leaves three orders of magnitude (G_SS is within mu of the identity).
      double ua = c.get(a, j) - lambda / 2 * Math.signum(value[j][0]);
      double ub = c.get(b, j) - lambda / 2 * Math.signum(value[j][1]);
      double gab = g.get(a, b);
      double det = 1 - gab * gab;
      assertEquals((ua - gab * ub) / det, z.get(a, j), 1e-7, "row " + j + ", atom " + a);
      assertEquals((ub - gab * ua) / det, z.get(b, j), 1e-7, "row " + j + ", atom " + b);
      // And near the planted values: the bias is lambda / 2 ||G_SS^-1||_inf <= 0.1 / (1 - mu) = 0.15, the noise
      // adds about 0.01 per coefficient; 0.25 is a wide bound.
      assertEquals(value[j][0], z.get(a, j), 0.25, "row " + j + ", atom " + a);
      assertEquals(value[j][1], z.get(b, j), 0.25, "row " + j + ", atom " + b);
    }
  }

  @Test
  void topKKeepsTheLargestCorrelations() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 9);
    DenseMatrix x = block(phi, 10);
    DenseMatrix z = new DenseMatrix(M, N);
    new SparseCoder(phi, SparseCoder.Solver.TOPK, 0, 3, false).encode(x, N, z);
    DenseMatrix c = DenseMatrix.multiply(phi, true, x, false);
    for (int j = 0; j < N; j++) {
      double smallestKept = Double.POSITIVE_INFINITY;
      double largestDropped = 0;
      int nnz = 0;
      for (int i = 0; i < M; i++) {
        if (z.get(i, j) != 0) {
          nnz++;
          assertEquals(c.get(i, j), z.get(i, j), 0.0);
          smallestKept = Math.min(smallestKept, Math.abs(c.get(i, j)));
        } else {
          largestDropped = Math.max(largestDropped, Math.abs(c.get(i, j)));
        }
      }
      assertEquals(3, nnz);
      assertTrue(smallestKept >= largestDropped);
    }
  }

  @Test
  void badSettingsFailClearly() {
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 11);
    assertEquals("lambda must be >= 0, found -1.0", assertThrows(IllegalArgumentException.class,
        () -> new SparseCoder(phi, SparseCoder.Solver.LASSO, -1, 1, false)).getMessage());
    assertEquals("OMP needs nonzeros <= d = 20 (linearly independent atoms), found 21", assertThrows(
        IllegalArgumentException.class, () -> new SparseCoder(phi, SparseCoder.Solver.OMP, 0, 21, false))
        .getMessage());
    assertEquals("nonzeros must be in [1, m = 40], found 0", assertThrows(IllegalArgumentException.class,
        () -> new SparseCoder(phi, SparseCoder.Solver.TOPK, 0, 0, false)).getMessage());
  }

  @Test
  void dictionaryStepNeverIncreasesTheQuadratic() {
    // f(Phi) = -2 tr(Phi^T B) + tr(Phi^T Phi A) with A, B from codes of planted rows; a BCD sweep lowers it.
    DenseMatrix truth = PlantedDictionary.atoms(D, M, 12);
    DenseMatrix x = block(truth, 13);
    DenseMatrix phi = PlantedDictionary.atoms(D, M, 14);
    DenseMatrix z = new DenseMatrix(M, N);
    new SparseCoder(phi, SparseCoder.Solver.LASSO, 0.3, 1, false).encode(x, N, z);
    DenseMatrix a = DenseMatrix.multiply(z, false, z, true);
    DenseMatrix b = DenseMatrix.multiply(x, false, z, true);
    double before = quadratic(phi, a, b);
    for (int s = 0; s < 3; s++) {
      DictionaryUpdate.unitNorm(phi, a, b, 1);
      double after = quadratic(phi, a, b);
      assertTrue(after <= before + 1e-9 * Math.abs(before), "sweep " + s + ": " + before + " -> " + after);
      before = after;
    }
    DenseMatrix norms = DenseMatrix.multiply(phi, true, phi, false);
    for (int j = 0; j < M; j++) {
      assertEquals(1.0, norms.get(j, j), 1e-12, "unit-norm atom " + j);
    }
  }

  private static double quadratic(DenseMatrix phi, DenseMatrix a, DenseMatrix b) {
    DenseMatrix g = DenseMatrix.multiply(phi, true, phi, false);
    double s = 0;
    for (int i = 0; i < g.values.length; i++) {
      s += g.values[i] * a.values[i];
    }
    for (int i = 0; i < b.values.length; i++) {
      s -= 2 * phi.values[i] * b.values[i];
    }
    return s;
  }
}
