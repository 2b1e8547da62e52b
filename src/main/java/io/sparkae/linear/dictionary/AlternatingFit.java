package io.sparkae.linear.dictionary;

import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.data.Block;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;

/**
 * The alternating minimisation shared by sparse coding and NMF, on the round loop: the rows are stacked into dense
 * blocks and cached; round 0 draws the initial atoms (a seeded sample of m nonzero rows, scaled to unit norm);
 * every later round broadcasts the code solver (which holds Phi and Phi^T Phi), lets each partition compute its
 * {@link CodeStats}, merges them in partition order, and updates Phi on the driver from A and B ({@link DictionaryUpdate}).
 * Atoms that fall out of use (or duplicate another atom) are replaced by the (unit-norm) residuals of poorly
 * reconstructed rows, picked with a seed derived from (seed, round), and logged.
 *
 * <p>Codes (full batch, lasso and NMF): by default each partition keeps its codes beside its cached blocks
 * ({@link CodeStore}) and continues them for a few coordinate-descent passes per round ({@code codeSweeps})
 * against the new dictionary, instead of solving them from zero to convergence ({@code exactCodes}). The
 * objective still never increases: the passes start from the previous codes (scaled with the NMF atoms' norms so
 * that {@code Phi z} is unchanged) and every pass is exact minimisation in one coordinate; the dictionary step
 * minimises over Phi with the codes fixed (a round that replaces an atom still in use restarts its codes from 0).
 * OMP, top-k and the online variant solve their codes from zero.
 *
 * <p>Full batch ({@code fraction = 1}): A and B are the sums over all rows, and the fit stops when the objective
 * per row decreases by less than {@code tol} relative to the previous round. Online ({@code fraction < 1}): each
 * round codes a seeded Bernoulli sample of the rows and accumulates {@code A_t = beta_t A_{t-1} + A_sample} (same
 * for B) with {@code beta_t = (1 - 1/t)^rho} (Mairal et al. 2010, section 3.4); it runs all maxIter rounds.
 */
final class AlternatingFit {
  /** Worst-reconstructed rows kept per round for atom replacement. */
  static final int WORST_ROWS = 32;
  /** An atom whose |cosine| with an earlier atom exceeds this is a duplicate and gets replaced. */
  static final double DUPLICATE_COSINE = 0.9;

  private AlternatingFit() {}

  /** What the fit returns. */
  static final class Fitted {
    DenseMatrix phi;
    double[] objectives;
    long[] nonzeros;
    long rows;
    boolean converged;
    int replaced;
    /** Seconds from the start of the fit (caching and initial atoms included) to the end of each round. */
    double[] roundSeconds;
    /** Coordinate updates of the codes per round (each 2m flops). */
    long[] codeUpdates;
  }

  /** Settings of one fit. */
  static final class Settings {
    int atoms;
    int maxIter;
    double tol;
    long seed;
    double fraction = 1.0;
    double forgetting = 1.0;
    int dictionarySweeps = 1;
    boolean nonnegative;
    String name;
    /** Codes solved from zero to convergence every round instead of continued from the previous round's. */
    boolean exactCodes;
    /** Passes per round over warm codes. */
    int codeSweeps = 2;
    /** Most full passes of a solve from zero (exact codes, online rounds, missing warm codes). */
    int exactSweeps = SparseCoder.EXACT_SWEEPS;
    /** Solves stop when a pass moves no coefficient by more than this. */
    double codeTol = SparseCoder.EXACT_TOL;
    /** Stop after the first round that ends this many seconds after the start (0: no limit). */
    double maxSeconds;
  }

