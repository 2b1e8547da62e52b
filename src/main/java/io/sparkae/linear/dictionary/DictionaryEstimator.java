package io.sparkae.linear.dictionary;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.slf4j.Logger;

/**
 * What sparse coding and NMF share: the Params of the alternating fit (dictionary sweeps per round, warm code sweeps,
 * exact codes, the time limit) and the fit itself ({@link AlternatingFit} on the cached blocks, then the model from
 * the final dictionary). Subclasses give their code solver and their model's constructor.
 *
 * @param <M> the fitted model
 * @param <E> the concrete estimator (for fluent setters)
 */
public abstract class DictionaryEstimator<M extends DictionaryModel<M>, E extends DictionaryEstimator<M, E>>
    extends IterativeEstimator<M, E> {
  private static final long serialVersionUID = 1L;

  /** Code sweeps stop when no coefficient moves by more than this. */
  static final double CODE_TOL = 1e-10;

  private final IntParam dictionarySweeps;
  private final IntParam codeSweeps;
  private final BooleanParam exactCodes;
  private final DoubleParam maxSeconds;

  @SuppressWarnings("unchecked")
  protected DictionaryEstimator(String uid, String codeSweepsDoc, int defaultCodeSweeps, String exactCodesDoc) {
    super(uid);
    dictionarySweeps = new IntParam(this, "dictionarySweeps", "block coordinate descent sweeps over the atoms per "
        + "round (>= 1) (default: 5)", ParamValidators.gtEq(1));
    codeSweeps = new IntParam(this, "codeSweeps", codeSweepsDoc, ParamValidators.gtEq(1));
    exactCodes = new BooleanParam(this, "exactCodes", exactCodesDoc + " to convergence each round (at most "
        + SparseCoder.EXACT_SWEEPS + " sweeps, until no coefficient moves by " + SparseCoder.EXACT_TOL
        + ") instead of continuing the previous round's (default: false)");
    maxSeconds = new DoubleParam(this, "maxSeconds", "stop after the first round that ends this many seconds after "
        + "the fit started, caching included (0: no limit; a time limit makes the number of rounds, so the model, "
        + "depend on the machine) (default: 0)", ParamValidators.gtEq(0));
    setDefault(dictionarySweeps, 5);
    setDefault(codeSweeps, defaultCodeSweeps);
    setDefault(exactCodes, false);
    setDefault(maxSeconds, 0.0);
  }

  public IntParam dictionarySweeps() { return dictionarySweeps; }
  public IntParam codeSweeps() { return codeSweeps; }
  public BooleanParam exactCodes() { return exactCodes; }
  public DoubleParam maxSeconds() { return maxSeconds; }
  public int getDictionarySweeps() { return (Integer) getOrDefault(dictionarySweeps); }
  public int getCodeSweeps() { return (Integer) getOrDefault(codeSweeps); }
  public boolean getExactCodes() { return (Boolean) getOrDefault(exactCodes); }
  public double getMaxSeconds() { return (Double) getOrDefault(maxSeconds); }
  public E setDictionarySweeps(int v) { return with(dictionarySweeps, v); }
  public E setCodeSweeps(int v) { return with(codeSweeps, v); }
  public E setExactCodes(boolean v) { return with(exactCodes, v); }
  public E setMaxSeconds(double v) { return with(maxSeconds, v); }

  /** The settings of a fit with {@code atoms} atoms from these params; subclasses add their own. */
  AlternatingFit.Settings settings(String name, int atoms, boolean nonnegative) {
    AlternatingFit.Settings s = new AlternatingFit.Settings();
    s.name = name;
    s.atoms = atoms;
    s.nonnegative = nonnegative;
    s.maxIter = getMaxIter();
    s.tol = getTol();
    s.seed = getSeed();
    s.dictionarySweeps = getDictionarySweeps();
    s.exactCodes = getExactCodes();
    s.codeSweeps = getCodeSweeps();
    s.maxSeconds = getMaxSeconds();
    return s;
  }

  /**
   * Caches the rows in blocks, runs the alternating fit with {@code s} and the code solver {@code coder} gives for a
   * dictionary, and builds the model from the final dictionary through {@code model}.
   */
  M fitDictionary(FitInput input, AlternatingFit.Settings s, Function<DenseMatrix, SparseCoder> coder,
      DictionaryModel.Factory<M> model, Logger log) {
    int d = input.dim();
    JavaRDD<Block> blocks = AlternatingFit.cachedBlocks(InputColumn.internalRows(input.data(), input.column()),
        input.column(), d, getBlockSize(), s.nonnegative, s.name);
    log.info("{} fit: {} atoms, d={}, maxIter={}, params {}, partitions={}, column '{}'", s.name, s.atoms, d,
        getMaxIter(), paramsAsJson(this), blocks.getNumPartitions(), input.column());
    try {
      AlternatingFit.Fitted f = AlternatingFit.run(blocks, d, s, coder, log);
      long[] nz = f.nonzeros == null ? new long[s.atoms + 1] : f.nonzeros;
      M m = model.create(uid(), coder.apply(f.phi), f.objectives, nz, SparseCoder.EXACT_SWEEPS, CODE_TOL,
          provenance(input, f.rows));
      m.trace(f.roundSeconds, f.codeUpdates);
      log.info("{} fit done: {} rounds, objective per row {}, {} atoms replaced", s.name, f.objectives.length,
          f.objectives.length == 0 ? Double.NaN : f.objectives[f.objectives.length - 1], f.replaced);
      return m;
    } finally {
      blocks.unpersist(false);
    }
  }
}
