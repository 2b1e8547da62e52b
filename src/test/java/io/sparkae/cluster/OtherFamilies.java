package io.sparkae.cluster;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.linear.dictionary.SparseCoding;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.neural.NeuralAutoencoder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Small fits of the other model families, run the same way on the cluster and in local mode. */
final class OtherFamilies {
  private OtherFamilies() {}

  static Map<String, AutoencoderModel<?>> fit(Dataset<Row> data) {
    int d = ((org.apache.spark.ml.linalg.Vector) data.first().getAs("features")).size();
    Map<String, AutoencoderModel<?>> out = new LinkedHashMap<>();
    out.put("kmeans", new KMeans().setK(5).setMaxIter(5).setSeed(42).fit(data));
    out.put("sparse-coding", new SparseCoding().setNumAtoms(8).setSolver("omp").setNonzeros(2).setMaxIter(3)
        .setSeed(42).fit(data));
    out.put("autoencoder", new NeuralAutoencoder().setLayers(d, 8).setEpochs(1).setBatchSize(64)
        .setLearningRate(1e-3).setSeed(42).fit(data));
    return out;
  }
}
