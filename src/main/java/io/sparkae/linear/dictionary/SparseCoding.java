package io.sparkae.linear.dictionary;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.core.StageReader;
import io.sparkae.data.Block;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sparse coding (dictionary learning): for rows x_1..x_n in R^d (the columns of X, d x n) it finds a dictionary
 * Phi (d x m, atoms phi_j with {@code ||phi_j||_2 = 1}; m may exceed d) and sparse codes Z (m x n) minimising
 * <pre>
 *   (1/n) sum_i ||x_i - Phi z_i||_2^2 + lambda ||z_i||_1,      ||v||_2^2 = sum_k v_k^2,  ||z||_1 = sum_j |z_j|
 * </pre>
 * (Olshausen, Field 1996; the squared error is not halved: lasso KKT thresholds are lambda / 2), or, with the OMP
 * and top-k solvers, the squared error under at most {@code nonzeros} nonzeros per code.
 *
 * <p>Alternating minimisation on the round loop ({@link AlternatingFit}): every round codes the rows against the
 * broadcast Phi ({@link SparseCoder}: one dgemm Phi^T X per block, then lasso coordinate descent on Phi^T Phi over
 * the whole block with gap-safe screening, batch OMP or top-k), aggregates {@code A = sum z z^T} and {@code B = sum x z^T}, and updates Phi on the driver
 * by block coordinate descent over its columns (Mairal, Bach, Ponce, Sapiro 2010, "Online learning for matrix
 * factorization and sparse coding", JMLR 11, Algorithm 2; {@link DictionaryUpdate}). With the lasso the objective
 * never increases from round to round in full-batch mode. Lasso codes are kept beside the cached blocks
 * ({@link CodeStore}) and continued for codeSweeps coordinate-descent sweeps per round (exactCodes: solved from
 * zero to convergence every round, as before). {@code fraction < 1} gives the online variant.
 */
public final class SparseCoding extends IterativeEstimator<SparseCodingModel> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SparseCoding.class);

  private final IntParam numAtoms;
  private final DoubleParam lambda;
  private final Param<String> solver;
  private final IntParam nonzeros;
  private final BooleanParam nonnegative;
  private final DoubleParam fraction;
  private final DoubleParam forgetting;
  private final IntParam dictionarySweeps;
  private final IntParam codeSweeps;
  private final BooleanParam exactCodes;
  private final DoubleParam maxSeconds;

  public SparseCoding() {
    this(Identifiable.randomUID("sparkae-sparse-coding"));
  }

  @SuppressWarnings("unchecked")
  public SparseCoding(String uid) {
    super(uid);
    numAtoms = new IntParam(this, "numAtoms", "number of atoms m (>= 1; may exceed d) (default: 64)",
        ParamValidators.gtEq(1));
    lambda = new DoubleParam(this, "lambda", "l1 weight of the lasso (>= 0) (default: 0.1)", ParamValidators.gtEq(0));
    solver = new Param<>(this, "solver", "code solver: lasso, omp or topk (default: lasso)",
        ParamValidators.inArray(new String[] {"lasso", "omp", "topk"}));
    nonzeros = new IntParam(this, "nonzeros", "nonzeros per code for omp and topk (>= 1, <= m; omp: <= d) "
        + "(default: 5)", ParamValidators.gtEq(1));
    nonnegative = new BooleanParam(this, "nonnegative", "nonnegative codes (lasso, topk) (default: false)");
    fraction = new DoubleParam(this, "fraction", "share of rows coded per round, in (0, 1]; below 1 the online "
        + "variant (default: 1)", ParamValidators.inRange(0, 1, false, true));
    forgetting = new DoubleParam(this, "forgetting", "online: A, B decay by (1 - 1/t)^forgetting per round (>= 0) "
        + "(default: 1)", ParamValidators.gtEq(0));
    dictionarySweeps = new IntParam(this, "dictionarySweeps", "block coordinate descent sweeps over the atoms per "
        + "round (>= 1) (default: 5)", ParamValidators.gtEq(1));
    codeSweeps = new IntParam(this, "codeSweeps", "lasso coordinate descent sweeps per round over each code, "
        + "continuing from the previous round's codes (>= 1) (default: 2); ignored with exactCodes, OMP, top-k and "
        + "fraction < 1", ParamValidators.gtEq(1));
    exactCodes = new BooleanParam(this, "exactCodes", "solve every lasso code from zero to convergence each round "
        + "(at most " + SparseCoder.EXACT_SWEEPS + " sweeps, until no coefficient moves by " + SparseCoder.EXACT_TOL
        + ") instead of continuing the previous round's (default: false)");
    maxSeconds = new DoubleParam(this, "maxSeconds", "stop after the first round that ends this many seconds after "
        + "the fit started, caching included (0: no limit; a time limit makes the number of rounds, so the model, "
        + "depend on the machine) (default: 0)", ParamValidators.gtEq(0));
    setDefault(exactCodes, false);
    setDefault(maxSeconds, 0.0);
    setDefault(numAtoms, 64);
    setDefault(lambda, 0.1);
    setDefault(solver, "lasso");
    setDefault(nonzeros, 5);
    setDefault(nonnegative, false);
    setDefault(fraction, 1.0);
    setDefault(forgetting, 1.0);
    setDefault(dictionarySweeps, 5);
    setDefault(codeSweeps, 2);
    setDefault(tol(), 1e-6);
  }

  public IntParam numAtoms() {
    return numAtoms;
  }

  public DoubleParam lambda() {
    return lambda;
  }

  public Param<String> solver() {
    return solver;
  }

  public IntParam nonzeros() {
    return nonzeros;
  }

  public BooleanParam nonnegative() {
    return nonnegative;
  }

  public DoubleParam fraction() {
    return fraction;
  }

  public DoubleParam forgetting() {
    return forgetting;
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

  public SparseCoding setExactCodes(boolean v) {
    set(exactCodes, v);
    return this;
  }

  public SparseCoding setMaxSeconds(double v) {
    set(maxSeconds, v);
    return this;
  }

  public int getNumAtoms() {
    return (Integer) getOrDefault(numAtoms);
  }

  public double getLambda() {
    return (Double) getOrDefault(lambda);
  }

  public String getSolver() {
    return getOrDefault(solver);
  }

  public int getNonzeros() {
    return (Integer) getOrDefault(nonzeros);
  }

  public boolean getNonnegative() {
    return (Boolean) getOrDefault(nonnegative);
  }

  public double getFraction() {
    return (Double) getOrDefault(fraction);
  }

  public double getForgetting() {
    return (Double) getOrDefault(forgetting);
  }

  public int getDictionarySweeps() {
    return (Integer) getOrDefault(dictionarySweeps);
  }

  public int getCodeSweeps() {
    return (Integer) getOrDefault(codeSweeps);
  }

  public SparseCoding setNumAtoms(int v) {
    set(numAtoms, v);
    return this;
  }

  public SparseCoding setLambda(double v) {
    set(lambda, v);
    return this;
  }

  public SparseCoding setSolver(String v) {
    set(solver, v);
    return this;
  }

  public SparseCoding setNonzeros(int v) {
    set(nonzeros, v);
    return this;
  }

  public SparseCoding setNonnegative(boolean v) {
    set(nonnegative, v);
    return this;
  }

  public SparseCoding setFraction(double v) {
    set(fraction, v);
    return this;
  }

  public SparseCoding setForgetting(double v) {
    set(forgetting, v);
    return this;
  }

  public SparseCoding setDictionarySweeps(int v) {
    set(dictionarySweeps, v);
    return this;
  }

  public SparseCoding setCodeSweeps(int v) {
    set(codeSweeps, v);
    return this;
  }

  public SparseCoding setInputCol(String v) {
    set(inputCol(), v);
    return this;
  }

  public SparseCoding setOutputCol(String v) {
    set(outputCol(), v);
    return this;
  }

  public SparseCoding setMaxIter(int v) {
    set(maxIter(), v);
    return this;
  }

  public SparseCoding setTol(double v) {
    set(tol(), v);
    return this;
  }

  public SparseCoding setSeed(long v) {
    set(seed(), v);
    return this;
  }

  public SparseCoding setBlockSize(int v) {
    set(blockSize(), v);
    return this;
  }

  @Override
  protected SparseCodingModel fitImpl(FitInput input) {
    int d = input.dim();
    int m = getNumAtoms();
    SparseCoder.Solver kind = SparseCoder.Solver.parse(getSolver());
    if (kind != SparseCoder.Solver.LASSO && getNonzeros() > m) {
      throw new IllegalArgumentException("nonzeros = " + getNonzeros() + " is larger than numAtoms = " + m);
    }
    if (kind == SparseCoder.Solver.OMP && getNonzeros() > d) {
      throw new IllegalArgumentException("nonzeros = " + getNonzeros() + " is larger than the number of features d = "
          + d + " in column '" + input.column() + "' (OMP needs independent atoms)");
    }
    JavaRDD<Block> blocks = AlternatingFit.cachedBlocks(InputColumn.internalRows(input.data(), input.column()),
        input.column(), d, getBlockSize(), false, "sparse coding");
    LOG.info("sparse coding fit: numAtoms={}, d={}, solver={}, lambda={}, nonzeros={}, nonnegative={}, fraction={}, "
        + "maxIter={}, partitions={}, column '{}'", m, d, getSolver(), getLambda(), getNonzeros(), getNonnegative(),
        getFraction(), getMaxIter(), blocks.getNumPartitions(), input.column());
    try {
      AlternatingFit.Settings s = new AlternatingFit.Settings();
      s.atoms = m;
      s.maxIter = getMaxIter();
      s.tol = getTol();
      s.seed = getSeed();
      s.fraction = getFraction();
      s.forgetting = getForgetting();
      s.dictionarySweeps = getDictionarySweeps();
      s.nonnegative = false;
      s.name = "sparse coding";
      s.exactCodes = getExactCodes();
      s.codeSweeps = getCodeSweeps();
      s.maxSeconds = getMaxSeconds();
      double lam = getLambda();
      int k = getNonzeros();
      boolean nonneg = getNonnegative();
      int sweeps = SparseCoder.EXACT_SWEEPS;
      AlternatingFit.Fitted f = AlternatingFit.run(blocks, d, s,
          phi -> new SparseCoder(phi, kind, lam, k, nonneg, sweeps, CODE_TOL), LOG);
      SparseCoder coder = new SparseCoder(f.phi, kind, lam, k, nonneg, sweeps, CODE_TOL);
      long[] nz = f.nonzeros == null ? new long[m + 1] : f.nonzeros;
      SparseCodingModel model = new SparseCodingModel(uid(), coder, f.objectives, nz, sweeps, CODE_TOL,
          provenance(input, f.rows));
      model.trace(f.roundSeconds, f.codeUpdates);
      LOG.info("sparse coding fit done: {} rounds, objective per row {}, {} atoms replaced", f.objectives.length,
          f.objectives.length == 0 ? Double.NaN : f.objectives[f.objectives.length - 1], f.replaced);
      return copyValues(model, ParamMap.empty()).setParent(this);
    } catch (Exception e) {
      // Spark's SparkException is checked but thrown undeclared, so the base class's RuntimeException catch misses it.
      throw io.sparkae.core.SparkErrors.rethrow(e);
    } finally {
      blocks.unpersist(false);
    }
  }

  /** Lasso coordinate descent stops when no coefficient moves by more than this. */
  static final double CODE_TOL = 1e-10;

  @Override
  public SparseCoding copy(ParamMap extra) {
    return copyValues(new SparseCoding(uid()), extra);
  }

  public static MLReader<SparseCoding> read() {
    return StageReader.estimator(SparseCoding.class);
  }

  public static SparseCoding load(String path) {
    return read().load(path);
  }
}
