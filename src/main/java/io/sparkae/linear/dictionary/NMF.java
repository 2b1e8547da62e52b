package io.sparkae.linear.dictionary;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.core.StageReader;
import io.sparkae.data.Block;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nonnegative matrix factorisation: for nonnegative rows x_1..x_n in R^d (the columns of X, d x n) it finds
 * Phi >= 0 (d x m, unit-norm atoms, {@code ||phi_j||_2 = 1}) and codes Z >= 0 (m x n) minimising the squared error
 * <pre>
 *   (1/n) sum_i ||x_i - Phi z_i||_2^2,      ||v||_2^2 = sum_k v_k^2
 * </pre>
 * (Lee, Seung 1999) by hierarchical alternating least squares (Cichocki, Phan 2009, "Fast local algorithms for
 * large scale nonnegative matrix and tensor factorizations", IEICE Trans. Fundamentals E92-A). Same round pattern
 * as {@link SparseCoding} ({@link AlternatingFit}): each partition continues its codes (kept beside its cached
 * blocks, {@link CodeStore}) for codeSweeps HALS sweeps against the broadcast Phi (nonnegative coordinate descent
 * on Phi^T Phi over the whole block, {@link SparseCoder#codeBlock}; with exactCodes, from zero until no coefficient
 * moves by more than 1e-10) and returns {@code A = sum z z^T}, {@code B = sum x z^T}; the driver updates the atoms
 * by HALS sweeps {@code phi_j = max(0, phi_j + (b_j - Phi a_j) / A_jj)}, then scales them to unit norm and the
 * kept codes by the norms ({@link DictionaryUpdate}), so the objective never increases from round to round.
 * Initialisation: a seeded sample of m nonzero rows (nonnegative by the data check). Negative input values stop
 * the fit with the column, partition, row, index and value.
 */
public final class NMF extends IterativeEstimator<NMFModel> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(NMF.class);

  private final IntParam rank;
  private final IntParam dictionarySweeps;
  private final IntParam codeSweeps;
  private final BooleanParam exactCodes;
  private final DoubleParam maxSeconds;

  public NMF() {
    this(Identifiable.randomUID("sparkae-nmf"));
  }

  @SuppressWarnings("unchecked")
  public NMF(String uid) {
    super(uid);
    rank = new IntParam(this, "rank", "number of atoms m (>= 1) (default: 10)", ParamValidators.gtEq(1));
    dictionarySweeps = new IntParam(this, "dictionarySweeps", "block coordinate descent sweeps over the atoms per "
        + "round (>= 1) (default: 5)", ParamValidators.gtEq(1));
    codeSweeps = new IntParam(this, "codeSweeps", "HALS sweeps per round over each code, continuing from the previous "
        + "round's codes (>= 1) (default: 8); ignored with exactCodes", ParamValidators.gtEq(1));
    exactCodes = new BooleanParam(this, "exactCodes", "solve every code from zero to convergence each round (at most "
        + SparseCoder.EXACT_SWEEPS + " sweeps, until no coefficient moves by " + SparseCoder.EXACT_TOL
        + ") instead of continuing the previous round's (default: false)");
    maxSeconds = new DoubleParam(this, "maxSeconds", "stop after the first round that ends this many seconds after "
        + "the fit started, caching included (0: no limit; a time limit makes the number of rounds, so the model, "
        + "depend on the machine) (default: 0)", ParamValidators.gtEq(0));
    setDefault(rank, 10);
    setDefault(dictionarySweeps, 5);
    setDefault(codeSweeps, 8);
    setDefault(exactCodes, false);
    setDefault(maxSeconds, 0.0);
    setDefault(tol(), 1e-6);
  }

  public IntParam rank() {
    return rank;
  }

  public IntParam dictionarySweeps() {
    return dictionarySweeps;
  }

  public IntParam codeSweeps() {
    return codeSweeps;
  }

  public BooleanParam exactCodes() {
    return exactCodes;
  }

  public DoubleParam maxSeconds() {
    return maxSeconds;
  }

  public boolean getExactCodes() {
    return (Boolean) getOrDefault(exactCodes);
  }

  public double getMaxSeconds() {
    return (Double) getOrDefault(maxSeconds);
  }

  public NMF setExactCodes(boolean v) {
    set(exactCodes, v);
    return this;
  }

  public NMF setMaxSeconds(double v) {
    set(maxSeconds, v);
    return this;
  }

  public int getRank() {
    return (Integer) getOrDefault(rank);
  }

  public int getDictionarySweeps() {
    return (Integer) getOrDefault(dictionarySweeps);
  }

  public int getCodeSweeps() {
    return (Integer) getOrDefault(codeSweeps);
  }

  public NMF setRank(int v) {
    set(rank, v);
    return this;
  }

  public NMF setDictionarySweeps(int v) {
    set(dictionarySweeps, v);
    return this;
  }

  public NMF setCodeSweeps(int v) {
    set(codeSweeps, v);
    return this;
  }

  public NMF setInputCol(String v) {
    set(inputCol(), v);
    return this;
  }

  public NMF setOutputCol(String v) {
    set(outputCol(), v);
    return this;
  }

  public NMF setMaxIter(int v) {
    set(maxIter(), v);
    return this;
  }

  public NMF setTol(double v) {
    set(tol(), v);
    return this;
  }

  public NMF setSeed(long v) {
    set(seed(), v);
    return this;
  }

  public NMF setBlockSize(int v) {
    set(blockSize(), v);
    return this;
  }

  @Override
  protected NMFModel fitImpl(FitInput input) {
    int d = input.dim();
    int m = getRank();
    JavaRDD<Block> blocks = AlternatingFit.cachedBlocks(InputColumn.internalRows(input.data(), input.column()),
        input.column(), d, getBlockSize(), true, "NMF");
    LOG.info("NMF fit: rank={}, d={}, maxIter={}, partitions={}, column '{}'", m, d, getMaxIter(),
        blocks.getNumPartitions(), input.column());
    try {
      AlternatingFit.Settings s = new AlternatingFit.Settings();
      s.atoms = m;
      s.maxIter = getMaxIter();
      s.tol = getTol();
      s.seed = getSeed();
      s.dictionarySweeps = getDictionarySweeps();
      s.nonnegative = true;
      s.name = "NMF";
      s.exactCodes = getExactCodes();
      s.codeSweeps = getCodeSweeps();
      s.maxSeconds = getMaxSeconds();
      int sweeps = SparseCoder.EXACT_SWEEPS;
      AlternatingFit.Fitted f = AlternatingFit.run(blocks, d, s, phi -> coder(phi, sweeps), LOG);
      long[] nz = f.nonzeros == null ? new long[m + 1] : f.nonzeros;
      NMFModel model = new NMFModel(uid(), coder(f.phi, sweeps), f.objectives, nz, sweeps, CODE_TOL,
          provenance(input, f.rows));
      model.trace(f.roundSeconds, f.codeUpdates);
      LOG.info("NMF fit done: {} rounds, squared error per row {}", f.objectives.length,
          f.objectives.length == 0 ? Double.NaN : f.objectives[f.objectives.length - 1]);
      return copyValues(model, ParamMap.empty()).setParent(this);
    } catch (Exception e) {
      // Spark's SparkException is checked but thrown undeclared, so the base class's RuntimeException catch misses it.
      throw io.sparkae.core.SparkErrors.rethrow(e);
    } finally {
      blocks.unpersist(false);
    }
  }

  /** Nonnegative least squares by coordinate descent = the lasso solver with lambda = 0 and z >= 0. */
  static SparseCoder coder(io.sparkae.linalg.DenseMatrix phi, int sweeps) {
    return new SparseCoder(phi, SparseCoder.Solver.LASSO, 0.0, 1, true, sweeps, CODE_TOL);
  }

  /** HALS code sweeps stop when no coefficient moves by more than this. */
  static final double CODE_TOL = 1e-10;

  @Override
  public NMF copy(ParamMap extra) {
    return copyValues(new NMF(uid()), extra);
  }

  public static MLReader<NMF> read() {
    return StageReader.estimator(NMF.class);
  }

  public static NMF load(String path) {
    return read().load(path);
  }
}
