package io.sparkae.bench;

import io.sparkae.data.DataSources;
import io.sparkae.linalg.Blas;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jobs/bench pca}: sparkae's PCA beside Spark MLlib's on the same cached data and partitions, in the same
 * run: MNIST 60000 x 784 (k = 50), then wide synthetic data, dense and sparse, where MLlib takes its distributed
 * SVD path or fails. Prints times, the time ratio (MLlib / sparkae) and the largest difference in explained
 * variance ratio.
 */
@Command(name = "pca", mixinStandardHelpOptions = true, description = "PCA: sparkae vs Spark MLlib (MNIST, wide "
    + "dense and sparse)")
public final class PcaBench extends Benchmark {
  @Mixin
  BenchOptions.Mnist mnist = new BenchOptions.Mnist();

  @Option(names = "--k", description = "components (default: 50)")
  int k = 50;

  @Option(names = "--partitions", description = "partitions (default: 2)")
  int partitions = 2;

  @Option(names = "--wide-d", description = "columns of the wide sets (default: 100000)")
  int wideD = 100_000;

  @Option(names = "--wide-dense-rows", description = "rows of the wide dense set (default: 2000)")
  int wideDenseRows = 2000;

  @Option(names = "--wide-sparse-rows", description = "rows of the wide sparse set (default: 20000)")
  int wideSparseRows = 20_000;

  @Option(names = "--nnz", description = "nonzeros per row of the wide sparse set (default: 100)")
  int nnz = 100;

  @Option(names = "--peer-limit", description = "seconds after which the MLlib run is cancelled (default: 600)")
  double peerLimit = 600;

  @Option(names = "--repeats", description = "timed repeats at d = 784, best kept (default: 2)")
  int repeats = 2;

  @Option(names = "--skip-wide", description = "only the MNIST case")
  boolean skipWide;

  @Option(names = "--skip-wide-dense", description = "skip the wide dense case")
  boolean skipWideDense;

  @Option(names = "--peer-wide-dense", description = "also run MLlib on the wide dense set (its distributed SVD "
      + "path needs far more memory than sparkae: on a 24 GiB machine the kernel killed the whole benchmark)")
  boolean peerWideDense;

  @Override
  protected void run(SparkSession spark) throws Exception {
    System.out.println("# sparkae PCA vs Spark MLlib PCA, " + partitions + " partitions, BLAS "
        + Blas.implementation() + ", LAPACK " + Blas.lapack().getClass().getSimpleName());
    mnistCase(spark);
    if (!skipWide) {
      if (!skipWideDense) {
        wideCase(spark, false);
      }
      wideCase(spark, true);
    }
  }

  private void mnistCase(SparkSession spark) throws Exception {
    String path = mnist.path();
    Dataset<Row> df = DataSources.load(spark, path, "idx", Map.of()).select("features").repartition(partitions)
        .persist(StorageLevel.MEMORY_ONLY());
    long n = df.count();
    BenchSupport.Timed<PCAModel> ours = BenchSupport.best(repeats,
        () -> new PCA().setK(k).setSolver("exact").fit(df));
    BenchSupport.Timed<org.apache.spark.ml.feature.PCAModel> theirs = BenchSupport.best(repeats,
        () -> new org.apache.spark.ml.feature.PCA().setInputCol("features").setOutputCol("pca").setK(k).fit(df));
    double diff = maxRatioDifference(ours.value(), theirs.value());
    System.out.printf(Locale.ROOT, "mnist %d x 784, k=%d: sparkae %s, MLlib %s, MLlib/sparkae %s, "
        + "max |explained variance ratio difference| %.2e%n", n, k, ours.describe(), theirs.describe(),
        BenchSupport.ratio(ours, theirs), diff);
    figure(String.format(Locale.ROOT, "MNIST %d x 784, k = %d, exact", n, k), BenchSupport.ratioValue(ours, theirs),
        "MLlib s / sparkae s");
    df.unpersist();
  }

