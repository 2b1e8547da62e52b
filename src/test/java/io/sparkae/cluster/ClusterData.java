package io.sparkae.cluster;

import io.sparkae.core.Seeds;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.testing.Planted;
import java.util.ArrayList;
import java.util.List;
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
}
