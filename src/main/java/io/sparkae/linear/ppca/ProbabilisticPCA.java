package io.sparkae.linear.ppca;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.StageReader;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probabilistic PCA (Tipping and Bishop 1999, JRSS B 61(3)): {@code x = W z + mu + e}, {@code z ~ N(0, I_k)},
 * {@code e ~ N(0, s2 I_d)}, fit by maximum likelihood of {@code sum_n log N(x_n; mu, W W^T + s2 I)}.
 *
 * <p>Complete data ({@code missing=false}, the default): the closed form from the eigen-decomposition of the
 * maximum-likelihood covariance {@code S = sum_n (x_n - mu)(x_n - mu)^T / n}, computed by sparkae's {@link PCA}
 * (exact, or randomized for wide data): {@code s2 = (trace S - sum_{j <= k} lambda_j) / (d - k)},
 * {@code W = U_k (L_k - s2 I)^(1/2)} (eq. 7-8). One pass, or PCA's randomized passes; no EM. NaN is an error.
 *
 * <p>Missing entries ({@code missing=true}: NaN marks a missing entry): EM on the observed-data likelihood
 * ({@link EmStep}), one {@link RoundLoop} round per iteration over cached blocks, started from the closed form
 * on the mean-imputed data, stopped when the relative change of the log-likelihood falls below {@code tol} or after
 * {@code maxIter} rounds (parameter-expanded EM, Liu, Rubin and Wu 1998: about ten rounds where plain EM takes a
 * thousand). The model keeps the parameters whose log-likelihood the last round measured. W is then
 * rotated to orthogonal columns of decreasing norm (the likelihood does not change). Such a model reads NaN as
 * missing in transform and evaluate too (see {@link PpcaAutoencoder}); a closed-form model refuses NaN.
 */
