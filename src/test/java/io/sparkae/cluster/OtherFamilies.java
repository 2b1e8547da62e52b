package io.sparkae.cluster;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.linear.dictionary.SparseCoding;
import io.sparkae.linear.gmm.GaussianMixture;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.ppca.ProbabilisticPCA;
import io.sparkae.neural.NeuralAutoencoder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Small fits of the other model families, run the same way on the cluster and in local mode. */
final class OtherFamilies {
  private OtherFamilies() {}

  /** Word counts made from the rows: round(|x_i|) + [i = 0], so that no document is empty. */
  static Dataset<Row> counts(Dataset<Row> data) {
    org.apache.spark.sql.expressions.UserDefinedFunction toCounts = org.apache.spark.sql.functions.udf(
        (org.apache.spark.ml.linalg.Vector v) -> {
          double[] c = new double[v.size()];
          for (int i = 0; i < c.length; i++) {
            c[i] = Math.rint(Math.abs(v.apply(i))) + (i == 0 ? 1 : 0);
          }
          return (org.apache.spark.ml.linalg.Vector) org.apache.spark.ml.linalg.Vectors.dense(c);
        }, org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
    return data.withColumn("features", toCounts.apply(data.col("features")));
  }

  /**
   * The rows with a few entries missing (NaN): entry i = floor(1000 |x_0|) mod 64 of each row, when 1 <= i < d
   * (at d = 40, about 39 rows in 64 lose one entry: 1.5% of the entries). A function of the row alone, so that the
   * cluster and the local run miss the same entries.
   */
  static Dataset<Row> withMissing(Dataset<Row> data) {
    org.apache.spark.sql.expressions.UserDefinedFunction toMissing = org.apache.spark.sql.functions.udf(
        (org.apache.spark.ml.linalg.Vector v) -> {
          double[] c = v.toArray();
          int i = (int) (Math.floor(1000 * Math.abs(c[0])) % 64);
          if (i >= 1 && i < c.length) {
            c[i] = Double.NaN;
          }
          return (org.apache.spark.ml.linalg.Vector) org.apache.spark.ml.linalg.Vectors.dense(c);
        }, org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
    return data.withColumn("features", toMissing.apply(data.col("features")));
  }

  static Map<String, AutoencoderModel<?>> fit(Dataset<Row> data) {
    int d = ((org.apache.spark.ml.linalg.Vector) data.first().getAs("features")).size();
    Map<String, AutoencoderModel<?>> out = new LinkedHashMap<>();
    out.put("kmeans", new KMeans().setK(5).setMaxIter(5).setSeed(42).fit(data));
    out.put("sparse-coding", new SparseCoding().setNumAtoms(8).setSolver("omp").setNonzeros(2).setMaxIter(3)
        .setSeed(42).fit(data));
    out.put("autoencoder", new NeuralAutoencoder().setLayers(d, 8).setEpochs(1).setBatchSize(64)
        .setLearningRate(1e-3).setSeed(42).fit(data));
    out.put("vae", new io.sparkae.neural.vae.VariationalAutoencoder().setLatentSize(2).setHiddenLayers(8)
        .setLikelihood("gaussian").setEpochs(1).setBatchSize(64).setAveragingFrequency(4).setSeed(42).fit(data));
    out.put("topics", new io.sparkae.neural.topics.TopicModel().setK(3).setHiddenLayers(8).setEpochs(1)
        .setAveragingFrequency(4).setSeed(42).fit(counts(data)));
    out.put("gmm", new GaussianMixture().setK(3).setCovariance("full").setMaxIter(5).setTol(0).setSeed(42)
        .fit(data));
    out.put("ppca", new ProbabilisticPCA().setK(3).setSeed(42).fit(data));
    out.put("ppca-missing", new ProbabilisticPCA().setK(3).setMissing(true).setMaxIter(5).setTol(0).setSeed(42)
        .fit(withMissing(data)));
    return out;
  }
}
