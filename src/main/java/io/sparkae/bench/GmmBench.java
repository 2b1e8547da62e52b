package io.sparkae.bench;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.gmm.CovarianceType;
import io.sparkae.core.Provenance;
import io.sparkae.data.DataSources;
import io.sparkae.linear.gmm.GaussianMixture;
import io.sparkae.linear.gmm.GaussianMixtureModel;
import io.sparkae.linear.gmm.GmmAutoencoder;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.ElementwiseProduct;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.mllib.linalg.Matrices;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.distribution.MultivariateGaussian;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Gaussian mixtures, sparkae against Spark MLlib in the same JVM, from the same initial model (sparkae's k-means
 * init and hard M step, a fit with maxIter 0), the same number of EM iterations, tol 0: MLlib's RDD-based
 * GaussianMixture gets the initial model through {@code setInitialModel} (the DataFrame GaussianMixture has no such
 * param). Time per iteration = (fit with {@code iters} iterations - fit with 1) / (iters - 1), each fit the
 * fastest of {@code repeats} (sparkae's of at least 2); the final log-likelihood of both models on the data, computed by sparkae's distributed
 * evaluation. Cases: synthetic Gaussian blobs (default 1,000,000 x 20), MNIST reduced to 50 dimensions by sparkae's
 * PCA, both with full covariances and k = 10 and 50; and MNIST at d = 784 with diagonal covariances, beside MLlib,
 * which has full covariances only (its time is one whole iteration of the only model it can fit; the
 * log-likelihoods are of different models and not compared). About 15 minutes with the defaults, most of it MLlib's.
 */
@Command(name = "gmm", mixinStandardHelpOptions = true,
    description = "Gaussian mixture EM: sparkae vs Spark MLlib from the same initial model, per-iteration times and "
        + "log-likelihood")
public final class GmmBench extends Benchmark {
  @Mixin
  BenchOptions.Mnist mnist = new BenchOptions.Mnist();

  @Option(names = "--cases", split = ",", description = "cases to run: synthetic, mnist50, mnist784 (default: all)")
  public String[] cases = {"synthetic", "mnist50", "mnist784"};

  @Option(names = "--rows", description = "synthetic rows (default: 1000000)")
  public long rows = 1_000_000;

  @Option(names = "--dim", description = "synthetic dimension (default: 20)")
  public int dim = 20;

  @Option(names = "--k", split = ",", description = "components of the full-covariance cases (default: 10,50)")
  public int[] k = {10, 50};

  @Option(names = "--iters", description = "EM iterations (default: 10)")
  public int iters = 10;

  @Option(names = "--diag-rows", description = "MNIST rows of the d = 784 diagonal case, whose MLlib side (full "
      + "784 x 784 covariances, a rank-one update per row and component) is the slowest (default: 2000)")
  public int diagRows = 2_000;

  @Option(names = "--diag-k", description = "components of the d = 784 diagonal case (default: 10)")
  public int diagK = 10;

  @Option(names = "--diag-iters", description = "sparkae's EM iterations in the d = 784 diagonal case, whose "
      + "iterations are short beside its k-means initialisation (default: 20)")
  public int diagIters = 20;

  @Option(names = "--scale", description = "factor the full-covariance cases' features are multiplied by "
      + "(default: 0.05; see the class comment)")
  public double scale = 0.05;

  @Option(names = "--partitions", description = "partitions (default: Spark's default parallelism)")
  public int partitions;

  @Option(names = "--seed", description = "seed (default: 42)")
  public long seed = 42;

  @Option(names = "--repeats", description = "runs of each timed MLlib fit, the fastest kept; sparkae's at least 2 "
      + "(default: 1)")
  public int repeats = 1;

  @Override
  protected void run(SparkSession spark) {
    int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    for (String c : cases) {
      switch (c) {
        case "synthetic" -> {
          Dataset<Row> df = KMeansBench.blobs(spark, rows, dim, 100, 2.0, parts, seed);
          for (int kk : k) {
            compare(scaled(df), "synthetic", kk, CovarianceType.FULL);
          }
        }
        case "mnist50", "mnist784" -> {
          Dataset<Row> images = DataSources.load(spark, mnist.path(), "idx", Map.of()).select("features")
              .repartition(parts).persist(StorageLevel.MEMORY_ONLY());
          if (c.equals("mnist50")) {
            PCAModel pca = new PCA().setK(50).fit(images);
            Dataset<Row> reduced = pca.transform(images).select(functions.col(pca.getOutputCol()).as("features"));
            for (int kk : k) {
              compare(scaled(reduced), "MNIST PCA-50", kk, CovarianceType.FULL);
            }
          } else {
            compare(images.limit(diagRows).repartition(parts), "MNIST", diagK, CovarianceType.DIAG);
          }
          images.unpersist();
        }
        default -> throw new IllegalArgumentException("--cases: unknown case '" + c
            + "' (expected synthetic, mnist50 or mnist784)");
      }
    }
  }

  /**
   * The features times {@code scale}: a change of units, which moves every log density by -d log(scale) and leaves
   * EM's path unchanged, except MLlib's: its E step adds 2.2e-16 to each weighted density p_j N(x | mu_j, S_j)
   * (not to its logarithm), so rows whose densities are below about 1e-16 (log density under -37 nats, the typical
   * row of the unscaled synthetic set: -42) get nearly uniform responsibilities and MLlib fits another model
   * (measured: its weights 1/3 each after one iteration where sparkae's, like EM's, stay near the initial ones).
   * Scaled by 0.05, log densities are around +18 (synthetic) and +100 (MNIST PCA-50) nats, far from both that
   * floor and overflow (709), and both libraries run the same EM.
   */
  private Dataset<Row> scaled(Dataset<Row> df) {
    int d = ((Vector) df.first().get(0)).size();
    double[] f = new double[d];
    Arrays.fill(f, scale);
    return new ElementwiseProduct().setScalingVec(org.apache.spark.ml.linalg.Vectors.dense(f))
        .setInputCol("features").setOutputCol("scaled").transform(df.select("features"))
        .select(functions.col("scaled").as("features"));
  }

  /**
   * One side-by-side run on {@code data}: sparkae with covariances {@code type}, MLlib with full ones (all it has);
   * the log-likelihoods are compared only when both fit the same model (type full).
   */
  private void compare(Dataset<Row> data, String name, int kk, CovarianceType type) {
    Dataset<Row> df = data.persist(StorageLevel.MEMORY_ONLY());
    long n = df.count();
    int d = ((Vector) df.first().get(0)).size();
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.select("features").toJavaRDD()
        .map(r -> Vectors.fromML((Vector) r.get(0))).cache();
    rdd.count();
    boolean same = type == CovarianceType.FULL;
    String what = String.format(Locale.ROOT, "%s %dx%d, k = %d, %s", name, n, d, kk,
        same ? "full" : type.name().toLowerCase(Locale.ROOT) + " (MLlib: full)");
    // Full covariances without regularisation, as MLlib fits them; diagonal ones of MNIST's constant border pixels
    // need the default reg, and MLlib starts from that model too.
    GaussianMixture est = new GaussianMixture().setK(kk).setCovariance(type.name().toLowerCase(Locale.ROOT))
        .setTol(0).setSeed(seed);
    if (same) {
      est.setReg(0);
    }
    GaussianMixtureModel init = est.copy(ParamMap.empty()).setMaxIter(0).fit(df);
    // Warm-up (JIT, class loading), not timed.
    est.copy(ParamMap.empty()).setMaxIter(1).fit(df);
    GaussianMixtureModel[] ours = new GaussianMixtureModel[1];
    // sparkae's iterations are short beside its k-means initialisation, which both timed fits include: the fastest
    // of 2 (3, and more iterations, in the diagonal case), so that the difference measures the iterations and not
    // the initialisation's spread (measured: with 4 iterations and one run, negative differences on MNIST PCA-50).
    int oursIters = same ? iters : diagIters;
    int oursRepeats = Math.max(repeats, same ? 2 : 3);
    double ours1 = best(() -> est.copy(ParamMap.empty()).setMaxIter(1).fit(df), oursRepeats);
    double oursT = best(() -> ours[0] = est.copy(ParamMap.empty()).setMaxIter(oursIters).fit(df), oursRepeats);
    double oursPer = (oursT - ours1) / Math.max(1, oursIters - 1);
    double llOurs = ours[0].logLikelihood();
    if (same) {
      mllib(rdd, init, kk, 1);
      org.apache.spark.mllib.clustering.GaussianMixtureModel[] theirs =
          new org.apache.spark.mllib.clustering.GaussianMixtureModel[1];
      double mllib1 = best(() -> mllib(rdd, init, kk, 1));
      double mllibT = best(() -> theirs[0] = mllib(rdd, init, kk, iters));
      double mllibPer = (mllibT - mllib1) / Math.max(1, iters - 1);
      GaussianMixtureModel scored = new GaussianMixtureModel("mllib", sparkae(theirs[0], d), new double[0], null,
          Double.NaN, new double[kk], Provenance.unknown(d));
      double llTheirs = -n * scored.evaluate(df).meanLoss();
      System.out.printf(Locale.ROOT, "%s: per EM iteration sparkae %.3f s, MLlib %.3f s (x%.2f); log-likelihood "
          + "sparkae %.10g, MLlib %.10g (relative difference %.2g)%n", what, oursPer, mllibPer, mllibPer / oursPer,
          llOurs, llTheirs, (llOurs - llTheirs) / Math.abs(llTheirs));
      figure(what + ", log-likelihood", Math.abs(llOurs - llTheirs) / Math.abs(llTheirs),
          "relative difference (target <= 1e-6)");
      figure(what, mllibPer / oursPer, "MLlib s / sparkae s per EM iteration (target >= 5)");
    } else {
      // MLlib's own run at d = 784 from this model: one iteration (its E step from the given model, its M step) is
      // timed whole, an upper bound of its per-iteration time that includes its set-up. MLlib computes densities,
      // not log densities: here they pass exp(709) (log density 1505 nats for the first row, measured), its
      // responsibilities become NaN, and its second E step stops on the NaN covariances (breeze
      // MatrixNotSymmetricException, measured), so no difference of two runs is possible.
      org.apache.spark.mllib.clustering.GaussianMixtureModel[] one =
          new org.apache.spark.mllib.clustering.GaussianMixtureModel[1];
      double mllib1 = best(() -> one[0] = mllib(rdd, init, kk, 1));
      String second = Arrays.stream(one[0].weights()).anyMatch(Double::isNaN)
          ? "its model after one iteration has NaN weights (densities past exp(709) overflow in its E step), "
          : "";
      try {
        mllib(rdd, init, kk, 2);
        second += "its second iteration ran";
      } catch (Exception e) { // SparkException, checked, comes through Scala undeclared
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        second += "its second iteration failed: " + root.getClass().getSimpleName() + ": " + root.getMessage();
      }
      System.out.printf(Locale.ROOT, "%s: per EM iteration sparkae %.3f s, MLlib (full covariances, one whole "
          + "iteration) %.3f s (x%.2f), %s; log-likelihood sparkae %.10g%n", what, oursPer, mllib1,
          mllib1 / oursPer, second, llOurs);
      figure(what, mllib1 / oursPer, "MLlib s (one full-covariance iteration) / sparkae s per EM iteration");
    }
    rdd.unpersist();
    df.unpersist();
  }

  private double best(Runnable r) {
    return best(r, repeats);
  }

  private static double best(Runnable r, int repeats) {
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
