package io.sparkae.bench;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.gmm.CovarianceType;
import io.sparkae.core.Provenance;
import io.sparkae.linear.gmm.GaussianMixture;
import io.sparkae.linear.gmm.GaussianMixtureModel;
import io.sparkae.linear.gmm.GmmAutoencoder;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.mllib.linalg.Matrices;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.distribution.MultivariateGaussian;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gaussian mixtures with full covariances, sparkae against Spark MLlib in the same JVM, from the same initial model
 * (sparkae's k-means init and hard M step, a fit with maxIter 0), the same number of EM iterations, tol 0 and no
 * regularisation: MLlib's RDD-based GaussianMixture gets the initial model through {@code setInitialModel} (the
 * DataFrame GaussianMixture has no such param). Time per iteration = (fit with {@code iters} iterations - fit with
 * 1) / (iters - 1), the fastest of {@code repeats}; the final log-likelihood of both models on the data, computed
 * by sparkae's distributed evaluation. Data: synthetic Gaussian blobs (default 200,000 x 20, k = 10).
 */
@Command(name = "gmm", mixinStandardHelpOptions = true,
    description = "Gaussian mixture EM: sparkae vs Spark MLlib from the same initial model, per-iteration times and "
        + "log-likelihood")
public final class GmmBench extends Benchmark {

  @Option(names = "--rows", description = "synthetic rows (default: 200000)")
  public long rows = 200_000;

  @Option(names = "--dim", description = "synthetic dimension (default: 20)")
  public int dim = 20;

  @Option(names = "--k", split = ",", description = "components (default: 10)")
  public int[] k = {10};

  @Option(names = "--iters", description = "EM iterations (default: 10)")
  public int iters = 10;

  @Option(names = "--partitions", description = "partitions (default: Spark's default parallelism)")
  public int partitions;

  @Option(names = "--seed", description = "seed (default: 42)")
  public long seed = 42;

  @Option(names = "--repeats", description = "runs of each timed fit, the fastest kept (default: 2)")
  public int repeats = 2;

  @Override
  protected void run(SparkSession spark) {
    int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    Dataset<Row> df = KMeansBench.blobs(spark, rows, dim, 100, 2.0, parts, seed).cache();
    long n = df.count();
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.select("features").toJavaRDD()
        .map(r -> Vectors.fromML((Vector) r.get(0))).cache();
    rdd.count();
    for (int kk : k) {
      String what = String.format(Locale.ROOT, "synthetic %dx%d, k = %d, full", n, dim, kk);
      GaussianMixture est = new GaussianMixture().setK(kk).setReg(0).setTol(0).setSeed(seed);
      GaussianMixtureModel init = est.copy(ParamMap.empty()).setMaxIter(0).fit(df);
      // Warm-up (JIT, class loading), not timed.
      est.copy(ParamMap.empty()).setMaxIter(1).fit(df);
      mllib(rdd, init, kk, 1);
      GaussianMixtureModel[] ours = new GaussianMixtureModel[1];
      double ours1 = best(() -> est.copy(ParamMap.empty()).setMaxIter(1).fit(df));
      double oursT = best(() -> ours[0] = est.copy(ParamMap.empty()).setMaxIter(iters).fit(df));
      org.apache.spark.mllib.clustering.GaussianMixtureModel[] theirs =
          new org.apache.spark.mllib.clustering.GaussianMixtureModel[1];
      double mllib1 = best(() -> mllib(rdd, init, kk, 1));
      double mllibT = best(() -> theirs[0] = mllib(rdd, init, kk, iters));
      double oursPer = (oursT - ours1) / Math.max(1, iters - 1);
      double mllibPer = (mllibT - mllib1) / Math.max(1, iters - 1);
      double llOurs = ours[0].logLikelihood();
      GaussianMixtureModel scored = new GaussianMixtureModel("mllib", sparkae(theirs[0], dim), new double[0], null,
          Double.NaN, new double[kk], Provenance.unknown(dim));
      double llTheirs = -n * scored.evaluate(df).meanLoss();
      System.out.printf(Locale.ROOT, "%s: per EM iteration sparkae %.3f s, MLlib %.3f s (x%.2f); log-likelihood "
          + "sparkae %.10g, MLlib %.10g (relative difference %.2g)%n", what, oursPer, mllibPer, mllibPer / oursPer,
          llOurs, llTheirs, (llOurs - llTheirs) / Math.abs(llTheirs));
      figure(what, mllibPer / oursPer, "MLlib s / sparkae s per EM iteration (target >= 5)");
      figure(what + ", log-likelihood", Math.abs(llOurs - llTheirs) / Math.abs(llTheirs),
          "relative difference (target <= 1e-6)");
    }
    rdd.unpersist();
    df.unpersist();
  }

  private double best(Runnable r) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < Math.max(1, repeats); i++) {
      long t = System.nanoTime();
      r.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }

  /**
   * MLlib's EM from a fresh copy of sparkae's initial model: MLlib's run overwrites the initial model's weight and
   * Gaussian arrays with each iteration's, so a model handed to it twice would start the second run elsewhere.
   */
  private static org.apache.spark.mllib.clustering.GaussianMixtureModel mllib(
      JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd, GaussianMixtureModel init, int k, int iters) {
    return new org.apache.spark.mllib.clustering.GaussianMixture().setK(k).setMaxIterations(iters)
        .setConvergenceTol(0).setInitialModel(mllibModel(init)).run(rdd.rdd());
  }

  /** sparkae's initial model as MLlib's. */
  private static org.apache.spark.mllib.clustering.GaussianMixtureModel mllibModel(GaussianMixtureModel m) {
    int d = m.means().rows;
    MultivariateGaussian[] g = new MultivariateGaussian[m.k()];
    for (int j = 0; j < m.k(); j++) {
      g[j] = new MultivariateGaussian(Vectors.dense(m.means().column(j)), Matrices.dense(d, d,
          m.covariance(j).values));
    }
    return new org.apache.spark.mllib.clustering.GaussianMixtureModel(m.weights(), g);
  }

  /** MLlib's fitted model as sparkae's autoencoder, to score it with the same distributed evaluation. */
  private static GmmAutoencoder sparkae(org.apache.spark.mllib.clustering.GaussianMixtureModel m, int d) {
    int k = m.k();
    DenseMatrix means = new DenseMatrix(d, k);
    DenseMatrix cov = new DenseMatrix(d, d * k);
    for (int j = 0; j < k; j++) {
      System.arraycopy(m.gaussians()[j].mu().toArray(), 0, means.values, j * d, d);
      System.arraycopy(m.gaussians()[j].sigma().toArray(), 0, cov.values, j * d * d, d * d);
    }
    return new GmmAutoencoder(CovarianceType.FULL, m.weights(), means, cov);
  }
}
