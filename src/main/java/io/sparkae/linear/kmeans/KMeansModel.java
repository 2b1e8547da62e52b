package io.sparkae.linear.kmeans;

import io.sparkae.core.Autoencoder;
import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.EvaluationExtras;
import io.sparkae.core.Figure;
import io.sparkae.core.FitHistory;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A fitted k-means model: k centers in R^d and the training summary. As an autoencoder it encodes a row to the
 * one-hot code of its nearest center (a SparseVector in {@code outputCol}) and decodes a code to the center; as a
 * stand-in for MLlib's KMeansModel, {@code transform} also appends the cluster index as an int
 * {@code predictionCol} (default "prediction") and, on request, the Euclidean distance to that center as
 * {@code distanceCol}; {@code clusterCenters()}, {@code predict(Vector)} and {@code summary()} match MLlib's names.
 * Set {@code outputCol} to "" to get MLlib's columns only. Immutable.
 */
public final class KMeansModel extends AutoencoderModel<KMeansModel> implements EvaluationExtras {
  private static final long serialVersionUID = 1L;

  private final KMeansAutoencoder ae;
  private final KMeansSummary summary;
  private final Param<String> predictionCol;
  private final Param<String> distanceCol;

  /** An empty model, for Spark Connect (ServiceLoader needs this constructor): fit or load a model to use one. */
  public KMeansModel() {
    this(Identifiable.randomUID("sparkae-kmeans-model"));
  }

  /** An empty model with this uid, for Spark Connect's MLUtils.getInstance: fit or load a model to use one. */
  public KMeansModel(String uid) {
    this(uid, null, null, Provenance.unknown(0));
  }

  public KMeansModel(String uid, KMeansAutoencoder ae, KMeansSummary summary, Provenance provenance) {
    super(uid, provenance);
    this.ae = ae;
    this.summary = summary;
    predictionCol = KMeansParams.predictionCol(this);
    distanceCol = KMeansParams.distanceCol(this);
    setDefault(predictionCol, "prediction");
    setDefault(distanceCol, "");
  }