public final class ProbabilisticPCA extends IterativeEstimator<ProbabilisticPCAModel, ProbabilisticPCA> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ProbabilisticPCA.class);

  private final IntParam k;
  private final BooleanParam missing;

  public ProbabilisticPCA() {
    this(Identifiable.randomUID("sparkae-ppca"));
  }

  public ProbabilisticPCA(String uid) {
    super(uid);
    k = new IntParam(this, "k", "latent dimensions (>= 1, < d and <= rows) (default: 2)", ParamValidators.gtEq(1));
    missing = new BooleanParam(this, "missing", "read NaN as a missing entry and fit by EM (default: false: NaN is "
        + "an error)");
    setDefault(k, 2);
    setDefault(missing, false);
    setDefault(maxIter(), 200);
    setDefault(tol(), 1e-7);
  }

  public IntParam k() { return k; }
  public BooleanParam missing() { return missing; }
  public int getK() { return (Integer) getOrDefault(k); }
  public boolean getMissing() { return (Boolean) getOrDefault(missing); }
  public ProbabilisticPCA setK(int v) { return with(k, v); }
  public ProbabilisticPCA setMissing(boolean v) { return with(missing, v); }

  @Override
  protected ProbabilisticPCAModel train(FitInput input) {
    int d = input.dim();
    int kk = getK();
    if (kk >= d) {
      throw new IllegalArgumentException("k = " + kk + " must be smaller than the number of features d = " + d
          + " in column '" + input.column() + "' (probabilistic PCA estimates the noise variance from the "
          + "remaining d - k directions)");
    }
    LOG.info("probabilistic PCA fit: k={}, d={}, missing={}, column '{}'", kk, d, getMissing(), input.column());
    return getMissing() ? fitEm(input, d, kk) : fitClosedForm(input, kk);
  }

  private PCA pca(String column, int kk) {
    return new PCA().setK(kk).setInputCol(column).setSeed(getSeed()).setBlockSize(getBlockSize());
  }

  private ProbabilisticPCAModel fitClosedForm(FitInput input, int kk) {
    PCAModel p;
    try {
      p = pca(input.column(), kk).fit(input.data());
    } catch (IllegalArgumentException e) {
      throw withMissingHint(e);
    }
    long n = p.provenance().rows();
    PpcaAutoencoder ae = fromPca(p, n);
    double ll = closedFormLogLikelihood(ae, p.explainedVariance(), n);
    LOG.info("probabilistic PCA fit done: {} rows, s2 = {}, log-likelihood per row {}", n, ae.noiseVariance(), ll);
    return new ProbabilisticPCAModel(uid(), ae, ll, new double[0], null, provenance(input, n));
  }

  /** PCA's eigenvalues and trace use n - 1; maximum likelihood uses n. */
  private static PpcaAutoencoder fromPca(PCAModel p, long n) {
    double scale = (n - 1.0) / n;
    double[] lambda = p.explainedVariance();
    for (int j = 0; j < lambda.length; j++) {
      lambda[j] *= scale;
    }
    return PpcaAutoencoder.maximumLikelihood(p.mean(), p.components(), lambda, p.totalVariance() * scale);
  }

  /**
   * At the maximum, {@code tr(C^-1 S) = d}, so the log-likelihood per row is
   * {@code -(d log 2 pi + sum_{j <= k} log lambda_j + (d - k) log s2 + d) / 2} with lambda the ML eigenvalues.
   */
  private static double closedFormLogLikelihood(PpcaAutoencoder ae, double[] pcaVariances, long n) {
    int d = ae.inputSize();
    int kk = ae.codeSize();
    double s = -(d * Math.log(2 * Math.PI) + (d - kk) * Math.log(ae.noiseVariance()) + d);
    for (double v : pcaVariances) {
      s -= Math.log(Math.max(v * (n - 1.0) / n, ae.noiseVariance()));
    }
    return 0.5 * s;
  }

  private static IllegalArgumentException withMissingHint(IllegalArgumentException e) {
    String m = e.getMessage();
    if (m != null && m.contains("holds NaN")) {
      return new IllegalArgumentException(m + "; probabilistic PCA reads NaN as a missing entry only with "
          + "missing=true (--missing)");
    }
    return e;
  }

  private ProbabilisticPCAModel fitEm(FitInput input, int d, int kk) {
    String column = input.column();
    JavaRDD<MissingBlocks.Rows> blocks = blocks(input.data(), column, d, getBlockSize());
    try {
      // Pass 1: per feature, observed count and sum (packed [counts, sums, rows]).
      RoundLoop<MissingBlocks.Rows, Integer, double[]> countLoop = new RoundLoop<>(blocks, getSeed(),
          (dim, it, ctx) -> observedSums(it, dim), ProbabilisticPCA::addInto);
      double[] sums = countLoop.round(d, 1);
      long n = sums == null ? 0 : (long) sums[2 * d];
      if (n == 0) {
        throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
      }
      if (kk > n) {
        throw new IllegalArgumentException("k = " + kk + " is larger than the number of rows n = " + n);
      }
      double[] centre = new double[d];
      double observed = 0;
      for (int i = 0; i < d; i++) {
        if (sums[i] == 0) {
          throw new IllegalArgumentException("probabilistic PCA (missing=true): feature " + i + " of column '"
              + column + "' has no observed value in " + n + " rows");
        }
        centre[i] = sums[d + i] / sums[i];
        observed += sums[i];
      }
      LOG.info("probabilistic PCA EM: {} rows, {} of {} entries observed ({}%), maxIter={}, tol={}", n,
          (long) observed, n * d, String.format("%.1f", 100 * observed / ((double) n * d)), getMaxIter(), getTol());
      // Start: the closed form on the mean-imputed data.
      PpcaAutoencoder start = fromPca(pca("features", kk).fit(imputed(input.data(), blocks, centre)), n);
      double[] offset = start.mean();
      for (int i = 0; i < d; i++) {
        offset[i] -= centre[i];
      }
      EmStep.State s0 = new EmStep.State(centre, start.loadings(), offset, start.noiseVariance());
      RoundLoop.Result<EmStep.State> res = em(blocks, s0, n);
      EmStep.State s = res.state();
      PpcaAutoencoder ae = new PpcaAutoencoder(s.mean(), canonical(s.w), s.s2, true);
      double[] history = res.objectives();
      double ll = history[history.length - 1];
      LOG.info("probabilistic PCA EM done: {} rounds, s2 = {}, log-likelihood per row {}", res.rounds(), s.s2, ll);
      return new ProbabilisticPCAModel(uid(), ae, ll, history, res.converged(), provenance(input, n));
    } finally {
      blocks.unpersist(false);
    }
  }

  /** The rows of {@code column} as cached blocks, NaN kept (the caller unpersists them). */
  static JavaRDD<MissingBlocks.Rows> blocks(Dataset<?> data, String column, int d, int blockRows) {
    return InputColumn.internalRows(data, column).mapPartitionsWithIndex(
        (part, it) -> MissingBlocks.of(RowCursor.ofInternalRows(it), column, d, blockRows, part).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * EM rounds from {@code s0}; objective of round t: the log-likelihood per row of the parameters it started from.
   * On convergence (or at maxIter) the state is the one that was measured.
   */
  RoundLoop.Result<EmStep.State> em(JavaRDD<MissingBlocks.Rows> blocks, EmStep.State s0, long n) {
    RoundLoop<MissingBlocks.Rows, EmStep.State, EmStep.Stats> loop = new RoundLoop<>(blocks, getSeed(),
        (s, it, ctx) -> EmStep.expectation(s, it), EmStep.Stats::merge);
    double tol = getTol();
    int maxIter = getMaxIter();
    double[] previous = {Double.NaN};
    return loop.run(s0, maxIter, (s, st, round) -> {
      double ll = st.logLikelihood / n;
      boolean converged = round > 1 && Math.abs(ll - previous[0]) <= tol * Math.abs(ll);
      previous[0] = ll;
      if (converged || round == maxIter) {
        return new RoundLoop.Outcome<>(s, ll, converged);
      }
      return new RoundLoop.Outcome<>(EmStep.maximization(s, st), ll, false);
    }, LOG, "probabilistic PCA EM (log-likelihood per row)", true);
  }

  /** W V with V the eigenvectors of W^T W: orthogonal columns by decreasing norm, signs fixed as PCA's. */
  static DenseMatrix canonical(DenseMatrix w) {
    SymmetricEigen e = SymmetricEigen.top(DenseMatrix.multiply(w, true, w, false), w.cols);
    DenseMatrix out = DenseMatrix.multiply(w, false, e.vectors, false);
    SymmetricEigen.fixSigns(out);
    return out;
  }

  /** The cached rows with each missing entry replaced by its feature's observed mean, as a "features" frame. */
  private static Dataset<Row> imputed(Dataset<?> data, JavaRDD<MissingBlocks.Rows> blocks, double[] centre) {
    JavaRDD<Row> rows = blocks.flatMap(b -> {
      int d = b.x.rows;
      List<Row> out = new ArrayList<>(b.size);
      for (int j = 0; j < b.size; j++) {
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
          double x = b.x.values[j * d + i];
          v[i] = Double.isNaN(x) ? centre[i] : x;
        }
        out.add(RowFactory.create(Vectors.dense(v)));
      }
      return out.iterator();
    });
    return data.sparkSession().createDataFrame(rows,
        new StructType().add("features", SQLDataTypes.VectorType(), false));
  }

  private static double[] observedSums(Iterator<MissingBlocks.Rows> it, int d) {
    if (!it.hasNext()) {
      return null;
    }
    double[] out = new double[2 * d + 1];
    while (it.hasNext()) {
      MissingBlocks.Rows b = it.next();
      for (int j = 0; j < b.size; j++) {
        for (int i = 0; i < d; i++) {
          double x = b.x.values[j * d + i];
          if (!Double.isNaN(x)) {
            out[i]++;
            out[d + i] += x;
          }
        }
      }
      out[2 * d] += b.size;
    }
    return out;
  }

  private static double[] addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  public static MLReader<ProbabilisticPCA> read() { return StageReader.estimator(ProbabilisticPCA.class); }
  public static ProbabilisticPCA load(String path) { return read().load(path); }
}
