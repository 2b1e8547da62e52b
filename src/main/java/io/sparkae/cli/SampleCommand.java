package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Figure;
import io.sparkae.core.Provenance;
import io.sparkae.core.Sampling;
import io.sparkae.data.DataSources;
import io.sparkae.linalg.DenseMatrix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkae sample}: new rows from a probabilistic model: latent draws from the prior through the decoder's
 * mean, written as Parquet ({@code features}, tagged as images when the model was fit on images) and, for images, a
 * grid of the first 100.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Draw new rows from a saved generative model (VAE or topic model: prior samples through the "
        + "decoder's mean; probabilistic PCA, Gaussian mixture): "
        + "--output gets samples.parquet and, for image models, samples.png.")
final class SampleCommand implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  ModelOptions model;

  @Option(names = "--count", required = true, description = "number of rows to draw (1 to 1,000,000)")
  int count;

  @Option(names = "--output", required = true, description = "output folder: samples.parquet, samples.png")
  String output;

  @Option(names = "--overwrite", arity = "0..1", fallbackValue = "true",
      description = "replace --output if it exists")
  boolean overwrite;

  @Option(names = "--seed", description = "random seed (default: 42)")
  long seed = 42;

  @Override
  public Integer call() throws IOException {
    if (count < 1 || count > 1_000_000) {
      throw new IllegalArgumentException("--count " + count + " must lie in [1, 1000000]");
    }
    SparkSession s = spark.session("sparkae sample");
    AutoencoderModel<?> m = model.load(s);
    if (!(m instanceof Sampling sampling)) {
      throw new IllegalArgumentException("the model at " + model.model + " is a " + m.getClass().getSimpleName()
          + ", which has no distribution to sample from; expected a generative model (vae, topics, ppca, gmm)");
    }
    DenseMatrix x = sampling.sample(count, seed);
    try (OutputDir dir = new OutputDir(output, overwrite, s.sparkContext().hadoopConfiguration(),
        Map.of("model", model.modelPath(s), "model folder", model.model))) {
      List<Row> rows = new ArrayList<>();
      for (int j = 0; j < x.cols; j++) {
        rows.add(RowFactory.create(Vectors.dense(x.column(j))));
      }
      StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
      Dataset<Row> df = s.createDataFrame(rows, schema);
      Provenance p = m.provenance();
      if (p.isImage()) {
        df = DataSources.withImageShape(df, "features", p.imageHeight(), p.imageWidth());
      }
      df.write().parquet(dir.path("samples.parquet"));
      if (p.isImage()) {
        ModelReports.write(List.of(new Figure.ImageGrid("samples.png", "Samples from the prior (decoder means), seed "
            + seed, Figure.columns(x, 100), p.imageHeight(), p.imageWidth(), 10, Figure.Scale.FIXED_01, null)), dir,
            "");
      }
      dir.commit();
    }
    System.out.println("wrote " + count + " samples to " + output);
    return 0;
  }
}
