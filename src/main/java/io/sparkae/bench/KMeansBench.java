package io.sparkae.bench;

import io.sparkae.core.RoundLoop;
import io.sparkae.data.IdxImages;
import io.sparkae.data.IdxReader;
import io.sparkae.linalg.Blas;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.kmeans.KMeansModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * k-means, sparkae against Spark MLlib in the same JVM. For each case (a data set and k):
 * <ol>
 *   <li>k-means|| initialisation time of both: sparkae's as its summary reports it (the blocks already cached),
 *   MLlib's as a fit with 0 iterations from k-means|| minus the same fit from given centers;</li>
 *   <li>Lloyd iterations from the same initial centers (sparkae's k-means|| result) with tol 0: MLlib's RDD-based
 *   KMeans is handed them through {@code setInitialModel} (Spark 4.2's DataFrame KMeans has no such param). Time
 *   per iteration = (fit with {@code iters} iterations - fit with 1) / (iters - 1); both final costs (the cost of
 *   the last round's assignment, MLlib's trainingCost);</li>
 *   <li>MLlib's DataFrame KMeans with its gemm "block" solver (its own k-means|| init, so its cost differs), per
 *   iteration the same way;</li>
 *   <li>a fit on an already cached DataFrame against one on an uncached DataFrame: MLlib's "row" solver (which does
 *   not cache its own copy when the input is cached) and sparkae.</li>
 * </ol>
 * Cases: an IDX image file (MNIST, Fashion-MNIST; pixels scaled to [0, 1]) with k = 10 and 100, and synthetic
 * Gaussian blobs (default 1,000,000 x 100, k = 100). Never commit data; pass the file's path.
 *
 * <p>With {@code --sparse} only a sparse case runs instead (the IDX and dense synthetic cases are skipped): planted
 * clusters of sparse rows (default 1,000,000 x 100,000, 50 nonzeros per row, k = 100; see {@link #sparseClusters}),
 * made on the executors as {@link SparseVector}s, written to Parquet and read back. It prints step 2 only: the
 * Lloyd iterations of both from the same initial centers (sparkae's k-means||), per iteration as above, both final
 * costs, their relative difference and the ratio MLlib/sparkae. MLlib gets the rows as sparse vectors, never
 * densified.
 */
@Command(name = "kmeans", mixinStandardHelpOptions = true,
    description = "k-means: sparkae vs Spark MLlib, same initial centers, per-iteration times and costs")
public final class KMeansBench extends Benchmark {

  @Option(names = "--idx", description = "IDX3 image file (gzipped or not); 'none' skips it (default: "
      + "data/mnist/train-images-idx3-ubyte.gz when fetched; not run with --sparse)")
  public String idx = Files.exists(Paths.get("data/mnist/train-images-idx3-ubyte.gz"))
      ? "data/mnist/train-images-idx3-ubyte.gz" : null;

  @Option(names = "--idx-k", split = ",", description = "k values for the IDX data (default: 10,100)")
  public int[] idxK = {10, 100};

  @Option(names = "--rows", description = "synthetic rows; 0 skips the synthetic case (default: 1000000; not run "
      + "with --sparse)")
  public long rows = 1_000_000;

  @Option(names = "--dim", description = "synthetic dimension (default: 100)")
  public int dim = 100;

  @Option(names = "--spread", description = "standard deviation of the synthetic blob means; the noise has 1 "
      + "(default: 2, well separated in 100 dimensions; 0.5 overlaps)")
  public double spread = 2.0;

  @Option(names = "--k", description = "k for the synthetic data (default: 100)")
  public int k = 100;

  @Option(names = "--sparse", description = "run only the sparse case (planted clusters of sparse rows), none of "
      + "the others")
  public boolean sparse;

  @Option(names = "--sparse-rows", description = "rows of the sparse case (default: 1000000)")
  public long sparseRows = 1_000_000;

  @Option(names = "--sparse-dim", description = "dimension of the sparse case (default: 100000)")
  public int sparseDim = 100_000;

  @Option(names = "--sparse-nnz", description = "nonzeros per row of the sparse case (default: 50)")
  public int sparseNnz = 50;

  @Option(names = "--sparse-k", description = "k for the sparse case (default: 100)")
  public int sparseK = 100;

  @Option(names = "--iters", description = "Lloyd iterations (default: 20)")
  public int iters = 20;

  @Option(names = "--partitions", description = "partitions (default: Spark's default parallelism)")
  public int partitions;

  @Option(names = "--seed", description = "seed (default: 42)")
  public long seed = 42;

  @Option(names = "--repeats", description = "runs of each timed fit, the fastest kept (default: 2)")
  public int repeats = 2;

  @Option(names = "--skip-block", description = "skip MLlib's DataFrame block solver")
  public boolean skipBlock;

  @Option(names = "--cache-test", description = "also time fits on an already cached DataFrame against an uncached "
      + "one (MLlib's row solver and sparkae; keeps MLlib busy for many minutes)")
  public boolean cacheTest;

  @Override
  protected void run(SparkSession spark) throws IOException {
    run(spark, this);
  }

  /** Runs every case of the options {@code o} on {@code spark}, printing one block of lines per case. */
  public static void run(SparkSession spark, KMeansBench o) throws IOException {
    int partitions = o.partitions > 0 ? o.partitions : spark.sparkContext().defaultParallelism();
    Path scratch = Files.createTempDirectory("sparkae-kmeans-bench");
    System.out.printf(Locale.ROOT, "BLAS: %s, OPENBLAS_NUM_THREADS=%s, Spark %s, master %s, %d partitions, %d cores%n",
        Blas.implementation(), System.getenv("OPENBLAS_NUM_THREADS"), spark.version(), spark.sparkContext().master(),
        partitions,
        Runtime.getRuntime().availableProcessors());
    try {
      if (o.sparse) {
        Dataset<Row> sparse = sparseClusters(spark, o.sparseRows, o.sparseDim, o.sparseNnz, SPARSE_CLUSTERS,
            SPARSE_TOPIC, partitions, o.seed);
        String parquet = toParquet(sparse, scratch.resolve("sparse"));
        runSparseCase(spark, spark.read().parquet(parquet).repartition(partitions), o);
        return;
      }
      if (o.idx != null && !o.idx.equals("none")) {
        String name = Paths.get(o.idx).getFileName().toString();
        String parquet = toParquet(idxFrame(spark, Paths.get(o.idx), partitions), scratch.resolve("idx"));
        for (int k : o.idxK) {
          runCase(spark, name, () -> spark.read().parquet(parquet).repartition(partitions), k, o);
        }
      }
      if (o.rows > 0) {
        Dataset<Row> blobs = blobs(spark, o.rows, o.dim, 100, o.spread, partitions, o.seed);
        String parquet = toParquet(blobs, scratch.resolve("blobs"));
        String name = "synthetic " + o.rows + "x" + o.dim + ", 100 blobs, spread " + o.spread;
        runCase(spark, name, () -> spark.read().parquet(parquet).repartition(partitions), o.k, o);
      }
    } finally {
      deleteRecursively(scratch);
    }
  }

  /**
   * Writes the data to Parquet, as real input would arrive: a DataFrame made from a driver-side collection carries
   * its rows inside every task of every job derived from it (even when cached), which would add the same large
   * constant to each round of both libraries.
   */
  private static String toParquet(Dataset<Row> df, Path dir) {
    df.write().parquet(dir.toString());
    return dir.toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** The median time of an empty RoundLoop round over the partitions of {@code df} (cached), in seconds. */
  private static double emptyRoundSeconds(Dataset<Row> df, int rounds) {
    JavaRDD<Row> rdd = df.javaRDD();
    RoundLoop<Row, Integer, long[]> loop = new RoundLoop<>(rdd, 1L,
        (st, it, ctx) -> new long[] {1}, (a, b) -> new long[] {a[0] + b[0]});
    double[] t = new double[rounds];
    for (int i = -2; i < rounds; i++) {
      long t0 = System.nanoTime();
      loop.round(0, i + 3);
      if (i >= 0) {
        t[i] = (System.nanoTime() - t0) / 1e9;
      }
    }
    return RoundBench.median(t);
  }

  private static void runCase(SparkSession spark, String name, Supplier<Dataset<Row>> source, int k, KMeansBench o) {
    Dataset<Row> df = source.get().cache();
    long n = df.count();
    int parts = df.rdd().getNumPartitions();
    System.out.printf(Locale.ROOT, "%n== %s: %d rows in %d partitions (from Parquet), k = %d, %d Lloyd iterations ==%n",
        name, n, parts, k, o.iters);
    // Warm both up (JIT, BLAS loading) on the same data: one untimed fit of each with the timed number of Lloyd
    // iterations, so that the timed fits run compiled code (a warm-up of 0 and 1 iterations left sparkae's bounded
    // rounds to be compiled during the timed fits: 0.081 s per iteration with 2 repeats, 0.061 s with 5).
    KMeansModel warm = new KMeans().setK(k).setSeed(o.seed).setMaxIter(0).fit(df);
    double[][] start = rows(warm.clusterCenters());
    sparkae(df, start, o.iters);
    mllib(df, start, o.iters);

    int r = o.repeats;
    KMeansModel sInitModel = null;
    double sInit = Double.POSITIVE_INFINITY;
    for (int i = 0; i < Math.max(1, r); i++) {
      // sparkae times its initialisation itself, after the blocks are cached.
      sInitModel = new KMeans().setK(k).setSeed(o.seed).setMaxIter(0).fit(df);
      sInit = Math.min(sInit, sInitModel.summary().initSeconds());
    }
    org.apache.spark.mllib.clustering.KMeansModel[] mInitModel = new org.apache.spark.mllib.clustering.KMeansModel[1];
    double mInit = best(r, () -> mInitModel[0] = mllibInit(df, k, o.seed)) - best(r, () -> mllib(df, start, 0));
    System.out.printf(Locale.ROOT, "k-means|| init (2 steps): sparkae %.2f s, MLlib %.2f s, MLlib/sparkae %.1fx; "
        + "cost of the initial centers: sparkae %.6e, MLlib %.6e%n", sInit, mInit, mInit / sInit,
        sInitModel.trainingCost(), mInitModel[0].computeCost(oldVectors(df).rdd()));
    String label = String.format(Locale.ROOT, "%s, k = %d", name, k);
    o.figure(label + ": k-means|| init", mInit / sInit, "MLlib s / sparkae s");

    Lloyd lloyd = lloydIterations(df, start, o, "MLlib (RDD, row)");
    double sIter = lloyd.sparkae();
    double mIter = lloyd.mllib();
    double sN = lloyd.sparkaeFit();
    String target = name.startsWith("synthetic") ? "5" : k >= 100 ? "10" : "5";
    o.figure(label + ": Lloyd iteration", mIter / sIter, "MLlib (RDD) s / sparkae s, target >= " + target);
    // The round loop's own cost beside the iteration: an empty round over the same cached partitions.
    double empty = emptyRoundSeconds(df, 15);
    System.out.printf(Locale.ROOT, "empty round over the same partitions: %.1f ms = %.0f%% of a Lloyd iteration%n",
        1e3 * empty, 100 * empty / sIter);
    o.figure(label + ": empty round / Lloyd iteration", empty / sIter, "target < 0.1");

    if (!o.skipBlock) {
      org.apache.spark.ml.clustering.KMeansModel[] block = new org.apache.spark.ml.clustering.KMeansModel[1];
      mlKMeans(df, k, 1, o.seed, "block"); // warm-up
      double b1 = best(r, () -> mlKMeans(df, k, 1, o.seed, "block"));
      double bN = best(r, () -> block[0] = mlKMeans(df, k, o.iters, o.seed, "block"));
      double bIter = (bN - b1) / (o.iters - 1);
      System.out.printf(Locale.ROOT, "MLlib DataFrame KMeans, block solver (own init): %.3f s per iteration, "
          + "block/sparkae %.1fx, cost %.12e%n", bIter, bIter / sIter, block[0].summary().trainingCost());
      o.figure(label + ": Lloyd iteration, block solver", bIter / sIter, "MLlib (DataFrame, block) s / sparkae s");
    }

    if (o.cacheTest) {
      Dataset<Row> uncached = source.get();
      double rowCached = best(1, () -> mlKMeans(df, k, o.iters, o.seed, "row"));
      double rowUncached = best(1, () -> mlKMeans(uncached, k, o.iters, o.seed, "row"));
      double oursUncached = best(1, () -> sparkae(uncached, start, o.iters));
      System.out.printf(Locale.ROOT, "fit of %d iterations, cached vs uncached DataFrame: MLlib row solver %.1f s vs "
          + "%.1f s; sparkae %.1f s vs %.1f s%n", o.iters, rowCached, rowUncached, sN, oursUncached);
    }
    df.unpersist();
  }

  /**
   * The sparse case: Lloyd iterations of sparkae and MLlib's RDD KMeans from the same initial centers (sparkae's
   * k-means||), tol 0, per iteration as (fit of iters - fit of 1) / (iters - 1), and both final costs.
   */
  private static void runSparseCase(SparkSession spark, Dataset<Row> source, KMeansBench o) {
    Dataset<Row> df = source.cache();
    long n = df.count();
    int parts = df.rdd().getNumPartitions();
    int k = o.sparseK;
    String name = String.format(Locale.ROOT, "sparse %dx%d, %d nonzeros per row, %d planted clusters", n,
        o.sparseDim, o.sparseNnz, SPARSE_CLUSTERS);
    System.out.printf(Locale.ROOT, "%n== %s: %d rows, dim %d, %d nnz/row, k = %d, %d partitions (from Parquet), "
        + "%d Lloyd iterations ==%n", name, n, o.sparseDim, o.sparseNnz, k, parts, o.iters);
    // Warm both up (JIT, BLAS loading) on the same data; sparkae's k-means|| gives the initial centers of both.
    KMeansModel init = new KMeans().setK(k).setSeed(o.seed).setMaxIter(0).fit(df);
    double[][] start = rows(init.clusterCenters());
    System.out.printf(Locale.ROOT, "sparkae k-means|| init (the warm-up fit): %.2f s, cost %.6e%n",
        init.summary().initSeconds(), init.trainingCost());
    mllib(df, start, 1);

    Lloyd lloyd = lloydIterations(df, start, o, "MLlib (RDD, row, sparse vectors)");
    double sIter = lloyd.sparkae();
    double mIter = lloyd.mllib();
    o.figure(String.format(Locale.ROOT, "%s, k = %d: Lloyd iteration", name, k), mIter / sIter,
        "MLlib (RDD) s / sparkae s");
    df.unpersist();
  }

  /** Seconds per Lloyd iteration of both, and sparkae's whole fit of {@code iters} iterations. */
  private record Lloyd(double sparkae, double mllib, double sparkaeFit) {}

  /**
   * Lloyd iterations of both from the same centers, tol 0: seconds per iteration = (fit with iters - fit with 1) /
   * (iters - 1), the fastest of the repeats; prints both and the final costs.
   */
  private static Lloyd lloydIterations(Dataset<Row> df, double[][] start, KMeansBench o, String mllibName) {
    int r = o.repeats;
    KMeansModel[] ours = new KMeansModel[1];
    double s1 = best(r, () -> sparkae(df, start, 1));
    double sN = best(r, () -> ours[0] = sparkae(df, start, o.iters));
    org.apache.spark.mllib.clustering.KMeansModel[] theirs = new org.apache.spark.mllib.clustering.KMeansModel[1];
    double m1 = best(r, () -> mllib(df, start, 1));
    double mN = best(r, () -> theirs[0] = mllib(df, start, o.iters));
    double sIter = (sN - s1) / (o.iters - 1);
    double mIter = (mN - m1) / (o.iters - 1);
    double[] h = ours[0].summary().objectiveHistory();
    double sCost = h[h.length - 1];
    double mCost = theirs[0].trainingCost();
    System.out.printf(Locale.ROOT, "Lloyd per iteration: sparkae %.3f s, %s %.3f s, MLlib/sparkae %.1fx"
        + "  [fits of %d: %.1f s vs %.1f s]%n", sIter, mllibName, mIter, mIter / sIter, o.iters, sN, mN);
    System.out.printf(Locale.ROOT, "final cost: sparkae %.12e (%d rounds), MLlib %.12e (%d rounds), relative "
        + "difference %.1e%n", sCost, h.length, mCost, theirs[0].numIter(), Math.abs(sCost - mCost) / mCost);
    return new Lloyd(sIter, mIter, sN);
  }

  private static KMeansModel sparkae(Dataset<Row> df, double[][] start, int iters) {
    return new KMeans().setInitialCenters(start).setMaxIter(iters).setTol(0).fit(df);
  }

  private static JavaRDD<org.apache.spark.mllib.linalg.Vector> oldVectors(Dataset<Row> df) {
    return df.select("features").toJavaRDD()
        .map(r -> org.apache.spark.mllib.linalg.Vectors.fromML((Vector) r.get(0)));
  }

  private static org.apache.spark.mllib.clustering.KMeansModel mllib(Dataset<Row> df, double[][] start, int iters) {
    org.apache.spark.mllib.linalg.Vector[] init = new org.apache.spark.mllib.linalg.Vector[start.length];
    for (int j = 0; j < start.length; j++) {
      init[j] = org.apache.spark.mllib.linalg.Vectors.dense(start[j]);
    }
    return new org.apache.spark.mllib.clustering.KMeans().setK(start.length).setMaxIterations(iters).setEpsilon(0)
        .setInitialModel(new org.apache.spark.mllib.clustering.KMeansModel(init)).run(oldVectors(df).rdd());
  }

  private static org.apache.spark.mllib.clustering.KMeansModel mllibInit(Dataset<Row> df, int k, long seed) {
    return new org.apache.spark.mllib.clustering.KMeans().setK(k).setMaxIterations(0).setSeed(seed)
        .setInitializationMode("k-means||").setInitializationSteps(2).run(oldVectors(df).rdd());
  }

  private static org.apache.spark.ml.clustering.KMeansModel mlKMeans(Dataset<Row> df, int k, int iters, long seed,
      String solver) {
    return new org.apache.spark.ml.clustering.KMeans().setK(k).setMaxIter(iters).setTol(0).setSeed(seed)
        .setSolver(solver).setFeaturesCol("features").fit(df);
  }

  /** The fastest of {@code repeats} runs, in seconds (the machine may be shared). */
  private static double best(int repeats, Runnable r) {
    try {
      return BenchSupport.best(Math.max(1, repeats), () -> {
        r.run();
        return null;
      }).seconds();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[][] rows(Vector[] v) {
    double[][] out = new double[v.length][];
    for (int j = 0; j < v.length; j++) {
      out[j] = v[j].toArray();
    }
    return out;
  }

  private static final StructType SCHEMA = new StructType().add("features", SQLDataTypes.VectorType(), false);

  /** Gaussian blobs: {@code centers} means ~ N(0, spread^2 I) in R^d, unit-variance noise; made on the executors. */
  static Dataset<Row> blobs(SparkSession spark, long rows, int d, int centers, double spread, int partitions,
      long seed) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(parts, partitions)
        .mapPartitions(it -> {
          int p = it.next();
          double[][] means = new double[centers][d];
          SplittableRandom r = new SplittableRandom(seed);
          for (double[] m : means) {
            for (int i = 0; i < d; i++) {
              m[i] = spread * gaussian(r);
            }
          }
          long count = rows / partitions + (p < rows % partitions ? 1 : 0);
          SplittableRandom g = new SplittableRandom(seed * 31 + p + 1);
          return new Iterator<Row>() {
            long made;

            @Override
            public boolean hasNext() {
              return made < count;
            }

            @Override
            public Row next() {
              made++;
              double[] m = means[g.nextInt(centers)];
              double[] x = new double[d];
              for (int i = 0; i < d; i++) {
                x[i] = m[i] + gaussian(g);
              }
              return RowFactory.create(Vectors.dense(x));
            }
          };
        });
    return spark.createDataFrame(rdd, SCHEMA);
  }

  /** Planted clusters of the sparse case. */
  static final int SPARSE_CLUSTERS = 100;
  /**
   * "Topic" features each planted cluster owns (fewer when the dimension is smaller): 100, so that two rows of a
   * cluster share about 16 of their 40 topic features and the clusters are visible to the Euclidean distance (with
   * 500, rows of a cluster shared about 3 and k-means found one giant cluster and 99 single rows).
   */
  static final int SPARSE_TOPIC = 100;

  /**
   * Planted clusters of sparse rows, made on the executors: each of {@code clusters} clusters owns a random set of
   * {@code topic} features (the same sets on every partition, drawn from {@code seed}); a row picks a cluster,
   * draws 80% of its {@code nnz} distinct features from the cluster's set and the rest uniformly from all
   * {@code d}, each value 1 + Exp(1) noise (positive, like term counts). A {@link SparseVector} per row (indices
   * sorted and distinct), each partition's rows from a generator seeded by ({@code seed}, partition).
   */
  static Dataset<Row> sparseClusters(SparkSession spark, long rows, int d, int nnz, int clusters, int topic,
      int partitions, long seed) {
    if (nnz < 1 || nnz > d) {
      throw new IllegalArgumentException("--sparse-nnz must be in [1, --sparse-dim], got " + nnz + " for d = " + d);
    }
    int t = Math.min(topic, d);
    int fromTopic = Math.min(t, (int) Math.round(0.8 * nnz));
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(parts, partitions)
        .mapPartitionsWithIndex((p, ignored) -> {
          // The clusters' feature sets: t distinct features each, the same on every partition.
          SplittableRandom r = new SplittableRandom(seed);
          boolean[] taken = new boolean[d];
          int[][] sets = new int[clusters][];
          for (int c = 0; c < clusters; c++) {
            sets[c] = distinct(r, t, d, null, taken, new int[t], 0);
            for (int j : sets[c]) {
              taken[j] = false;
            }
          }
          long count = rows / partitions + (p < rows % partitions ? 1 : 0);
          SplittableRandom g = new SplittableRandom(seed * 31 + p + 1);
          return new Iterator<Row>() {
            long made;

            @Override
            public boolean hasNext() {
              return made < count;
            }

            @Override
            public Row next() {
              made++;
              int[] set = sets[g.nextInt(clusters)];
              int[] idx = new int[nnz];
              distinct(g, fromTopic, set.length, set, taken, idx, 0);
              distinct(g, nnz - fromTopic, d, null, taken, idx, fromTopic);
              for (int j : idx) {
                taken[j] = false;
              }
              Arrays.sort(idx);
              double[] val = new double[nnz];
              for (int i = 0; i < nnz; i++) {
                val[i] = 1 - Math.log(1 - g.nextDouble());
              }
              return RowFactory.create(new SparseVector(d, idx, val));
            }
          };
        }, false);
    return spark.createDataFrame(rdd, SCHEMA);
  }

  /**
   * Fills {@code out[from, from + count)} with features not yet {@code taken}, drawn uniformly from
   * {@code pool[0, size)} (or from [0, size) when pool is null), and marks them taken; returns {@code out}.
   */
  private static int[] distinct(SplittableRandom r, int count, int size, int[] pool, boolean[] taken, int[] out,
      int from) {
    for (int i = from; i < from + count; ) {
      int j = r.nextInt(size);
      int f = pool == null ? j : pool[j];
      if (!taken[f]) {
        taken[f] = true;
        out[i++] = f;
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** The images of an IDX3 file (gzipped or not, read by {@link IdxReader}) as a features column, in [0, 1]. */
  static Dataset<Row> idxFrame(SparkSession spark, Path file, int partitions) {
    IdxImages idx = IdxReader.readImages(file.toString());
    int d = idx.pixelsPerImage();
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < idx.count(); i++) {
      images.add(Arrays.copyOfRange(idx.pixels(), i * d, (i + 1) * d));
    }
    JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(images, partitions)
        .map(b -> {
          double[] x = new double[b.length];
          for (int i = 0; i < b.length; i++) {
            x[i] = (b[i] & 0xff) / 255.0;
          }
          return RowFactory.create(Vectors.dense(x));
        });
    return spark.createDataFrame(rdd, SCHEMA);
  }
}