  /** Dense blocks of the rows, cached; with {@code nonnegative}, negative values fail with row and value. */
  static JavaRDD<Block> cachedBlocks(JavaRDD<InternalRow> rows, String column, int d, int blockRows, boolean nonnegative,
      String model) {
    return rows.mapPartitionsWithIndex((p, it) -> {
      List<Block> blocks = new Blocker(column, d, blockRows, false, p).allBlocks(RowCursor.ofInternalRows(it));
      if (nonnegative) {
        checkNonnegative(blocks, column, p, model);
      }
      return blocks.iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static void checkNonnegative(List<Block> blocks, String column, int partition, String model) {
    long row = 0;
    for (Block b : blocks) {
      int d = b.dim;
      for (int j = 0; j < b.size; j++, row++) {
        for (int i = 0; i < d; i++) {
          double v = b.dense.values[j * d + i];
          if (v < 0) {
            throw new IllegalArgumentException("column '" + column + "', partition " + partition + ", row " + row
                + " holds " + v + " at index " + i + ": " + model + " needs nonnegative data");
          }
        }
      }
    }
  }

  static Fitted run(JavaRDD<Block> blocks, int d, Settings s, Function<DenseMatrix, SparseCoder> coderOf,
      Logger log) {
    long t0 = System.nanoTime();
    DenseMatrix phi = initialAtoms(blocks, d, s.atoms, s.seed);
    double fraction = s.fraction;
    SparseCoder first = coderOf.apply(phi);
    // Warm codes continue from round to round: full batch, lasso (NMF included), unless exact codes are asked for.
    boolean warm = !s.exactCodes && fraction >= 1 && first.solver() == SparseCoder.Solver.LASSO;
    String fit = warm ? UUID.randomUUID().toString() : null;
    int sweeps = s.codeSweeps;
    int exactSweeps = s.exactSweeps;
    double codeTol = s.codeTol;
    RoundLoop<Block, CodeRound, CodeStats> loop = new RoundLoop<>(blocks, s.seed,
        (cr, it, ctx) -> CodeStats.of(cr, it, fraction, ctx.round(), ctx.partition(), ctx.seed(), WORST_ROWS),
        CodeStats::merge);
    Fitted out = new Fitted();
    DenseMatrix[] acc = new DenseMatrix[2];
    double[] previous = {Double.POSITIVE_INFINITY};
    double[] seconds = new double[s.maxIter];
    long[] updates = new long[s.maxIter];
    boolean[] timeUp = {false};
    RoundLoop.Result<CodeRound> r;
    try {
      r = loop.run(new CodeRound(first, null, fit, sweeps, exactSweeps, codeTol), s.maxIter, (cr, st, round) -> {
        if (st == null) {
          throw new IllegalArgumentException("empty data: no rows in the round " + round + " sample (fraction "
              + fraction + ")");
        }
        if (st.coldBlocks > 0) {
          log.warn("{} round {}: the codes of round {} were missing for {} blocks (lost executor or memory "
              + "pressure): those blocks were solved from zero to convergence", s.name, round, round - 1,
              st.coldBlocks);
        }
        SparseCoder coder = cr.coder;
        DenseMatrix a = st.gramOfCodes();
        DenseMatrix b = st.crossProducts();
        if (fraction < 1 && acc[0] != null) {
          double beta = Math.pow(1 - 1.0 / round, s.forgetting);
          a.addScaled(beta, acc[0]);
          b.addScaled(beta, acc[1]);
        }
        acc[0] = a;
        acc[1] = b;
        DenseMatrix next = coder.dictionary();
        double[] scale = new double[s.atoms];
        Arrays.fill(scale, 1.0);
        List<Integer> dead = s.nonnegative ? DictionaryUpdate.nonnegative(next, a, b, s.dictionarySweeps, scale)
            : DictionaryUpdate.unitNorm(next, a, b, s.dictionarySweeps);
        dead.addAll(DictionaryUpdate.duplicates(next, a, DUPLICATE_COSINE, dead));
        if (!dead.isEmpty()) {
          replace(next, dead, st, Seeds.derive(s.seed, "replace-" + round), s.nonnegative);
          out.replaced += dead.size();
          for (int j : dead) {
            scale[j] = 0;
          }
          log.info("{} round {}: {} atoms {} (unused or duplicates) replaced by residuals of poorly reconstructed "
              + "rows", s.name, round, dead.size(), dead.size() > 10 ? dead.subList(0, 10) + "..." : dead);
        }
        double penalty = coder.solver() == SparseCoder.Solver.LASSO ? coder.lambda() : 0.0;
        double objective = (st.squaredError + penalty * st.l1) / st.n;
        double drop = previous[0] - objective;
        boolean converged = fraction >= 1 && round > 1 && drop >= 0 && drop <= s.tol * Math.abs(previous[0]);
        previous[0] = objective;
        out.nonzeros = st.nonzeros;
        out.rows = st.n;
        seconds[round - 1] = (System.nanoTime() - t0) / 1e9;
        updates[round - 1] = st.updates;
        if (s.maxSeconds > 0 && seconds[round - 1] >= s.maxSeconds && !converged) {
          timeUp[0] = true;
          log.info("{}: stopped after round {} at {} s (maxSeconds = {})", s.name, round, seconds[round - 1],
              s.maxSeconds);
        }
        boolean ones = true;
        for (double v : scale) {
          ones &= v == 1.0;
        }
        return new RoundLoop.Outcome<>(new CodeRound(coderOf.apply(next), ones ? null : scale, fit, sweeps,
            exactSweeps, codeTol),
            objective, converged || timeUp[0]);
      }, log, s.name + " (objective per row)", fraction >= 1);
    } finally {
      if (fit != null) {
        blocks.foreachPartition(it -> CodeStore.dropFit(fit));
      }
    }
    out.phi = r.state().coder.dictionary();
    out.objectives = r.objectives();
    out.converged = r.converged() && !timeUp[0];
    out.roundSeconds = Arrays.copyOf(seconds, r.rounds());
    out.codeUpdates = Arrays.copyOf(updates, r.rounds());
    return out;
  }

  /** Dead atoms take the unit-norm residuals of worst rows, in a seeded order; Gaussian atoms when none is left. */
  private static void replace(DenseMatrix phi, List<Integer> dead, CodeStats st, long seed, boolean nonnegative) {
    int d = phi.rows;
    SplittableRandom random = new SplittableRandom(seed);
    List<double[]> candidates = new ArrayList<>();
    for (int k = 0; k < st.worstCount; k++) {
      if (st.worstLoss[k] > 0) {
        candidates.add(st.worstResidual[k]);
      }
    }
    for (int j : dead) {
      double[] atom;
      if (!candidates.isEmpty()) {
        atom = candidates.remove(random.nextInt(candidates.size())).clone();
      } else {
        atom = new double[d];
        for (int i = 0; i < d; i++) {
          atom[i] = random.nextDouble() - 0.5;
        }
      }
      double norm = 0;
      for (int i = 0; i < d; i++) {
        if (nonnegative) {
          atom[i] = Math.max(0, atom[i]);
        }
        norm += atom[i] * atom[i];
      }
      if (norm == 0) {
        Arrays.fill(atom, 1.0);
        norm = d;
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < d; i++) {
        phi.values[j * d + i] = atom[i] / norm;
      }
    }
  }

  /** Round 0: a seeded sample of m nonzero rows (the m smallest random keys over all rows), as unit-norm atoms. */
  static DenseMatrix initialAtoms(JavaRDD<Block> blocks, int d, int m, long seed) {
    RoundLoop<Block, Integer, RowSample> loop = new RoundLoop<>(blocks, seed,
        (mm, it, ctx) -> RowSample.of(it, mm, ctx.seed()), RowSample::merge);
    RowSample sample = loop.round(m, 0);
    if (sample == null) {
      throw new IllegalArgumentException("empty data: the input has no rows");
    }
    DenseMatrix phi = new DenseMatrix(d, m);
    SplittableRandom fill = new SplittableRandom(Seeds.derive(seed, "atoms-fill"));
    for (int j = 0; j < m; j++) {
      double[] v = new double[d];
      if (j < sample.count) {
        v = sample.rows[j];
      } else {
        // Fewer nonzero rows than atoms: random atoms for the rest.
        for (int i = 0; i < d; i++) {
          v[i] = fill.nextDouble();
        }
      }
      System.arraycopy(v, 0, phi.values, j * d, d);
    }
    DictionaryUpdate.normalizeColumns(phi);
    return phi;
  }

  /** The rows with the smallest seeded random keys: a uniform sample without replacement, merged by key. */
  static final class RowSample implements Serializable {
    private static final long serialVersionUID = 1L;
    double[] keys;
    double[][] rows;
    int count;

    RowSample() {}

    static RowSample of(Iterator<Block> blocks, int capacity, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      RowSample s = new RowSample();
      s.keys = new double[capacity];
      s.rows = new double[capacity][];
      while (blocks.hasNext()) {
        Block b = blocks.next();
        int d = b.dim;
        for (int j = 0; j < b.size; j++) {
          double key = random.nextDouble();
          boolean nonzero = false;
          for (int i = 0; i < d && !nonzero; i++) {
            nonzero = b.dense.values[j * d + i] != 0;
          }
          if (nonzero) {
            s.offer(key, b.dense.values, j * d, d);
          }
        }
      }
      if (s.count == 0) {
        return null;
      }
      s.sortByKey();
      return s;
    }

    private void offer(double key, double[] src, int off, int d) {
      int slot;
      if (count < keys.length) {
        slot = count++;
      } else {
        slot = 0;
        for (int i = 1; i < count; i++) {
          if (keys[i] > keys[slot]) {
            slot = i;
          }
        }
        if (!(key < keys[slot])) {
          return;
        }
      }
      keys[slot] = key;
      rows[slot] = Arrays.copyOfRange(src, off, off + d);
    }

    RowSample merge(RowSample o) {
      for (int k = 0; k < o.count; k++) {
        offer(o.keys[k], o.rows[k], 0, o.rows[k].length);
      }
      sortByKey();
      return this;
    }

    private void sortByKey() {
      Integer[] idx = new Integer[count];
      for (int i = 0; i < count; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, (p, q) -> Double.compare(keys[p], keys[q]));
      double[] k2 = new double[keys.length];
      double[][] r2 = new double[rows.length][];
      for (int i = 0; i < count; i++) {
        k2[i] = keys[idx[i]];
        r2[i] = rows[idx[i]];
      }
      keys = k2;
      rows = r2;
    }
  }
}