  @Override
  public KMeansAutoencoder autoencoder() {
    return ae;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> distanceCol() {
    return distanceCol;
  }

  public String getPredictionCol() {
    return getOrDefault(predictionCol);
  }

  public String getDistanceCol() {
    return getOrDefault(distanceCol);
  }

  public KMeansModel setPredictionCol(String v) {
    set(predictionCol, v);
    return this;
  }

  public KMeansModel setDistanceCol(String v) {
    set(distanceCol, v);
    return this;
  }

  public int k() {
    return ae.codeSize();
  }

  /** "euclidean" or "cosine", as MLlib's distanceMeasure. */
  public String distanceMeasure() {
    return ae.cosine() ? "cosine" : "euclidean";
  }

  public int numFeatures() {
    return ae.inputSize();
  }

  /** The centers, as MLlib returns them. */
  public Vector[] clusterCenters() {
    DenseMatrix c = ae.centers();
    Vector[] out = new Vector[c.cols];
    for (int j = 0; j < c.cols; j++) {
      out[j] = Vectors.dense(c.column(j));
    }
    return out;
  }

  /** The centers as a d x k matrix, center j in column j (a copy). */
  public DenseMatrix centers() {
    return ae.centers();
  }

  /** The index of the center nearest to {@code features}. */
  public int predict(Vector features) {
    if (features.size() != numFeatures()) {
      throw new IllegalArgumentException("vector has size " + features.size() + ", the model expects "
          + numFeatures());
    }
    return ae.predict(features.toArray());
  }

  public KMeansSummary summary() {
    return summary;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /**
   * Sum of squared distances of the training rows to their nearest center (times the rows' weights when weighted;
   * for the cosine distance the sum of {@code w (1 - cos)}), as MLlib's trainingCost.
   */
  public double trainingCost() {
    return summary.trainingCost();
  }

  /** Inertia and silhouette on {@code dataset}; see {@link ClusteringMetrics}. */
  public ClusteringMetrics clusteringMetrics(Dataset<?> dataset) {
    return ClusteringMetrics.compute(this, dataset);
  }

  /** The cost of each round's assignment and whether the centers stopped moving. */
  @Override
  public FitHistory history() {
    return summary == null ? FitHistory.NONE : FitHistory.of("sum of squared distances", "squared distance",
        summary.objectiveHistory(), summary.converged());
  }

  @Override
  protected void describeFamily(Map<String, Object> out) {
    out.put("k", k());
    if (summary != null) {
      out.put("trainingCost", summary.trainingCost());
      out.put("iterations", summary.numIter());
      out.put("clusterSizes", summary.clusterSizes());
    }
  }

  /** Inertia and silhouette (on a seeded sample) of {@code data}. */
  @Override
  public Map<String, Object> evaluationExtras(Dataset<?> data, int importanceSamples) {
    return clusteringMetrics(data).toMap();
  }

  /** For images the centroids (at most 100) with their sizes; the histogram of cluster sizes; the cost per round. */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    long[] sizes = summary != null ? summary.clusterSizes() : null;
    if (provenance().isImage()) {
      DenseMatrix c = centers();
      int shown = Math.min(c.cols, 100);
      List<String> captions = new ArrayList<>();
      for (int j = 0; j < shown; j++) {
        captions.add(sizes == null ? String.valueOf(j) : j + ": " + sizes[j]);
      }
      out.add(new Figure.ImageGrid("centroids.png", "k-means: centroids (cluster: size)", Figure.columns(c, shown),
          provenance().imageHeight(), provenance().imageWidth(), Math.min(10, shown), Figure.Scale.PER_IMAGE_MINMAX,
          captions));
    }
    if (sizes != null) {
      double[] sz = new double[sizes.length];
      for (int j = 0; j < sizes.length; j++) {
        sz[j] = sizes[j];
      }
      out.add(new Figure.Histogram("cluster-sizes.png", "k-means: cluster sizes", "rows in cluster", sz,
          Math.max(5, Math.min(30, sizes.length))));
      double[] cost = summary.objectiveHistory();
      if (cost.length > 0) {
        out.add(new Figure.LinePlot("cost.png", "k-means: cost per round", "round", "sum of squared distances",
            List.of(Figure.Series.ofRounds("cost", cost)), false));
      }
    }
    return out;
  }

  @Override
  protected List<StructField> extraOutputFields() {
    List<StructField> out = new ArrayList<>();
    if (!getPredictionCol().isEmpty()) {
      out.add(DataTypes.createStructField(getPredictionCol(), DataTypes.IntegerType, false));
    }
    if (!getDistanceCol().isEmpty()) {
      out.add(DataTypes.createStructField(getDistanceCol(), DataTypes.DoubleType, false));
    }
    return out;
  }

  @Override
  protected void extraOutputValues(Autoencoder encoder, DenseMatrix x, DenseMatrix z, int n, Object[][] out) {
    KMeansAutoencoder km = (KMeansAutoencoder) encoder;
    boolean withPrediction = !getPredictionCol().isEmpty();
    boolean withDistance = !getDistanceCol().isEmpty();
    int k = z.rows;
    for (int j = 0; j < n; j++) {
      int label = 0;
      while (z.values[j * k + label] == 0.0) {
        label++;
      }
      int c = 0;
      if (withPrediction) {
        out[c++][j] = label;
      }
      if (withDistance) {
        out[c][j] = km.distance(x.values, j * x.rows, label);
      }
    }
  }

  /** The one-hot code e_j as a sparse vector. */
  @Override
  protected Vector codeVector(double[] z, int offset, int length) {
    for (int i = 0; i < length; i++) {
      if (z[offset + i] != 0.0) {
        return Vectors.sparse(length, new int[] {i}, new double[] {z[offset + i]});
      }
    }
    return Vectors.sparse(length, new int[0], new double[0]);
  }

  @Override
  protected ModelData data() {
    long[] sizes = summary.clusterSizes();
    double[] sizesAsDoubles = new double[sizes.length];
    for (int j = 0; j < sizes.length; j++) {
      sizesAsDoubles[j] = sizes[j];
    }
    return history().saveTo(new ModelData())
        .put("centers", ae.centers())
        .put("trainingCost", summary.trainingCost())
        .put("clusterSizes", sizesAsDoubles)
        .put("initSeconds", summary.initSeconds())
        .put("cosine", ae.cosine() ? 1.0 : 0.0);
  }

  @Override
  public KMeansModel copy(ParamMap extra) {
    return copyParamsTo(new KMeansModel(uid(), ae, summary, provenance()), extra);
  }

  public static MLReader<KMeansModel> read() {
    return StageReader.model(KMeansModel.class, (uid, data, prov) -> {
      DenseMatrix c = data.matrix("centers");
      double[] sizes = data.matrix("clusterSizes", c.cols, 1).values;
      long[] sizesAsLongs = new long[sizes.length];
      for (int j = 0; j < sizes.length; j++) {
        sizesAsLongs[j] = (long) sizes[j];
      }
      // Saved before histories had one name (format 1, early format 2): the arrays "objectiveHistory", "converged".
      FitHistory h = FitHistory.readFrom(data);
      KMeansSummary s = new KMeansSummary(h != null ? h.values() : data.vector("objectiveHistory"),
          h != null ? Boolean.TRUE.equals(h.converged()) : data.scalar("converged") != 0,
          data.scalar("trainingCost"), sizesAsLongs, data.scalar("initSeconds"));
      // Saved before the cosine distance existed: no "cosine" entry, Euclidean.
      boolean cosine = data.has("cosine") && data.scalar("cosine") != 0;
      return new KMeansModel(uid, new KMeansAutoencoder(c, cosine), s, prov);
    });
  }

  public static KMeansModel load(String path) {
    return read().load(path);
  }
}
