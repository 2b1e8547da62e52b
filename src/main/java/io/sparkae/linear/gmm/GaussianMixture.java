package io.sparkae.linear.gmm;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.core.StageReader;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.kmeans.KMeansModel;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gaussian mixture fit by expectation-maximisation (Dempster, Laird, Rubin 1977; Bishop 2006, section 9.2): for
 * rows x_1..x_n in R^d it looks for weights w, means mu_j and covariances Sigma_j (full, diagonal or spherical)
 * that maximise the log-likelihood
 * <pre>
 *   LL = sum_i log sum_j w_j N(x_i | mu_j, Sigma_j).
 * </pre>
 * The soft k-means: with spherical covariances shared and shrinking to 0 the responsibilities become k-means'
 * one-hot assignment.
 *
 * <p>Fit. One pass finds n, the mean and the feature variances; the rows are then cached as dense blocks centred on
 * the mean ({@link GmmBlock}). Initialisation: sparkae's {@link KMeans} (k-means||, Lloyd) gives k centres, and one
 * hard M step (each row to its nearest centre) gives the initial weights, means and covariances. Then EM rounds
 * on {@link RoundLoop}: the model is broadcast, each partition computes log densities (Cholesky factors, one
 * triangular solve per block and component, or one gemm per block for diagonal and spherical covariances),
 * log-sum-exp responsibilities and the sufficient statistics ({@link EmStats}), merged in partition order; the
 * driver's M step sets {@code w_j = N_j / n}, {@code mu_j = sum_i r_ij x_i / N_j} and
 * {@code Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j + reg_abs I}, with
 * {@code reg_abs = reg * (mean feature variance of the data)} (relative, so that the fit does not depend on the
 * data's units; default reg 1e-6, as scikit-learn's absolute reg_covar on standardised data). The fit stops after
 * {@code maxIter} rounds or when the mean log-likelihood per row rises by less than {@code tol} nats (default
 * 1e-6). A component that gets less than one row's worth of responsibility is re-seeded at the row the mixture
 * explains worst (lowest log p(x)) with the data's variances, and logged. A covariance that is not positive
 * definite after regularisation stops the fit with an error naming the component. A last pass computes the final
 * model's log-likelihood. Same seed, same model: the partition results merge in partition order.
 */