  private void wideCase(SparkSession spark, boolean sparse) {
    int n = sparse ? wideSparseRows : wideDenseRows;
    // The wide dense set (1.6 GB of doubles) is kept on disk, as input files would be: cached in memory beside the
    // fit's own cached blocks it filled the heap, and the rounds paid for it in garbage collection.
    Dataset<Row> df = wide(spark, n, wideD, sparse).persist(sparse || peerWideDense
        ? StorageLevel.MEMORY_AND_DISK() : StorageLevel.DISK_ONLY());
    df.count();
    String name = String.format(Locale.ROOT, "wide %s %d x %d%s", sparse ? "sparse" : "dense", n, wideD,
        sparse ? " (" + nnz + " nonzeros per row)" : "");
    BenchSupport.Timed<PCAModel> ours = BenchSupport.withLimit(spark, "sparkae-" + name, peerLimit,
        () -> new PCA().setK(k).fit(df));
    BenchSupport.Timed<org.apache.spark.ml.feature.PCAModel> theirs = !sparse && !peerWideDense
        ? new BenchSupport.Timed<>(0, null, "not run (pass --peer-wide-dense; it ran out of memory here)")
        : BenchSupport.withLimit(spark, "mllib-" + name, peerLimit,
            () -> new org.apache.spark.ml.feature.PCA().setInputCol("features").setOutputCol("pca").setK(k).fit(df));
    String diff = "";
    if (ours.ok() && theirs.ok()) {
      diff = String.format(Locale.ROOT, ", max |explained variance ratio difference| %.2e",
          maxRatioDifference(ours.value(), theirs.value()));
    }
    System.out.printf(Locale.ROOT, "%s, k=%d: sparkae %s (randomized), MLlib %s, MLlib/sparkae %s%s%n", name, k,
        ours.describe(), theirs.describe(), BenchSupport.ratio(ours, theirs), diff);
    if (theirs.ok() || theirs.failure().startsWith("did not finish")) {
      figure(name + ", k = " + k, BenchSupport.ratioValue(ours, theirs), "MLlib s / sparkae s");
    } else {
      figure(name + ", k = " + k, ours.ok() ? ours.seconds() : Double.NaN, "sparkae s (MLlib: " + theirs.failure()
          + ")");
    }
    df.unpersist();
  }

  /** Largest difference between the two models' explained variance ratios. */
  private static double maxRatioDifference(PCAModel ours, org.apache.spark.ml.feature.PCAModel theirs) {
    double[] a = ours.explainedVarianceRatio();
    double[] b = theirs.explainedVariance().toArray();
    double m = 0;
    for (int j = 0; j < Math.min(a.length, b.length); j++) {
      m = Math.max(m, Math.abs(a[j] - b[j]));
    }
    return m;
  }

  /**
   * Rows with a decaying spectrum: x = sum_j s_j g_j u_j + noise, u_j random directions (dense), or random sparse
   * rows whose values follow a few planted sparse directions (sparse). Generated on the executors from seeds.
   */
  private Dataset<Row> wide(SparkSession spark, int n, int d, boolean sparse) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    int per = (n + partitions - 1) / partitions;
    int rank = 20;
    int nz = nnz;
    JavaRDD<Row> rows = sc.parallelize(parts, partitions).flatMap(p -> {
      SplittableRandom base = new SplittableRandom(1234);
      // Planted directions: dense Gaussian for the dense set; for the sparse set, each direction owns a block
      // of columns so that sparse rows still have low-rank structure.
      List<Row> out = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(1000 + p);
      double[][] dirs = sparse ? null : new double[rank][d];
      if (!sparse) {
        for (int j = 0; j < rank; j++) {
          for (int i = 0; i < d; i++) {
            dirs[j][i] = gaussian(base) / Math.sqrt(d);
          }
        }
      }
      for (int i = p * per; i < Math.min(n, (p + 1) * per); i++) {
        if (sparse) {
          int j = r.nextInt(rank);
          int span = d / rank;
          TreeMap<Integer, Double> m = new TreeMap<>();
          double g = gaussian(r) * (rank - j);
          while (m.size() < nz) {
            int c = j * span + r.nextInt(span);
            m.put(c, g + 0.1 * gaussian(r));
          }
          int[] idx = m.keySet().stream().mapToInt(Integer::intValue).toArray();
          double[] val = m.values().stream().mapToDouble(Double::doubleValue).toArray();
          out.add(RowFactory.create(Vectors.sparse(d, idx, val)));
        } else {
          double[] x = new double[d];
          for (int j = 0; j < rank; j++) {
            double g = gaussian(r) * 10.0 / (j + 1);
            for (int c = 0; c < d; c++) {
              x[c] += g * dirs[j][c];
            }
          }
          for (int c = 0; c < d; c++) {
            x[c] += 0.01 * gaussian(r);
          }
          out.add(RowFactory.create((Vector) Vectors.dense(x)));
        }
      }
      return out.iterator();
    });
    return spark.createDataFrame(rows, new StructType().add("features", SQLDataTypes.VectorType(), false));
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
