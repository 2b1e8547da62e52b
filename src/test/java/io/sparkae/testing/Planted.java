package io.sparkae.testing;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.Orthonormalize;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Seeded synthetic data with planted structure, and the helpers tests use to compare subspaces. */
public final class Planted {
  private Planted() {}

  public static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** A random d x k matrix with orthonormal columns. */
  public static DenseMatrix orthonormal(int d, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DenseMatrix a = new DenseMatrix(d, k);
    for (int i = 0; i < a.values.length; i++) {
      a.values[i] = gaussian(r);
    }
    return Orthonormalize.q(a);
  }

  /**
   * Rows x = mu + U diag(scales) g + noise * e with g, e standard normal: a rank-k subspace spanned by U's columns.
   */
  public static double[][] lowRank(int n, DenseMatrix u, double[] scales, double[] mu, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = u.rows;
    int k = u.cols;
    double[][] rows = new double[n][d];
    double[] g = new double[k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        g[j] = gaussian(r) * scales[j];
      }
      for (int a = 0; a < d; a++) {
        double v = mu[a];
        for (int j = 0; j < k; j++) {
          v += u.get(a, j) * g[j];
        }
        rows[i][a] = v + (noise > 0 ? noise * gaussian(r) : 0);
      }
    }
    return rows;
  }

  public static Dataset<Row> frame(SparkSession spark, double[][] rows, int partitions) {
    List<Row> list = new ArrayList<>();
    for (double[] x : rows) {
      list.add(RowFactory.create(Vectors.dense(x)));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(list, schema).repartition(partitions);
  }

  /**
   * Sines of the principal angles between the column spaces of two matrices with orthonormal columns: the
   * singular values of (I - A A^T) B, via the eigenvalues of B^T B - (A^T B)^T (A^T B). Returns the largest.
   */
  public static double largestPrincipalAngleSine(DenseMatrix a, DenseMatrix b) {
    DenseMatrix atb = DenseMatrix.multiply(a, true, b, false);
    DenseMatrix m = DenseMatrix.multiply(b, true, b, false);
    DenseMatrix p = DenseMatrix.multiply(atb, true, atb, false);
    m.addScaled(-1.0, p);
    double max = 0;
    io.sparkae.linalg.SymmetricEigen e = io.sparkae.linalg.SymmetricEigen.top(m, 1);
    max = Math.max(max, e.values[0]);
    return Math.sqrt(Math.max(0, max));
  }
}
