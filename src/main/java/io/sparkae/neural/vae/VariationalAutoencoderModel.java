package io.sparkae.neural.vae;

import io.sparkae.core.Autoencoder;
import io.sparkae.core.FitHistory;
import io.sparkae.core.Provenance;
import io.sparkae.core.SharedParams;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;

/**
 * A fitted {@link VariationalAutoencoder}. {@code transform} appends the posterior mean mu(x) as the code (and with
 * {@code sigmaCol} the posterior standard deviations, with {@code reconstructionCol} the decoder's mean at mu, with
 * {@code lossCol} the row's -ELBO); {@link #sample} generates rows from the prior; {@link #evaluateLikelihood} gives
 * the test ELBO and the importance-weighted log-likelihood. Immutable.
 */
public final class VariationalAutoencoderModel extends VariationalModel<VariationalAutoencoderModel> {
  private static final long serialVersionUID = 1L;

  private final Param<String> sigmaCol;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public VariationalAutoencoderModel() {
    this(Identifiable.randomUID("sparkae-vae-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public VariationalAutoencoderModel(String uid) {
    this(uid, null, new double[0], new double[0], 0, new DenseMatrix(0, 0), Provenance.unknown(0));
  }

  public VariationalAutoencoderModel(String uid, VaeAutoencoder ae, double[] trainLoss, double[] validationLoss,
      int roundsPerEpoch, DenseMatrix sampleInputs, Provenance provenance) {
    super(uid, ae, trainLoss, validationLoss, roundsPerEpoch, sampleInputs, provenance);
    sigmaCol = new Param<>(this, "sigmaCol", "output column for the posterior standard deviations sigma(x); empty "
        + "for none (default: empty)");
    setDefault(sigmaCol, "");
  }

  public Param<String> sigmaCol() {
    return sigmaCol;
  }

  public String getSigmaCol() {
    return getOrDefault(sigmaCol);
  }

  public VariationalAutoencoderModel setSigmaCol(String v) {
    set(sigmaCol, v);
    return this;
  }

  @Override
  protected List<StructField> extraOutputFields() {
    return getSigmaCol().isEmpty() ? List.of()
        : List.of(new StructField(getSigmaCol(), SQLDataTypes.VectorType(), false,
            Metadata.empty()));
  }

  @Override
  protected void extraOutputValues(Autoencoder ae, DenseMatrix x, DenseMatrix z, int n, Object[][] out) {
    int k = ae.codeSize();
    DenseMatrix mu = new DenseMatrix(k, n);
    DenseMatrix sigma = new DenseMatrix(k, n);
    ((VaeAutoencoder) ae).encode(x, n, mu, sigma);
    for (int j = 0; j < n; j++) {
      out[0][j] = Vectors.dense(Arrays.copyOfRange(sigma.values, j * k, (j + 1) * k));
    }
  }

  @Override
  public VariationalAutoencoderModel copy(ParamMap extra) {
    FitHistory h = history();
    return copyParamsTo(new VariationalAutoencoderModel(uid(), autoencoder(), h.values(), h.validation(),
        h.roundsPerEpoch(), sampleInputs(), provenance()), extra);
  }

  public static MLReader<VariationalAutoencoderModel> read() {
    return StageReader.model(VariationalAutoencoderModel.class, (uid, data, prov) -> {
      FitHistory h = savedHistory(data);
      return new VariationalAutoencoderModel(uid, readAutoencoder(data), h.values(), h.validation(),
          h.roundsPerEpoch(), data.matrix("sampleInputs"), prov);
    });
  }

  public static VariationalAutoencoderModel load(String path) {
    return read().load(path);
  }
}
