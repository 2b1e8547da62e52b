package io.sparkae.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkBuildInfo;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Base of every sparkae estimator: the shared Params (inputCol, outputCol, reconstructionCol, lossCol, seed,
 * blockSize; iterative ones add maxIter and tol through {@link IterativeEstimator}), one
 * {@link #validateAndTransformSchema} for {@code fit} and {@code transformSchema}, the data checks every fit needs
 * (missing column, empty data), task errors turned back into their messages, the fitted model's params copied
 * from the estimator and its parent set, and persistence of the unfitted estimator so that it can sit in a saved
 * Pipeline. Subclasses implement {@link #train}. The setters of the shared Params are declared here and return the
 * concrete estimator {@code E}.
 *
 * @param <M> the model the fit returns
 * @param <E> the concrete estimator (for fluent setters)
 */
public abstract class AutoencoderEstimator<M extends AutoencoderModel<M>, E extends AutoencoderEstimator<M, E>>
    extends Estimator<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> reconstructionCol;
  private final Param<String> lossCol;
  private final LongParam seed;
  private final IntParam blockSize;

  protected AutoencoderEstimator(String uid) {
    this.uid = uid;
    inputCol = SharedParams.inputCol(this);
    outputCol = SharedParams.outputCol(this);
    reconstructionCol = SharedParams.reconstructionCol(this);
    lossCol = SharedParams.lossCol(this);
    seed = SharedParams.seed(this);
    blockSize = SharedParams.blockSize(this);
    setDefault(inputCol, "features");
    setDefault(outputCol, "code");
    setDefault(reconstructionCol, "");
    setDefault(lossCol, "");
    setDefault(seed, (long) getClass().getName().hashCode());
    setDefault(blockSize, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() { return inputCol; }
  public Param<String> outputCol() { return outputCol; }
  /** The fitted model's reconstruction column (copied onto it by {@link #fit}): so that a tuning evaluator sees it. */
  public Param<String> reconstructionCol() { return reconstructionCol; }
  /** The fitted model's per-row loss column (copied onto it by {@link #fit}). */
  public Param<String> lossCol() { return lossCol; }
  public LongParam seed() { return seed; }
  public IntParam blockSize() { return blockSize; }
  public String getInputCol() { return getOrDefault(inputCol); }
  public String getOutputCol() { return getOrDefault(outputCol); }
  public String getReconstructionCol() { return getOrDefault(reconstructionCol); }
  public String getLossCol() { return getOrDefault(lossCol); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public int getBlockSize() { return (Integer) getOrDefault(blockSize); }
  public E setInputCol(String v) { return with(inputCol, v); }
  public E setOutputCol(String v) { return with(outputCol, v); }
  public E setReconstructionCol(String v) { return with(reconstructionCol, v); }
  public E setLossCol(String v) { return with(lossCol, v); }
  public E setSeed(long v) { return with(seed, v); }
  public E setBlockSize(int v) { return with(blockSize, v); }

  /** The concrete estimator, for fluent setters. */
  @SuppressWarnings("unchecked")
  protected final E self() {
    return (E) this;
  }

  /** Sets {@code param} to {@code value} and returns the concrete estimator: the body of every setter. */
  protected final <T> E with(Param<T> param, T value) {
    set(param, value);
    return self();
  }

  /**
   * Schema checks shared by {@code fit} and {@code transformSchema}: the input column exists and holds vectors,
   * the output column does not exist yet. Subclasses add param-to-param checks and call this.
   */
  protected StructType validateAndTransformSchema(StructType schema) {
    InputColumn.requireVector(schema, getInputCol());
    InputColumn.requireAbsent(schema, getOutputCol(), "output");
    return schema.add(getOutputCol(), SQLDataTypes.VectorType(), false);
  }

  /** {@link #validateAndTransformSchema}, then the reconstruction and loss columns when they are asked for. */
  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = validateAndTransformSchema(schema);
    for (String[] c : new String[][] {{getReconstructionCol(), "reconstruction"}, {getLossCol(), "loss"}}) {
      InputColumn.requireAbsent(out, c[0], c[1]);
      if (!c[0].isEmpty()) {
        out = out.add(c[0], c[1].equals("loss") ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
      }
    }
    return out;
  }

  /**
   * Validates, finds d and the image shape, runs {@link #train}, copies this estimator's params onto the model and
   * sets its parent; task failures are turned into their messages.
   */
  @Override
  public final M fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    StructField field = InputColumn.requireVector(dataset.schema(), getInputCol());
    long start = System.nanoTime();
    try {
      int d = InputColumn.dimension(dataset, getInputCol());
      M model = train(new FitInput(dataset, getInputCol(), d, InputColumn.imageShape(field).orElse(null), start));
      return copyValues(model, ParamMap.empty()).setParent(this);
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      throw SparkErrors.rethrow(e);
    }
  }

  /** The fit itself, given checked input: the model, whose params {@link #fit} then copies from this estimator. */
  protected abstract M train(FitInput input);

  /** Provenance for a model fit on {@code input} with {@code rows} rows, taking this estimator's params. */
  protected Provenance provenance(FitInput input, long rows) {
    double fitSeconds = (System.nanoTime() - input.startNanos()) / 1e9;
    int[] shape = input.imageShape();
    return new Provenance(getClass().getName(), paramsAsJson(this), input.column(), rows, input.dim(),
        shape == null ? 0 : shape[0], shape == null ? 0 : shape[1], fitSeconds, Instant.now().toString(),
        Version.SPARKAE, SparkBuildInfo.spark_version());
  }

  /** Every param with a value (set or default), JSON-encoded, by name. */
  public static Map<String, String> paramsAsJson(Params p) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ParamPair<?> pair : CollectionConverters.asJava(p.extractParamMap().toSeq())) {
      @SuppressWarnings("unchecked")
      Param<Object> param = (Param<Object>) pair.param();
      out.put(param.name(), param.jsonEncode(pair.value()));
    }
    return out;
  }

  /** A new estimator of this class with this uid and these params, then {@code extra}. */
  @Override
  public E copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() { return new ParamsWriter(this); }

  /** The data of a fit after the schema checks: the dataset, its vector column, d and the image shape or null. */
  public record FitInput(Dataset<?> data, String column, int dim, int[] imageShape, long startNanos) {
    /**
     * Fails when the param {@code name} = {@code value} exceeds d, naming the column and, if not empty, the reason
     * ("k = 9 is larger than the number of features d = 4 in column 'features'").
     */
    public void requireAtMostDim(String name, int value, String reason) {
      if (value > dim) {
        throw new IllegalArgumentException(name + " = " + value + " is larger than the number of features d = " + dim
            + " in column '" + column + "'" + (reason.isEmpty() ? "" : " (" + reason + ")"));
      }
    }
  }
}
