package io.sparkae.linear.kmeans;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.core.PartitionStore;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.core.StageReader;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import java.util.Iterator;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * k-means, the autoencoder whose code is one-hot: for rows x_1..x_n in R^d it looks for k centers
 * C = [c_1 .. c_k] (d x k) minimising the within-cluster sum of squares
 * <pre>
 *   J(C) = sum_i min_j ||x_i - c_j||_2^2      (||.||_2 the Euclidean norm)
 * </pre>
 * (Lloyd 1957/1982; MacQueen 1967). Encoder: the one-hot code of the nearest center; decoder: the center; loss:
 * the squared distance.
 *
 * <p>Fit. The rows are stacked into dense column-major blocks (d x a few thousand) with their squared norms
 * ({@link PointBlock}) and cached (MEMORY_AND_DISK) for the fit, whether or not the input DataFrame is cached.
 * Initialisation ({@link KMeansInit}): "k-means||" (Bahmani et al. 2012, "Scalable k-means++", with
 * {@code initSteps} rounds, oversampling l = 2k, and greedy k-means++ on the weighted candidates; default),
 * "random", or "given" centers ({@link #setInitialCenters}). Then rounds on {@link RoundLoop}: the centers are
 * broadcast, each partition finds the nearest center of every row with one gemm per block,
 * {@code ||x||^2 - 2 C^T x + ||c||^2} ({@link NearestCenter}), and returns per-cluster sums, counts and cost, which
 * are merged in partition order; the driver moves the centers:
 * <ul>
 *   <li>algorithm "lloyd" (default): every center to the mean of its rows; J never increases;</li>
 *   <li>algorithm "minibatch" (Sculley 2010, "Web-scale k-means clustering"): each round uses a seeded Bernoulli
 *   sample of {@code batchFraction} of each partition, and each center moves towards its batch rows with the
 *   per-center learning rate 1/(rows ever assigned to it).</li>
 * </ul>
 * The fit stops after {@code maxIter} rounds (default 300) or when no center moved more than {@code tol} (squared
 * distances are compared with tol^2, as MLlib does; default tol 1e-4 as MLlib). With {@code restarts} r > 1 the
 * initialisation and rounds run r times, run i from a seed derived from (seed, i) (run 0 from seed itself, so
 * restarts 1 is the plain fit), and the model of lowest training cost is kept. An empty cluster takes the row farthest from its
 * center in that round. A last pass computes the training cost and cluster sizes of the final centers.
 * Randomness comes only from {@code seed}, per (round, partition); partition results merge in double-double, so
 * the same seed gives the same centers whatever the scheduling.
 */
public final class KMeans extends IterativeEstimator<KMeansModel, KMeans> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(KMeans.class);

  private final IntParam k;
  private final Param<String> initMode;
  private final IntParam initSteps;
  private final DoubleArrayArrayParam initialCenters;
  private final Param<String> algorithm;
  private final DoubleParam batchFraction;
  private final Param<String> predictionCol;
  private final Param<String> distanceCol;
  private final BooleanParam bounds;
  private final IntParam restarts;
  private final Param<String> weightCol;
  private final Param<String> distanceMeasure;

  /**
   * Sparse rows of at least this many features stay in CSR blocks (never densified); narrower sparse rows are
   * densified, where the dense gemm is faster than k multiply-adds per nonzero.
   */
  static final int SPARSE_MIN_DIM = Integer.getInteger("sparkae.kmeans.sparseMinDim", 256);

  public KMeans() {
    this(Identifiable.randomUID("sparkae-kmeans"));
  }

  @SuppressWarnings("unchecked")
  public KMeans(String uid) {
    super(uid);
    k = new IntParam(this, "k", "number of clusters (>= 1, at most the number of distinct rows; default: 2)",
        ParamValidators.gtEq(1));
    initMode = new Param<>(this, "initMode", "k-means||, random, or given (the initialCenters; set by "
        + "setInitialCenters) (default: k-means||)", ParamValidators.inArray(new String[] {"k-means||", "random",
            "given"}));
    initSteps = new IntParam(this, "initSteps", "oversampling rounds of k-means|| (>= 1, default: 2)",
        ParamValidators.gtEq(1));
    initialCenters = new DoubleArrayArrayParam(this, "initialCenters",
        "initial centers, one array of d values per cluster, used with initMode given");
    algorithm = new Param<>(this, "algorithm", "lloyd (full passes) or minibatch (Sculley 2010) (default: lloyd)",
        ParamValidators.inArray(new String[] {"lloyd", "minibatch"}));
    batchFraction = new DoubleParam(this, "batchFraction",
        "fraction of each partition sampled per mini-batch round, in (0, 1] (default: 0.1)",
        ParamValidators.inRange(0.0, 1.0, false, true));
    predictionCol = KMeansParams.predictionCol(this);
    distanceCol = KMeansParams.distanceCol(this);
    bounds = new BooleanParam(this, "bounds", "Lloyd: skip the distances that triangle-inequality bounds (Hamerly "
        + "2010; one per center, Elkan 2003, when k <= 32 and k <= d) show cannot change a row's center; the same "
        + "model, fewer distances (default: true)");
    restarts = new IntParam(this, "restarts", "runs from different seeds (run 0 from seed, run r from seed and r), "
        + "the one of lowest training cost kept (>= 1, default: 1)", ParamValidators.gtEq(1));
    weightCol = new Param<>(this, "weightCol", "column of row weights (numeric, finite, >= 0): weighted Lloyd, "
        + "k-means|| and mini-batch, cost sum w ||x - c||^2; empty for none (default: empty)");
    distanceMeasure = new Param<>(this, "distanceMeasure", "euclidean, or cosine (spherical k-means: rows and "
        + "centers scaled to unit norm, cost sum w (1 - cos), as MLlib's) (default: euclidean)",
        ParamValidators.inArray(new String[] {"euclidean", "cosine"}));
    setDefault(weightCol, "");
    setDefault(distanceMeasure, "euclidean");
    setDefault(restarts, 1);
    // Lloyd usually stops on tol well before this (each late round is cheap with bounds); MLlib's 20 stops many
    // fits before they converge.
    setDefault(maxIter(), 300);
    setDefault(bounds, true);
    setDefault(k, 2);
    setDefault(initMode, "k-means||");
    setDefault(initSteps, 2);
    setDefault(algorithm, "lloyd");
    setDefault(batchFraction, 0.1);
    setDefault(tol(), 1e-4);
    setDefault(predictionCol, "prediction");
    setDefault(distanceCol, "");
  }

  public IntParam k() { return k; }
  public Param<String> initMode() { return initMode; }
  public IntParam initSteps() { return initSteps; }
  public DoubleArrayArrayParam initialCenters() { return initialCenters; }
  public Param<String> algorithm() { return algorithm; }
  public DoubleParam batchFraction() { return batchFraction; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> distanceCol() { return distanceCol; }
  public BooleanParam bounds() { return bounds; }
  public IntParam restarts() { return restarts; }
  public Param<String> weightCol() { return weightCol; }
  public Param<String> distanceMeasure() { return distanceMeasure; }
  public String getWeightCol() { return getOrDefault(weightCol); }
  public KMeans setWeightCol(String v) { return with(weightCol, v); }
  public String getDistanceMeasure() { return getOrDefault(distanceMeasure); }
  public KMeans setDistanceMeasure(String v) { return with(distanceMeasure, v); }
  public int getRestarts() { return (Integer) getOrDefault(restarts); }
  public KMeans setRestarts(int v) { return with(restarts, v); }
  public boolean getBounds() { return (Boolean) getOrDefault(bounds); }
  public KMeans setBounds(boolean v) { return with(bounds, v); }
  public int getK() { return (Integer) getOrDefault(k); }
  public String getInitMode() { return getOrDefault(initMode); }
  public int getInitSteps() { return (Integer) getOrDefault(initSteps); }

  /** The initial centers (k arrays of d values, copies), or null when none were given. */
  public double[][] getInitialCenters() {
    if (!isDefined(initialCenters)) {
      return null;
    }
    double[][] c = getOrDefault(initialCenters);
    double[][] out = new double[c.length][];
    for (int j = 0; j < c.length; j++) {
      out[j] = c[j].clone();
    }
    return out;
  }

  public String getAlgorithm() { return getOrDefault(algorithm); }
  public double getBatchFraction() { return (Double) getOrDefault(batchFraction); }
  public String getPredictionCol() { return getOrDefault(predictionCol); }
  public String getDistanceCol() { return getOrDefault(distanceCol); }
  public KMeans setK(int v) { return with(k, v); }
  public KMeans setInitMode(String v) { return with(initMode, v); }
  public KMeans setInitSteps(int v) { return with(initSteps, v); }

  /**
   * Starts the fit from these centers, one array of d values per cluster: sets initialCenters, initMode "given" and
   * k = centers.length.
   */
  public KMeans setInitialCenters(double[][] centers) {
    if (centers == null || centers.length == 0) {
      throw new IllegalArgumentException("initial centers: at least one center is needed");
    }
    double[][] copy = new double[centers.length][];
    for (int j = 0; j < centers.length; j++) {
      copy[j] = centers[j] == null ? null : centers[j].clone();
    }
    set(initialCenters, copy);
    set(initMode, "given");
    return setK(centers.length);
  }

  /** Starts the fit from the columns of {@code centers} (d x k); see {@link #setInitialCenters(double[][])}. */
  public KMeans setInitialCenters(DenseMatrix centers) {
    double[][] rows = new double[centers.cols][];
    for (int j = 0; j < centers.cols; j++) {
      rows[j] = centers.column(j);
    }
    return setInitialCenters(rows);
  }

  public KMeans setAlgorithm(String v) { return with(algorithm, v); }
  public KMeans setBatchFraction(double v) { return with(batchFraction, v); }
  public KMeans setPredictionCol(String v) { return with(predictionCol, v); }
  public KMeans setDistanceCol(String v) { return with(distanceCol, v); }

  @Override
  protected StructType validateAndTransformSchema(StructType schema) {
    InputColumn.requireVector(schema, getInputCol());
    if (!getWeightCol().isEmpty()) {
      InputColumn.requireNumeric(schema, getWeightCol(), "weight");
    }
    boolean given = getInitMode().equals("given");
    if (given && !isDefined(initialCenters)) {
      throw new IllegalArgumentException("initMode 'given' needs initial centers: call setInitialCenters");
    }
    if (!given && isDefined(initialCenters)) {
      throw new IllegalArgumentException("initialCenters are set but initMode is '" + getInitMode()
          + "'; use initMode 'given' to start from them");
    }
    if (given && getOrDefault(initialCenters).length != getK()) {
      throw new IllegalArgumentException("initialCenters holds " + getOrDefault(initialCenters).length
          + " centers but k = " + getK());
    }
    StructType out = schema;
    String[][] cols = {{getOutputCol(), "output"}, {getPredictionCol(), "prediction"}, {getDistanceCol(), "distance"}};
    for (String[] c : cols) {
      InputColumn.requireAbsent(out, c[0], c[1]);
      if (!c[0].isEmpty()) {
        out = out.add(c[0], c[1].equals("output") ? SQLDataTypes.VectorType()
            : c[1].equals("prediction") ? DataTypes.IntegerType : DataTypes.DoubleType, false);
      }
    }
    return out;
  }

  @Override
  protected KMeansModel train(FitInput input) {
    int d = input.dim();
    String column = input.column();
    int blockRows = getBlockSize();
    String weights = getWeightCol();
    boolean cosine = isCosine();
    boolean sparseWhenWide = d >= SPARSE_MIN_DIM;
    JavaRDD<InternalRow> rows = weights.isEmpty() ? InputColumn.internalRows(input.data(), column)
        : input.data().select(functions.col(column), functions.col(weights).cast(DataTypes.DoubleType))
            .queryExecution().toRdd().toJavaRDD();
    JavaRDD<PointBlock> blocks = rows.mapPartitionsWithIndex((p, it) -> {
      WeightTap tap = weights.isEmpty() ? null : new WeightTap(it, weights, p);
      Iterator<InternalRow> source = tap == null ? it : tap;
      return PointBlock.of(new Blocker(column, d, blockRows, sparseWhenWide, p).blocks(
          RowCursor.ofInternalRows(source), false), tap, cosine, column, p);
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Build and cache the blocks (and count the rows) before anything else, so that init is timed on its own.
      // {rows, rows in sparse blocks}
      long[] counted = blocks.map(b -> new long[] {b.size, b.sparse() ? b.size : 0})
          .fold(new long[2], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      long n = counted[0];
      if (n == 0) {
        throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
      }
      boolean sparse = counted[1] > 0;
      if (sparse && getAlgorithm().equals("minibatch")) {
        throw new IllegalArgumentException("algorithm 'minibatch' needs dense rows, but input column '" + column
            + "' holds sparse vectors of size " + d + " (kept sparse from size " + SPARSE_MIN_DIM
            + "); use algorithm 'lloyd'");
      }
      if (sparse) {
        LOG.info("k-means: {} of {} rows in sparse (CSR) blocks, never densified; distance bounds off", counted[1], n);
      }
      KMeansModel best = null;
      for (int run = 0; run < getRestarts(); run++) {
        // Run 0 is the fit with one run; each other run has its own seed, derived from (seed, run).
        long seed = run == 0 ? getSeed() : Seeds.derive(getSeed(), "k-means restart " + run);
        KMeansModel m = fitOnce(input, blocks, n, seed, sparse);
        if (getRestarts() > 1) {
          LOG.info("k-means run {} of {} (seed {}): training cost {}", run + 1, getRestarts(), seed,
              String.format(Locale.ROOT, "%.10g", m.summary().trainingCost()));
        }
        if (best == null || m.summary().trainingCost() < best.summary().trainingCost()) {
          best = m;
        }
      }
      KMeansModel model = best;
      return model;
    } finally {
      blocks.unpersist(false);
    }
  }

  /** One k-means|| (or random, or given) initialisation and its rounds, randomness from {@code seed} only. */
  private KMeansModel fitOnce(FitInput input, JavaRDD<PointBlock> blocks, long n, long seed, boolean sparse) {
    int d = input.dim();
    int kk = getK();
    String column = input.column();
    long t0 = System.nanoTime();
    KMeansInit.Result init = KMeansInit.initialize(blocks, d, kk, getInitMode(), getInitSteps(),
        isDefined(initialCenters) ? getOrDefault(initialCenters) : null, seed, column, LOG, isCosine());
    double initSeconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("k-means fit: k={}, rows={}, d={}, algorithm={}, initMode={}, initSteps={}, maxIter={}, tol={}, "
        + "batchFraction={}, distance={}, weights={}, seed={}, partitions={}, column '{}'; initialisation took {} s",
        kk, n, d, getAlgorithm(), getInitMode(), getInitSteps(), getMaxIter(), getTol(), getBatchFraction(),
        getDistanceMeasure(), getWeightCol().isEmpty() ? "none" : "'" + getWeightCol() + "'", seed,
        blocks.getNumPartitions(), column, String.format(Locale.ROOT, "%.2f", initSeconds));
    RoundLoop.Result<KMeansState> r = getAlgorithm().equals("minibatch")
        ? miniBatch(blocks, new KMeansState(init.centers), seed)
        : lloyd(blocks, init.centers, seed, sparse);
    RoundLoop<PointBlock, KMeansState, ClusterStats> last = new RoundLoop<>(blocks, seed,
        (s, it, ctx) -> ClusterStats.of(s, it, ctx.partition(), false, 0), ClusterStats::merge);
    ClusterStats fin = last.round(r.state(), r.rounds() + 1);
    double scale = costScale();
    double[] objectives = r.objectives().clone();
    for (int i = 0; i < objectives.length; i++) {
      objectives[i] *= scale;
    }
    KMeansSummary summary = new KMeansSummary(objectives, r.converged(), fin.totalCost() * scale, fin.counts,
        initSeconds);
    KMeansModel model = new KMeansModel(uid(), new KMeansAutoencoder(r.state().centers, isCosine()), summary,
        provenance(input, fin.rows));
    LOG.info("k-means fit done: {} rounds, converged={}, training cost {}, cluster sizes {} to {}", r.rounds(),
        r.converged(), String.format(Locale.ROOT, "%.6g", fin.totalCost() * scale), min(fin.counts),
        max(fin.counts));
    return model;
  }

  /**
   * The centers' move that counts as converged, in squared Euclidean distance: tol^2 (as MLlib); for the cosine
   * distance, MLlib's test {@code 1 - cos(old, new) <= tol}, which for unit centers is {@code ||old - new||^2 <= 2 tol}.
   */
  private double convergedMove2() {
    return isCosine() ? 2 * getTol() : getTol() * getTol();
  }

  /** Squared Euclidean distances between unit vectors are twice their cosine distance. */
  private double costScale() {
    return isCosine() ? 0.5 : 1.0;
  }

  private boolean isCosine() {
    return getDistanceMeasure().equals("cosine");
  }

  /** Lloyd rounds; distance bounds (when asked for) only on dense blocks. */
  private RoundLoop.Result<KMeansState> lloyd(JavaRDD<PointBlock> blocks, DenseMatrix start, long seed,
      boolean sparse) {
    int far = Math.min(getK(), 16);
    double tol2 = convergedMove2();
    boolean cosine = isCosine();
    String fit = getBounds() && !sparse ? UUID.randomUUID().toString() : null;
    RoundLoop<PointBlock, KMeansState, ClusterStats> loop = new RoundLoop<>(blocks, seed,
        (s, it, ctx) -> s.fit == null ? ClusterStats.of(s, it, ctx.partition(), true, far)
            : BoundedRound.of(s, it, ctx), ClusterStats::merge);
    // A bounded round tracks no farthest rows: when a cluster is empty, one full round finds them.
    RoundLoop<PointBlock, KMeansState, ClusterStats> farthest = new RoundLoop<>(blocks, seed,
        (s, it, ctx) -> ClusterStats.of(s, it, ctx.partition(), false, far), ClusterStats::merge);
    long[] work = new long[2];
    try {
      RoundLoop.Result<KMeansState> r = loop.run(new KMeansState(start, fit, null), getMaxIter(), (s, st, round) -> {
        work[0] += st.distances;
        work[1] += st.rows * s.k();
        if (fit != null && st.assigned() > 0 && hasEmpty(st.counts)) {
          st.farthest = farthest.round(s, round).farthest;
        }
        CenterUpdate u = CenterUpdate.lloyd(s.centers, st, round, LOG, cosine);
        return new RoundLoop.Outcome<>(new KMeansState(u.centers, fit, s.centers), st.totalCost(),
            u.maxMove2 <= tol2);
      }, LOG, "k-means (Lloyd)", getMaxIter() > 0);
      if (fit != null && work[1] > 0) {
        LOG.info("k-means (Lloyd): {}% of the row-center distances computed over {} rounds; the bounds ruled out "
            + "the rest", String.format(Locale.ROOT, "%.1f", 100.0 * work[0] / work[1]), r.rounds());
      }
      return r;
    } finally {
      if (fit != null) {
        blocks.foreachPartition(it -> PartitionStore.dropFit(fit));
      }
    }
  }

  private static boolean hasEmpty(long[] counts) {
    for (long c : counts) {
      if (c == 0) {
        return true;
      }
    }
    return false;
  }

  private RoundLoop.Result<KMeansState> miniBatch(JavaRDD<PointBlock> blocks, KMeansState start, long seed) {
    int far = Math.min(getK(), 16);
    double tol2 = convergedMove2();
    boolean cosine = isCosine();
    double fraction = getBatchFraction();
    double[] seen = new double[getK()];
    RoundLoop<PointBlock, KMeansState, ClusterStats> loop = new RoundLoop<>(blocks, seed,
        (s, it, ctx) -> MiniBatchStep.of(s, it, ctx.partition(), ctx.seed(), fraction, far), ClusterStats::merge);
    return loop.run(start, getMaxIter(), (s, st, round) -> {
      CenterUpdate u = CenterUpdate.miniBatch(s.centers, st, seen, round, LOG, cosine);
      long batch = st.assigned();
      double estimate = batch > 0 ? st.totalCost() * st.rows / batch : Double.NaN;
      return new RoundLoop.Outcome<>(new KMeansState(u.centers), estimate, u.maxMove2 <= tol2);
    }, LOG, "k-means (mini-batch, estimated cost)", getMaxIter() > 0);
  }

  private static long min(long[] v) {
    long m = Long.MAX_VALUE;
    for (long x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  private static long max(long[] v) {
    long m = 0;
    for (long x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  public static MLReader<KMeans> read() { return StageReader.estimator(KMeans.class); }
  public static KMeans load(String path) { return read().load(path); }
}
