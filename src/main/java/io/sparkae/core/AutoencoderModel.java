package io.sparkae.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkae.data.Block;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Base of every fitted sparkae model: a Spark ML {@code Model} around an {@link Autoencoder}. Transform, evaluate
 * and save are written here once. {@code transform} appends the code f(x) as {@code outputCol} and, on request,
 * the reconstruction g(f(x)) and the per-row loss, working on dense blocks of rows inside each partition.
 *
 * @param <M> the concrete model
 */
public abstract class AutoencoderModel<M extends AutoencoderModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper DESCRIBE_JSON = new ObjectMapper();

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> reconstructionCol;
  private final Param<String> lossCol;
  private final IntParam blockSize;
  private final Provenance provenance;

  protected AutoencoderModel(String uid, Provenance provenance) {
    this.uid = uid;
    this.provenance = provenance;
    inputCol = SharedParams.inputCol(this);
    outputCol = SharedParams.outputCol(this);
    reconstructionCol = SharedParams.reconstructionCol(this);
    lossCol = SharedParams.lossCol(this);
    blockSize = SharedParams.blockSize(this);
    setDefault(inputCol, "features");
    setDefault(outputCol, "code");
    setDefault(reconstructionCol, "");
    setDefault(lossCol, "");
    setDefault(blockSize, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The fitted encoder, decoder and loss; null only in an empty model (see {@link #fitted()}). */
  public abstract Autoencoder autoencoder();

  /**
   * The autoencoder, or a clear error for an empty model: every model class has a public no-argument and a
   * {@code (String uid)} constructor because Spark Connect's server needs them (ServiceLoader over
   * META-INF/services/org.apache.spark.ml.Transformer, and its MLUtils.getInstance), and those make a model with
   * no fitted state.
   */
  protected final Autoencoder fitted() {
    Autoencoder ae = autoencoder();
    if (ae == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " " + uid + " is empty (made by its no-argument "
          + "or uid constructor, which Spark Connect needs): fit an estimator or load a saved model instead");
    }
    return ae;
  }

  /** The arrays that {@link #write()} saves and the family's reader turns back into a model. */
  protected abstract ModelData data();

  /** What the fit did round by round; {@link FitHistory#NONE} for a model fit in closed form. */
  public FitHistory history() {
    return FitHistory.NONE;
  }

  /**
   * What metrics.json says about the model, with the same keys for every model: the rows and features it was fit
   * on, the code size, the fit's history ({@link FitHistory#toMap()}: objective, finalObjective, rounds...), then
   * the family's own numbers ({@link #describeFamily}).
   */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", provenance.rows());
    out.put("features", provenance.features());
    out.put("codeSize", fitted().codeSize());
    out.putAll(history().toMap());
    describeFamily(out);
    return out;
  }

  /**
   * The class, the uid and {@link #describe()} as one line of JSON, e.g.
   * {@code PCAModel: uid=sparkae-pca-..., {"rows":240,"features":6,"codeSize":3,...}}. This is what a Spark Connect
   * client can read of a fitted model: the server lets a client call only allow-listed methods
   * ({@code MLUtils.ALLOWED_ATTRIBUTES} in spark-connect), and for a model class outside Spark that is
   * {@code Identifiable.toString} alone.
   */
  @Override
  public String toString() {
    String head = getClass().getSimpleName() + ": uid=" + uid;
    if (autoencoder() == null) {
      return head + " (empty)";
    }
    try {
      return head + ", " + DESCRIBE_JSON.writeValueAsString(describe());
    } catch (JsonProcessingException e) {
      return head + " (summary not serialisable: " + e.getOriginalMessage() + ")";
    }
  }

  /** Adds the family's numbers to {@link #describe()}'s map (none by default). */
  protected void describeFamily(Map<String, Object> out) {}

  /** The figures the model wants drawn (scree plot, atoms, loss curve...); none by default. */
  public List<Figure> figures() {
    return List.of();
  }

  /** What the model was fit on and with which parameters. */
  public Provenance provenance() {
    return provenance;
  }

  public Param<String> inputCol() { return inputCol; }
  public Param<String> outputCol() { return outputCol; }
  public Param<String> reconstructionCol() { return reconstructionCol; }
  public Param<String> lossCol() { return lossCol; }
  public IntParam blockSize() { return blockSize; }
  public String getInputCol() { return getOrDefault(inputCol); }
  public String getOutputCol() { return getOrDefault(outputCol); }
  public String getReconstructionCol() { return getOrDefault(reconstructionCol); }
  public String getLossCol() { return getOrDefault(lossCol); }
  public int getBlockSize() { return (Integer) getOrDefault(blockSize); }
  public M setInputCol(String v) { return with(inputCol, v); }
  public M setOutputCol(String v) { return with(outputCol, v); }
  public M setReconstructionCol(String v) { return with(reconstructionCol, v); }
  public M setLossCol(String v) { return with(lossCol, v); }

  /** The concrete model, for fluent setters. */
  @SuppressWarnings("unchecked")
  protected final M self() {
    return (M) this;
  }

  /** Sets {@code param} to {@code value} and returns the concrete model: the body of every setter. */
  protected final <T> M with(Param<T> param, T value) {
    set(param, value);
    return self();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    InputColumn.requireVector(schema, getInputCol());
    StructType out = schema;
    for (String[] c : new String[][] {{getOutputCol(), "output"}, {getReconstructionCol(), "reconstruction"},
        {getLossCol(), "loss"}}) {
      InputColumn.requireAbsent(out, c[0], c[1]);
      if (!c[0].isEmpty()) {
        out = out.add(c[0], c[1].equals("loss") ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
      }
    }
    for (StructField f : extraOutputFields()) {
      InputColumn.requireAbsent(out, f.name(), "output");
      out = out.add(f);
    }
    return out;
  }

  /**
   * Columns a family appends after the shared ones (k-means: the cluster index); none by default. Only columns
   * with a non-empty name should be returned.
   */
  protected List<StructField> extraOutputFields() {
    return List.of();
  }

  /**
   * Values of the {@link #extraOutputFields()} for the first {@code n} rows of a block, called on executors once
   * per block after encoding: {@code x} holds the rows (d x capacity, row j in column j), {@code z} their codes;
   * {@code out[c][j]} receives column c's value for row j.
   */
  protected void extraOutputValues(Autoencoder ae, DenseMatrix x, DenseMatrix z, int n, Object[][] out) {}

  /** The code of one row as a vector: dense by default; sparse-code models override. */
  protected Vector codeVector(double[] z, int offset, int length) {
    return Vectors.dense(Arrays.copyOfRange(z, offset, offset + length));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    int inputIndex = dataset.schema().fieldIndex(getInputCol());
    boolean withCode = !getOutputCol().isEmpty();
    boolean withRecon = !getReconstructionCol().isEmpty();
    boolean withLoss = !getLossCol().isEmpty();
    int extra = extraOutputFields().size();
    String column = getInputCol();
    int d = fitted().inputSize();
    int rowsPerBlock = getBlockSize() > 0 ? getBlockSize() : Blocker.defaultBlockRows(d);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<Autoencoder> bc = sc.broadcast(autoencoder());
    M self = self();
    return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>)
        rows -> new TransformIterator<>(self, bc.value(), rows, column, inputIndex, rowsPerBlock, withCode, withRecon,
            withLoss, extra, TaskContext.getPartitionId()), Encoders.row(outSchema));
  }

  /** Encodes blocks of rows and emits each input row with the code (and reconstruction, loss) appended. */
  private static final class TransformIterator<M extends AutoencoderModel<M>> implements Iterator<Row> {
    private final AutoencoderModel<M> model;
    private final Autoencoder ae;
    private final Iterator<Row> rows;
    private final int inputIndex;
    private final boolean withCode;
    private final boolean withRecon;
    private final boolean withLoss;
    private final Blocker checker;
    private final Row[] buffer;
    private final DenseMatrix x;
    private final DenseMatrix z;
    private final DenseMatrix xhat;
    private final double[] loss;
    private final Object[][] extra;
    private long position;
    private int filled;
    private int next;

    TransformIterator(AutoencoderModel<M> model, Autoencoder ae, Iterator<Row> rows, String column, int inputIndex,
        int blockRows, boolean withCode, boolean withRecon, boolean withLoss, int extra, int partition) {
      this.model = model;
      this.ae = ae;
      this.rows = rows;
      this.inputIndex = inputIndex;
      this.withCode = withCode;
      this.withRecon = withRecon;
      this.withLoss = withLoss;
      this.checker = new Blocker(column, ae.inputSize(), blockRows, false, partition, ae.acceptsMissing());
      this.buffer = new Row[blockRows];
      this.x = new DenseMatrix(ae.inputSize(), blockRows);
      this.z = new DenseMatrix(ae.codeSize(), blockRows);
      this.xhat = withRecon ? new DenseMatrix(ae.inputSize(), blockRows) : null;
      this.loss = withLoss ? new double[blockRows] : null;
      this.extra = new Object[extra][blockRows];
    }

    @Override
    public boolean hasNext() {
      return next < filled || rows.hasNext();
    }

    @Override
    public Row next() {
      if (next >= filled) {
        fill();
      }
      if (next >= filled) {
        throw new NoSuchElementException();
      }
      int j = next++;
      Row r = buffer[j];
      int n = r.length();
      Object[] values = new Object[n + (withCode ? 1 : 0) + (withRecon ? 1 : 0) + (withLoss ? 1 : 0) + extra.length];
      for (int i = 0; i < n; i++) {
        values[i] = r.get(i);
      }
      if (withCode) {
        values[n++] = model.codeVector(z.values, j * z.rows, z.rows);
      }
      if (withRecon) {
        values[n++] = Vectors.dense(Arrays.copyOfRange(xhat.values, j * xhat.rows, (j + 1) * xhat.rows));
      }
      if (withLoss) {
        values[n++] = loss[j];
      }
      for (Object[] column : extra) {
        values[n++] = column[j];
        column[j] = null;
      }
      buffer[j] = null;
      return RowFactory.create(values);
    }

    private void fill() {
      filled = 0;
      next = 0;
      int d = x.rows;
      while (filled < buffer.length && rows.hasNext()) {
        Row r = rows.next();
        Vector v = r.isNullAt(inputIndex) ? null : (Vector) r.get(inputIndex);
        checker.check(v, position++);
        checker.copyInto(v, x.values, filled * d);
        buffer[filled++] = r;
      }
      if (filled == 0) {
        return;
      }
      ae.encode(x, filled, z);
      if (withRecon) {
        ae.decode(z, filled, xhat);
      }
      if (withLoss) {
        ae.loss(x, filled, loss);
      }
      if (extra.length > 0) {
        model.extraOutputValues(ae, x, z, filled, extra);
      }
    }
  }

  /**
   * Reconstruction quality on {@code dataset}: the row count, the mean per-row loss and, for squared-error
   * models, the fraction of the data's variance explained, {@code 1 - sum loss / sum ||x - mean(x)||^2}.
   */
  public Evaluation evaluate(Dataset<?> dataset) {
    InputColumn.requireVector(dataset.schema(), getInputCol());
    String column = getInputCol();
    Autoencoder ae = fitted();
    int d = ae.inputSize();
    int blockRows = getBlockSize();
    try {
      RoundLoop<InternalRow, Autoencoder, double[]> loop = new RoundLoop<>(InputColumn.internalRows(dataset, column), 0L,
          (state, rows, ctx) -> lossStats(state, rows, new Blocker(column, d, blockRows, false, ctx.partition(),
              state.acceptsMissing())),
          ModelEvaluation::merge);
      double[] s = loop.round(ae, 1);
      if (s == null || s[0] == 0) {
        throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
      }
      double explained = ae.squaredErrorLoss() && s[3] > 0 ? 1 - s[1] / s[3] : Double.NaN;
      return new Evaluation((long) s[0], s[1] / s[0], explained, ae.lossName());
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      throw SparkErrors.rethrow(e);
    }
  }

  private static double[] lossStats(Autoencoder ae, Iterator<InternalRow> rows, Blocker blocker) {
    int d = ae.inputSize();
    double[] loss = new double[blocker.blockRows()];
    ModelEvaluation acc = new ModelEvaluation(d);
    Iterator<Block> blocks = blocker.blocks(RowCursor.ofInternalRows(rows), true);
    if (!blocks.hasNext()) {
      return null;
    }
    while (blocks.hasNext()) {
      Block b = blocks.next();
      ae.loss(b.dense, b.size, loss);
      acc.add(b.dense, b.size, loss);
    }
    return acc.toArray();
  }

  /** Row count, mean per-row loss, explained variance (NaN when not a squared-error model), the loss's name. */
  public record Evaluation(long rows, double meanLoss, double explainedVariance, String lossName) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("meanLoss", meanLoss);
      m.put("loss", lossName);
      if (!Double.isNaN(explainedVariance)) {
        m.put("explainedVariance", explainedVariance);
      }
      return m;
    }
  }

  @Override
  public MLWriter write() {
    fitted();
    return new StageWriter(this, provenance, data());
  }

  /** Copies this model's param values onto {@code fresh} (for {@code copy}). */
  protected M copyParamsTo(M fresh, ParamMap extra) {
    M out = copyValues(fresh, extra);
    return out.setParent(parent());
  }

  /** The names of the columns this model appends. */
  public List<String> outputColumns() {
    List<String> out = new ArrayList<>();
    for (String c : new String[] {getOutputCol(), getReconstructionCol(), getLossCol()}) {
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    for (StructField f : extraOutputFields()) {
      out.add(f.name());
    }
    return out;
  }
}
