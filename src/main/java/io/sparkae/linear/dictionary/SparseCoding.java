package io.sparkae.linear.dictionary;

import io.sparkae.core.StageReader;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
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
public final class SparseCoding extends DictionaryEstimator<SparseCodingModel, SparseCoding> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SparseCoding.class);

  private final IntParam numAtoms;
  private final DoubleParam lambda;
  private final Param<String> solver;
  private final IntParam nonzeros;
  private final BooleanParam nonnegative;
  private final DoubleParam fraction;
  private final DoubleParam forgetting;

  public SparseCoding() {
    this(Identifiable.randomUID("sparkae-sparse-coding"));
  }

  @SuppressWarnings("unchecked")
  public SparseCoding(String uid) {
    super(uid, "lasso coordinate descent sweeps per round over each code, continuing from the previous round's "
        + "codes (>= 1) (default: 2); ignored with exactCodes, OMP, top-k and fraction < 1", 2,
        "solve every lasso code from zero");
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
    setDefault(numAtoms, 64);
    setDefault(lambda, 0.1);
    setDefault(solver, "lasso");
    setDefault(nonzeros, 5);
    setDefault(nonnegative, false);
    setDefault(fraction, 1.0);
    setDefault(forgetting, 1.0);
  }

  public IntParam numAtoms() { return numAtoms; }
  public DoubleParam lambda() { return lambda; }
  public Param<String> solver() { return solver; }
  public IntParam nonzeros() { return nonzeros; }
  public BooleanParam nonnegative() { return nonnegative; }
  public DoubleParam fraction() { return fraction; }
  public DoubleParam forgetting() { return forgetting; }
  public int getNumAtoms() { return (Integer) getOrDefault(numAtoms); }
  public double getLambda() { return (Double) getOrDefault(lambda); }
  public String getSolver() { return getOrDefault(solver); }
  public int getNonzeros() { return (Integer) getOrDefault(nonzeros); }
  public boolean getNonnegative() { return (Boolean) getOrDefault(nonnegative); }
  public double getFraction() { return (Double) getOrDefault(fraction); }
  public double getForgetting() { return (Double) getOrDefault(forgetting); }
  public SparseCoding setNumAtoms(int v) { return with(numAtoms, v); }
  public SparseCoding setLambda(double v) { return with(lambda, v); }
  public SparseCoding setSolver(String v) { return with(solver, v); }
  public SparseCoding setNonzeros(int v) { return with(nonzeros, v); }
  public SparseCoding setNonnegative(boolean v) { return with(nonnegative, v); }
  public SparseCoding setFraction(double v) { return with(fraction, v); }
  public SparseCoding setForgetting(double v) { return with(forgetting, v); }

  @Override
  protected SparseCodingModel train(FitInput input) {
    int m = getNumAtoms();
    SparseCoder.Solver kind = SparseCoder.Solver.parse(getSolver());
    if (kind != SparseCoder.Solver.LASSO && getNonzeros() > m) {
      throw new IllegalArgumentException("nonzeros = " + getNonzeros() + " is larger than numAtoms = " + m);
    }
    if (kind == SparseCoder.Solver.OMP) {
      input.requireAtMostDim("nonzeros", getNonzeros(), "OMP needs independent atoms");
    }
    AlternatingFit.Settings s = settings("sparse coding", m, false);
    s.fraction = getFraction();
    s.forgetting = getForgetting();
    double lam = getLambda();
    int k = getNonzeros();
    boolean nonneg = getNonnegative();
    return fitDictionary(input, s, phi -> new SparseCoder(phi, kind, lam, k, nonneg, SparseCoder.EXACT_SWEEPS,
        CODE_TOL), SparseCodingModel::new, LOG);
  }

  public static MLReader<SparseCoding> read() { return StageReader.estimator(SparseCoding.class); }
  public static SparseCoding load(String path) { return read().load(path); }
}
