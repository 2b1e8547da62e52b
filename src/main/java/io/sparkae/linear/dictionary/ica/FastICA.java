package io.sparkae.linear.dictionary.ica;

import io.sparkae.core.InputColumn;
import io.sparkae.core.IterativeEstimator;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.Seeds;
import io.sparkae.core.StageReader;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.linear.pca.PcaAutoencoder;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Independent component analysis by symmetric FastICA (Hyvarinen 1999, IEEE TNN 10(3)): the rows are whitened by
 * sparkae's {@link PCA} ({@code w = diag(l)^(-1/2) U^T (x - mu)}, k components, identity covariance), then an
 * orthogonal W (k x k) is found that maximises the negentropy approximation {@code sum_i (E G(w_i^T w) -
 * E G(nu))^2} (nu standard normal, G a {@link Contrast}), i.e. makes the k outputs as non-Gaussian, hence as
 * independent, as possible. The whitened rows are computed once and cached (k values per row). Each round broadcasts
 * W; partitions return {@code sum w g(w_i^T w)} and
 * {@code sum g'(w_i^T w)} ({@link IcaStats}); the driver applies the fixed point
 * {@code w_i = E[w g(w_i^T w)] - E[g'(w_i^T w)] w_i} and the symmetric decorrelation
 * {@code W = (W W^T)^(-1/2) W} ({@link FastIcaStep}); it stops when {@code max_i (1 - |w_i^T w_i,old|) < tol}.
 * W starts as the decorrelated seeded Gaussian matrix.
 */
public final class FastICA extends IterativeEstimator<ICAModel, FastICA> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FastICA.class);

  private final IntParam k;
  private final Param<String> contrast;

  public FastICA() {
    this(Identifiable.randomUID("sparkae-ica"));
  }

  @SuppressWarnings("unchecked")
  public FastICA(String uid) {
    super(uid);
    k = new IntParam(this, "k", "number of independent components (>= 1, <= d) (default: 2)",
        ParamValidators.gtEq(1));
    contrast = new Param<>(this, "contrast", "contrast function: logcosh, exp or cube (default: logcosh)",
        ParamValidators.inArray(new String[] {"logcosh", "exp", "cube"}));
    setDefault(k, 2);
    setDefault(contrast, "logcosh");
    setDefault(maxIter(), 200);
    setDefault(tol(), 1e-6);
  }

  public IntParam k() { return k; }
  public Param<String> contrast() { return contrast; }
  public int getK() { return (Integer) getOrDefault(k); }
  public String getContrast() { return getOrDefault(contrast); }
  public FastICA setK(int v) { return with(k, v); }
  public FastICA setContrast(String v) { return with(contrast, v); }

  @Override
  protected ICAModel train(FitInput input) {
    int d = input.dim();
    int kk = getK();
    input.requireAtMostDim("k", kk, "");
    Contrast g = Contrast.parse(getContrast());
    PCAModel pcaModel = new PCA().setK(kk).setWhiten(true).setInputCol(input.column()).setSeed(getSeed())
        .setBlockSize(getBlockSize()).fit(input.data());
    PcaAutoencoder pca = pcaModel.autoencoder();
    String column = input.column();
    int blockRows = getBlockSize();
    // The rounds only ever see the whitened rows: whiten each block once and cache those (k x n, k/d of the rows'
    // size), not the rows, which every round would otherwise project again.
    JavaRDD<DenseMatrix> blocks = InputColumn.internalRows(input.data(), column).mapPartitionsWithIndex(
        (p, it) -> IcaStats.whiten(pca, new Blocker(column, d, blockRows, false, p).allBlocks(
            RowCursor.ofInternalRows(it)).iterator()), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    LOG.info("FastICA fit: k={}, d={}, contrast={}, maxIter={}, tol={}, partitions={}, column '{}'", kk, d,
        getContrast(), getMaxIter(), getTol(), blocks.getNumPartitions(), column);
    try {
      SplittableRandom r = new SplittableRandom(Seeds.derive(getSeed(), "ica-init"));
      DenseMatrix w0 = new DenseMatrix(kk, kk);
      for (int i = 0; i < w0.values.length; i++) {
        w0.values[i] = r.nextDouble() * 2 - 1;
      }
      w0 = FastIcaStep.symmetricDecorrelation(w0);
      RoundLoop<DenseMatrix, IcaStats.IcaState, IcaStats> loop = new RoundLoop<>(blocks, getSeed(),
          (state, it, ctx) -> IcaStats.of(state, it), IcaStats::merge);
      double tol = getTol();
      RoundLoop.Result<IcaStats.IcaState> res = loop.run(new IcaStats.IcaState(w0, g), getMaxIter(),
          (state, st, round) -> {
            DenseMatrix next = FastIcaStep.update(state.w, st.s, st.gp, st.n);
            double change = FastIcaStep.change(next, state.w);
            return new RoundLoop.Outcome<>(new IcaStats.IcaState(next, g), change, change < tol);
          }, LOG, "FastICA (max 1 - |w_new . w_old|)", true);
      return new ICAModel(uid(), new IcaAutoencoder(pca, res.state().w), res.objectives(),
          provenance(input, pcaModel.provenance().rows()));
    } finally {
      blocks.unpersist(false);
    }
  }

  public static MLReader<FastICA> read() { return StageReader.estimator(FastICA.class); }
  public static FastICA load(String path) { return read().load(path); }
}
