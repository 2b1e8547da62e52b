package io.sparkae.cluster;

import io.sparkae.core.Seeds;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Planted low-rank rows (see {@link Planted#lowRank}) generated inside each partition from (seed, partition), so
 * that local mode and a cluster see the same rows in the same partitions and the same order, and a partition lost
 * with its executor is regenerated identically from the lineage. No shuffle: partition p always holds rows
 * p * rowsPerPartition .. (p + 1) * rowsPerPartition - 1.
 */
public final class ClusterData {
  private ClusterData() {}

  /** The shape of a data set: partitions x rowsPerPartition rows of dimension d around a rank-k subspace. */
  public record Spec(int partitions, int rowsPerPartition, int d, int k, double noise, long seed)
      implements java.io.Serializable {

    /** Parses "partitions,rowsPerPartition,d,k,noise,seed" (the form apps take on their command line). */
    public static Spec parse(String s) {
      String[] f = s.split(",");
      if (f.length != 6) {
        throw new IllegalArgumentException("expected partitions,rowsPerPartition,d,k,noise,seed, got '" + s + "'");
      }
      return new Spec(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
          Integer.parseInt(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5]));
    }

    public String format() {
      return partitions + "," + rowsPerPartition + "," + d + "," + k + "," + noise + "," + seed;
    }
  }

  /** A "features" vector column with spec.partitions() partitions. */
  public static Dataset<Row> frame(SparkSession spark, Spec spec) {
    return frame(spark, spec, null);
  }

  /**
   * The same rows; with a {@code killHookDir}, the first attempt to generate the last partition also writes
   * {@code killHookDir/kill-me} ("appId executorId") and then waits up to 120 s, so that a test can kill the
   * executor while it runs a task of the job. It does so once per folder (the file {@code hooked} marks it): the
   * retried task and later recomputations go ahead at once, and generate the same rows.
   */
  public static Dataset<Row> frame(SparkSession spark, Spec spec, String killHookDir) {
    DenseMatrix u = Planted.orthonormal(spec.d(), spec.k(), spec.seed());
    double[] uValues = u.values;
    double[] scales = new double[spec.k()];
    for (int j = 0; j < spec.k(); j++) {
      scales[j] = 10.0 / (j + 1);
    }
    double[] mu = new double[spec.d()];
    for (int i = 0; i < spec.d(); i++) {
      mu[i] = 100 + i;
    }
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < spec.partitions(); p++) {
      parts.add(p);
    }
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(parts, spec.partitions())
        .mapPartitionsWithIndex((p, ignored) -> {
          if (killHookDir != null && p == spec.partitions() - 1 && TaskContext.get().attemptNumber() == 0) {
            waitToBeKilled(Path.of(killHookDir));
          }
          DenseMatrix basis = new DenseMatrix(spec.d(), spec.k(), uValues);
          double[][] x = Planted.lowRank(spec.rowsPerPartition(), basis, scales, mu, spec.noise(),
              Seeds.derive(spec.seed(), 0, p));
          List<Row> out = new ArrayList<>(x.length);
          for (double[] r : x) {
            out.add(RowFactory.create(Vectors.dense(r)));
          }
          return out.iterator();
        }, true);
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(rows, schema);
  }

  private static void waitToBeKilled(Path dir) throws IOException, InterruptedException {
    try {
      Files.createFile(dir.resolve("hooked"));
    } catch (FileAlreadyExistsException once) {
      return;
    }
    Path tmp = dir.resolve("kill-me.tmp");
    Files.writeString(tmp, SparkEnv.get().conf().getAppId() + " " + SparkEnv.get().executorId() + "\n",
        StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve("kill-me"), StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(120_000);
  }
}