public final class GaussianMixture extends IterativeEstimator<GaussianMixtureModel, GaussianMixture> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GaussianMixture.class);
  /** The largest k d^2 of full covariances: 2^25 doubles (256 MB broadcast each round). */
  static final long MAX_FULL_ENTRIES = 1L << 25;

  private final IntParam k;
  private final Param<String> covariance;
  private final DoubleParam reg;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  /**
   * A given initial model in place of k-means and the hard M step (tests: a start that surely leaves a component
   * empty); not a Param, so neither saved nor copied.
   */
  private transient GmmAutoencoder initialModel;

  public GaussianMixture() {
    this(Identifiable.randomUID("sparkae-gmm"));
  }

  @SuppressWarnings("unchecked")
  public GaussianMixture(String uid) {
    super(uid);
    k = new IntParam(this, "k", "number of components (>= 1; default: 2)", ParamValidators.gtEq(1));
    covariance = new Param<>(this, "covariance", "covariance shape: full, diag or spherical (default: full)",
        ParamValidators.inArray(new String[] {"full", "diag", "spherical"}));
    reg = new DoubleParam(this, "reg", "added to each covariance's diagonal, relative to the data's mean feature "
        + "variance (>= 0; default: 1e-6)", ParamValidators.gtEq(0));
    predictionCol = GmmParams.predictionCol(this);
    probabilityCol = GmmParams.probabilityCol(this);
    setDefault(k, 2);
    setDefault(covariance, "full");
    setDefault(reg, 1e-6);
    setDefault(maxIter(), 100);
    setDefault(tol(), 1e-6);
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
  }

  public IntParam k() { return k; }
  public Param<String> covariance() { return covariance; }
  public DoubleParam reg() { return reg; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }
  public int getK() { return (Integer) getOrDefault(k); }
  public String getCovariance() { return getOrDefault(covariance); }
  public double getReg() { return (Double) getOrDefault(reg); }
  public String getPredictionCol() { return getOrDefault(predictionCol); }
  public String getProbabilityCol() { return getOrDefault(probabilityCol); }
  public GaussianMixture setK(int v) { return with(k, v); }
  public GaussianMixture setCovariance(String v) { return with(covariance, v); }
  public GaussianMixture setReg(double v) { return with(reg, v); }
  public GaussianMixture setPredictionCol(String v) { return with(predictionCol, v); }
  public GaussianMixture setProbabilityCol(String v) { return with(probabilityCol, v); }

  /** EM starts from {@code m} (its covariance type must be this estimator's); package-private, for tests. */
  GaussianMixture withInitialModel(GmmAutoencoder m) {
    initialModel = m;
    return this;
  }

  @Override
  protected StructType validateAndTransformSchema(StructType schema) {
    InputColumn.requireVector(schema, getInputCol());
    StructType out = schema;
    String[][] cols = {{getOutputCol(), "output"}, {getPredictionCol(), "prediction"},
        {getProbabilityCol(), "probability"}};
    for (String[] c : cols) {
      InputColumn.requireAbsent(out, c[0], c[1]);
      if (!c[0].isEmpty()) {
        out = out.add(c[0], c[1].equals("prediction") ? DataTypes.IntegerType : SQLDataTypes.VectorType(), false);
      }
    }
    return out;
  }

  @Override
  protected GaussianMixtureModel train(FitInput input) {
    int d = input.dim();
    int kk = getK();
    CovarianceType type = CovarianceType.of(getCovariance());
    String column = input.column();
    if (type == CovarianceType.FULL && (long) kk * d * d > MAX_FULL_ENTRIES) {
      throw new IllegalArgumentException("covariance=full with k = " + kk + " and d = " + d + " needs k d^2 = "
          + (long) kk * d * d + " covariance entries, more than the limit " + MAX_FULL_ENTRIES
          + "; use covariance=diag (k d = " + (long) kk * d + ") or reduce d (e.g. by PCA)");
    }
    int blockRows = getBlockSize();
    JavaRDD<InternalRow> rows = InputColumn.internalRows(input.data(), column);
    RoundLoop<InternalRow, Integer, Moments> momentLoop = new RoundLoop<>(rows, getSeed(),
        (dim, it, ctx) -> Moments.of(new Blocker(column, dim, blockRows, false, ctx.partition())
            .blocks(RowCursor.ofInternalRows(it), true), dim), Moments::merge);
    Moments moments = momentLoop.round(d, 1);
    long n = moments == null ? 0 : moments.n;
    if (n == 0) {
      throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
    }
    if (kk > n) {
      throw new IllegalArgumentException("k = " + kk + " is larger than the number of rows n = " + n
          + " in input column '" + column + "'");
    }
    double[] center = moments.mean;
    double regAbs = getReg() * moments.meanVariance();
    LOG.info("Gaussian mixture fit: k={}, covariance={}, rows={}, d={}, reg={} (absolute {}), maxIter={}, tol={}, "
        + "seed={}, column '{}'", kk, getCovariance(), n, d, getReg(), regAbs, getMaxIter(), getTol(), getSeed(),
        column);
    if (initialModel != null && (initialModel.codeSize() != kk || initialModel.inputSize() != d
        || initialModel.covarianceType() != type)) {
      throw new IllegalArgumentException("initial model: k = " + initialModel.codeSize() + ", d = "
          + initialModel.inputSize() + ", covariance " + initialModel.covarianceType() + "; expected k = " + kk
          + ", d = " + d + ", covariance " + type);
    }
    DenseMatrix centers = initialModel != null ? initialModel.means() : kMeansCenters(input.data(), column, kk,
        blockRows);
    for (int j = 0; j < kk; j++) {
      for (int t = 0; t < d; t++) {
        centers.values[j * d + t] -= center[t];
      }
    }
    JavaRDD<GmmBlock> blocks = rows.mapPartitionsWithIndex((p, it) -> GmmBlock.of(
        new Blocker(column, d, blockRows, false, p).blocks(RowCursor.ofInternalRows(it), false), center, type), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      MStep mStep = new MStep(type, regAbs, moments.variances(), LOG);
      GmmAutoencoder start;
      if (initialModel != null) {
        start = new GmmAutoencoder(type, initialModel.weights(), centers, initialModel.covariances());
      } else {
        // The initial M step: hard assignment to the nearest k-means centre (a spherical model with equal weights
        // and variances has exactly that argmax).
        double[] equal = new double[kk];
        Arrays.fill(equal, 1.0 / kk);
        DenseMatrix unit = new DenseMatrix(1, kk);
        Arrays.fill(unit.values, 1.0);
        GmmAutoencoder nearest = new GmmAutoencoder(CovarianceType.SPHERICAL, equal, centers, unit);
        RoundLoop<GmmBlock, GmmAutoencoder, EmStats> hardLoop = new RoundLoop<>(blocks, getSeed(),
            (s, it, ctx) -> EmStats.of(s, type, true, it), EmStats::merge);
        start = mStep.apply(nearest, hardLoop.round(nearest, 0), 0);
      }
      RoundLoop<GmmBlock, GmmAutoencoder, EmStats> loop = new RoundLoop<>(blocks, getSeed(),
          (s, it, ctx) -> EmStats.of(s, type, false, it), EmStats::merge);
      double tol = getTol();
      double[] previous = {Double.NaN};
      RoundLoop.Result<GmmAutoencoder> r = loop.run(start, getMaxIter(), (s, st, round) -> {
        double ll = st.logLikelihood / st.rows;
        boolean converged = !Double.isNaN(previous[0]) && Math.abs(ll - previous[0]) <= tol;
        previous[0] = ll;
        return new RoundLoop.Outcome<>(converged ? s : mStep.apply(s, st, round), ll, converged);
      }, LOG, "Gaussian mixture EM (log-likelihood per row)", getMaxIter() > 0);
      // A converged round keeps its state (its log-likelihood is the last value); otherwise one more pass scores
      // the last M step's model.
      double[] history = r.objectives();
      EmStats fin = loop.round(r.state(), r.rounds() + 1);
      double finalTotal = fin.logLikelihood;
      if (!r.converged()) {
        history = Arrays.copyOf(history, history.length + 1);
        history[history.length - 1] = finalTotal / n;
      }
      GmmAutoencoder shifted = r.state();
      DenseMatrix means = shifted.means();
      for (int j = 0; j < kk; j++) {
        for (int t = 0; t < d; t++) {
          means.values[j * d + t] += center[t];
        }
      }
      GmmAutoencoder ae = new GmmAutoencoder(type, shifted.weights(), means, shifted.covariances());
      GaussianMixtureModel model = new GaussianMixtureModel(uid(), ae, history, r.converged(), finalTotal, fin.counts,
          provenance(input, n));
      LOG.info("Gaussian mixture fit done: {} rounds, converged={}, log-likelihood {} ({} per row), BIC {}",
          r.rounds(), r.converged(), String.format(Locale.ROOT, "%.6g", finalTotal),
          String.format(Locale.ROOT, "%.6g", finalTotal / n), String.format(Locale.ROOT, "%.6g", model.bic()));
      return model;
    } finally {
      blocks.unpersist(false);
    }
  }

  private DenseMatrix kMeansCenters(Dataset<?> data, String column, int kk, int blockRows) {
    KMeansModel km = new KMeans().setK(kk).setSeed(Seeds.derive(getSeed(), "gmm-kmeans")).setInputCol(column)
        .setOutputCol("").setPredictionCol("").setBlockSize(blockRows).fit(data);
    return km.centers();
  }

  public static MLReader<GaussianMixture> read() { return StageReader.estimator(GaussianMixture.class); }
  public static GaussianMixture load(String path) { return read().load(path); }
}
