package io.sparkae.linear.pca;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.InputColumn;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.core.StageReader;
import io.sparkae.data.Block;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Principal component analysis, the orthogonal linear autoencoder: for rows x_1..x_n in R^d it finds the mean mu
 * and the k orthonormal directions W (d x k) that minimise the squared reconstruction error
 * {@code sum_i ||x_i - mu - W W^T (x_i - mu)||_2^2}, i.e. the top k eigenvectors of the sample covariance
 * {@code C = sum_i (x_i - mu)(x_i - mu)^T / (n - 1)} (Pearson 1901; Hotelling 1933).
 *
 * <p>Exact solver (d up to {@code randomizedThreshold}): one pass over the data in which each partition builds
 * mean and centred scatter from dense blocks with level-3 {@code dsyrk}, merged in partition order with a stable pairwise
 * update; then LAPACK {@code dsyevr} on the driver. Randomized solver (wider d, or on request): subspace iteration
 * on C (Halko, Martinsson, Tropp 2011, see {@link RandomizedPca}) in {@code powerIterations + 2} passes, never
 * building a d x d matrix and never densifying sparse rows.
 */
public final class PCA extends AutoencoderEstimator<PCAModel, PCA> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PCA.class);

  private final IntParam k;
  private final BooleanParam whiten;
  private final Param<String> solver;
  private final IntParam randomizedThreshold;
  private final IntParam oversampling;
  private final IntParam powerIterations;

  public PCA() {
    this(Identifiable.randomUID("sparkae-pca"));
  }

  @SuppressWarnings("unchecked")
  public PCA(String uid) {
    super(uid);
    k = new IntParam(this, "k", "number of principal components (>= 1, <= d and <= rows)", ParamValidators.gtEq(1));
    whiten = new BooleanParam(this, "whiten", "scale each code entry to unit variance (default: false)");
    solver = new Param<>(this, "solver", "exact, randomized, or auto: randomized when d > randomizedThreshold "
        + "(default: auto)", ParamValidators.inArray(new String[] {"auto", "exact", "randomized"}));
    randomizedThreshold = new IntParam(this, "randomizedThreshold",
        "with solver auto, the d above which the randomized solver is used (default: 2048)", ParamValidators.gtEq(1));
    oversampling = new IntParam(this, "oversampling", "extra basis vectors of the randomized solver (default: 10)",
        ParamValidators.gtEq(0));
    powerIterations = new IntParam(this, "powerIterations",
        "power (subspace) iterations of the randomized solver (default: 3)", ParamValidators.gtEq(0));
    setDefault(k, 2);
    setDefault(whiten, false);
    setDefault(solver, "auto");
    setDefault(randomizedThreshold, 2048);
    setDefault(oversampling, 10);
    setDefault(powerIterations, 3);
  }

  public IntParam k() { return k; }
  public BooleanParam whiten() { return whiten; }
  public Param<String> solver() { return solver; }
  public IntParam randomizedThreshold() { return randomizedThreshold; }
  public IntParam oversampling() { return oversampling; }
  public IntParam powerIterations() { return powerIterations; }
  public int getK() { return (Integer) getOrDefault(k); }
  public boolean getWhiten() { return (Boolean) getOrDefault(whiten); }
  public String getSolver() { return getOrDefault(solver); }
  public int getRandomizedThreshold() { return (Integer) getOrDefault(randomizedThreshold); }
  public int getOversampling() { return (Integer) getOrDefault(oversampling); }
  public int getPowerIterations() { return (Integer) getOrDefault(powerIterations); }
  public PCA setK(int v) { return with(k, v); }
  public PCA setWhiten(boolean v) { return with(whiten, v); }
  public PCA setSolver(String v) { return with(solver, v); }
  public PCA setRandomizedThreshold(int v) { return with(randomizedThreshold, v); }
  public PCA setOversampling(int v) { return with(oversampling, v); }
  public PCA setPowerIterations(int v) { return with(powerIterations, v); }

  /** Whether a fit on d features takes the randomized path. */
  public boolean usesRandomized(int d) {
    String s = getSolver();
    return s.equals("randomized") || (s.equals("auto") && d > getRandomizedThreshold());
  }

  @Override
  protected PCAModel train(FitInput input) {
    int d = input.dim();
    int kk = getK();
    input.requireAtMostDim("k", kk, "");
    JavaRDD<InternalRow> rows = InputColumn.internalRows(input.data(), input.column());
    boolean randomized = usesRandomized(d);
    LOG.info("PCA fit: k={}, d={}, solver={}, whiten={}, partitions={}, column '{}'", kk, d,
        randomized ? "randomized" : "exact", getWhiten(), rows.getNumPartitions(), input.column());
    Result r = randomized ? fitRandomized(rows, input.column(), d, kk) : fitExact(rows, input.column(), d, kk);
    PcaAutoencoder ae = new PcaAutoencoder(r.mean, r.eigen.vectors, r.eigen.values, getWhiten());
    PCAModel model = new PCAModel(uid(), ae, r.totalVariance, provenance(input, r.n));
    LOG.info("PCA fit done: {} rows, explained variance ratio of {} components {}", r.n, kk,
        String.format(Locale.ROOT, "%.4f", sum(model.explainedVarianceRatio())));
    return model;
  }

  private record Result(long n, double[] mean, SymmetricEigen eigen, double totalVariance) {}

  private Result fitExact(JavaRDD<InternalRow> rows, String column, int d, int kk) {
    int blockRows = getBlockSize();
    RoundLoop<InternalRow, Integer, CovarianceStats> loop = new RoundLoop<>(rows, getSeed(),
        (dim, it, ctx) -> covariance(it, new Blocker(column, dim, blockRows, false, ctx.partition()), dim),
        CovarianceStats::merge);
    CovarianceStats st = loop.round(d, 1);
    requireRows(st == null ? 0 : st.n, kk, column);
    DenseMatrix cov = st.covariance();
    double total = 0;
    for (int i = 0; i < d; i++) {
      total += cov.get(i, i);
    }
    return new Result(st.n, st.mean, SymmetricEigen.top(cov, kk), total);
  }

  private static CovarianceStats covariance(Iterator<InternalRow> it, Blocker blocker, int d) {
    Iterator<Block> blocks = blocker.blocks(RowCursor.ofInternalRows(it), true);
    if (!blocks.hasNext()) {
      return null;
    }
    CovarianceStats st = new CovarianceStats(d);
    double[] blockMean = new double[d];
    while (blocks.hasNext()) {
      Block b = blocks.next();
      st.addBlock(b.dense, b.size, blockMean);
    }
    return st;
  }

  private Result fitRandomized(JavaRDD<InternalRow> rows, String column, int d, int kk) {
    int blockRows = getBlockSize();
    int l = Math.min(d, kk + getOversampling());
    JavaRDD<Block> blocks = rows.mapPartitionsWithIndex(
        (p, it) -> new Blocker(column, d, blockRows, true, p).allBlocks(RowCursor.ofInternalRows(it)).iterator(),
        true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Pass 1: count and mean.
      RoundLoop<Block, Integer, double[]> meanLoop = new RoundLoop<>(blocks, getSeed(),
          (dim, it, ctx) -> RandomizedPca.sums(it, dim), PCA::addInto);
      double[] sums = meanLoop.round(d, 1);
      long n = sums == null ? 0 : (long) sums[0];
      requireRows(n, kk, column);
      double[] mean = new double[d];
      for (int i = 0; i < d; i++) {
        mean[i] = sums[1 + i] / n;
      }
      // Passes 2..q+2: Y = C Q, Q = orth(Y).
      int q = getPowerIterations();
      RoundLoop<Block, RandomizedPca.State, RandomizedPca.Product> loop = new RoundLoop<>(blocks, getSeed(),
          (s, it, ctx) -> RandomizedPca.product(s, it, d), RandomizedPca.Product::merge);
      DenseMatrix qt = RandomizedPca.initialBasis(d, l, Seeds.derive(getSeed(), "pca-omega"));
      double[] sumSquares = new double[1];
      DenseMatrix[] last = new DenseMatrix[2];
      // The scatter for the progress line until the last round computes it centred: sum ||x||^2 - n ||mu||^2.
      double muNorm2 = 0;
      for (double m : mean) {
        muNorm2 += m * m;
      }
      double scatter = sums[1 + d] - n * muNorm2;
      loop.run(new RandomizedPca.State(mean, qt, q == 0), q + 1, (s, prod, round) -> {
        sumSquares[0] = prod.sumSquares;
        last[0] = s.qt();
        last[1] = prod.yt;
        boolean done = round == q + 1;
        double captured = traceOf(s.qt(), prod.yt) / Math.max(1e-300, done ? prod.sumSquares : scatter);
        return new RoundLoop.Outcome<>(done ? s : new RandomizedPca.State(mean, RandomizedPca.nextBasis(prod.yt),
            round + 1 == q + 1), captured, false);
      }, LOG, "PCA randomized (captured variance ratio)", false);
      SymmetricEigen eig = RandomizedPca.ritz(last[0], last[1], kk, n);
      DenseMatrix w = DenseMatrix.multiply(last[0], true, eig.vectors, false);
      SymmetricEigen.fixSigns(w);
      return new Result(n, mean, withVectors(eig, w), sumSquares[0] / Math.max(1, n - 1));
    } finally {
      blocks.unpersist(false);
    }
  }

  /** trace(Q^T Y) = sum of the Rayleigh quotients: the scatter captured by the basis. */
  private static double traceOf(DenseMatrix qt, DenseMatrix yt) {
    double t = 0;
    for (int i = 0; i < qt.values.length; i++) {
      t += qt.values[i] * yt.values[i];
    }
    return t;
  }

  private static SymmetricEigen withVectors(SymmetricEigen e, DenseMatrix w) {
    return SymmetricEigen.of(e.values, w);
  }

  private static double[] addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  private static void requireRows(long n, int kk, String column) {
    if (n == 0) {
      throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
    }
    if (kk > n) {
      throw new IllegalArgumentException("k = " + kk + " is larger than the number of rows n = " + n);
    }
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  public static MLReader<PCA> read() { return StageReader.estimator(PCA.class); }
  public static PCA load(String path) { return read().load(path); }
}
