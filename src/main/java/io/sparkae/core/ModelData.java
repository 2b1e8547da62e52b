package io.sparkae.core;

import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The arrays of a fitted model, by name (for example "mean" d x 1 and "components" d x k), saved as one Parquet
 * file under {@code data/} with columns (name, rows, cols, values). Reading checks that every array is there and
 * has the size its shape says.
 */
public final class ModelData {
  private static final StructType SCHEMA = new StructType()
      .add("name", DataTypes.StringType, false)
      .add("rows", DataTypes.IntegerType, false)
      .add("cols", DataTypes.IntegerType, false)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  private final Map<String, DenseMatrix> arrays = new LinkedHashMap<>();
  private final String path;

  public ModelData() {
    this("(in memory)");
  }

  private ModelData(String path) {
    this.path = path;
  }

  public ModelData put(String name, DenseMatrix m) {
    arrays.put(name, m);
    return this;
  }

  public ModelData put(String name, double[] v) {
    return put(name, new DenseMatrix(v.length, 1, v));
  }

  public ModelData put(String name, double scalar) {
    return put(name, new double[] {scalar});
  }

  public DenseMatrix matrix(String name) {
    DenseMatrix m = arrays.get(name);
    if (m == null) {
      throw new IllegalArgumentException("corrupt model at " + path + ": data/ lacks the array '" + name
          + "' (found " + arrays.keySet() + ")");
    }
    return m;
  }

  /** The named array, checked to be rows x cols. */
  public DenseMatrix matrix(String name, int rows, int cols) {
    DenseMatrix m = matrix(name);
    if (m.rows != rows || m.cols != cols) {
      throw new IllegalArgumentException("corrupt model at " + path + ": array '" + name + "' is " + m.shape()
          + ", expected " + rows + "x" + cols);
    }
    return m;
  }

  public double[] vector(String name) {
    return matrix(name).values;
  }

  public double scalar(String name) {
    return matrix(name, 1, 1).values[0];
  }

  public void write(SparkSession spark, String dir) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, DenseMatrix> e : arrays.entrySet()) {
      DenseMatrix m = e.getValue();
      double[] v = java.util.Arrays.copyOf(m.values, m.rows * m.cols);
      rows.add(RowFactory.create(e.getKey(), m.rows, m.cols, v));
    }
    spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(dir);
  }

  public static ModelData read(SparkSession spark, String modelPath, String dir) {
    ModelData data = new ModelData(modelPath);
    List<Row> rows;
    try {
      Dataset<Row> df = spark.read().parquet(dir);
      rows = df.select("name", "rows", "cols", "values").collectAsList();
    } catch (Exception e) {
      // Spark's AnalysisException (a missing or unreadable folder) is a checked exception thrown undeclared.
      throw new IllegalArgumentException("corrupt model at " + modelPath + ": cannot read data/ (" + e.getMessage()
          + ")", e);
    }
    for (Row r : rows) {
      String name = r.getString(0);
      int nr = r.getInt(1);
      int nc = r.getInt(2);
      List<Double> vals = r.getList(3);
      if ((long) nr * nc != vals.size()) {
        throw new IllegalArgumentException("corrupt model at " + modelPath + ": array '" + name + "' says " + nr
            + "x" + nc + " but holds " + vals.size() + " values");
      }
      double[] v = new double[vals.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = vals.get(i);
      }
      data.arrays.put(name, new DenseMatrix(nr, nc, v));
    }
    return data;
  }
}
