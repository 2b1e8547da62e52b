package io.sparkae.evaluation;

import io.sparkae.core.SparkErrors;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Base of sparkae's Spark ML evaluators: a {@code metricName} param with its allowed values, column checks that
 * name the column and its role, sums over the rows merged in partition order (so that the same data gives the
 * same value bit for bit, whatever task finished first), {@code copy}, and persistence by Spark's default
 * params format ({@code DefaultParamsWritable}; each evaluator's static {@code read()} uses
 * {@link #reader()}). Every evaluator has a public {@code (String uid)} and a no-argument constructor, as
 * {@code defaultCopy}, Spark's reader and Spark Connect's service loader need.
 */
public abstract class LossEvaluator extends Evaluator implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> metricName;

  @SuppressWarnings("unchecked")
  protected LossEvaluator(String uid, String doc, String... metrics) {
    this.uid = uid;
    metricName = new Param<>(this, "metricName", doc + " (default: " + metrics[0] + ")",
        ParamValidators.inArray(metrics));
    setDefault(metricName, metrics[0]);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> metricName() { return metricName; }
  public String getMetricName() { return getOrDefault(metricName); }

  /** Spark's {@code DefaultParamsReader} for evaluator class {@code T}, reached through public API. */
  protected static <T extends LossEvaluator> MLReader<T> reader() {
    return new DefaultParamsReadable<T>() {}.read();
  }

  @Override
  public Evaluator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Fails unless {@code column} exists in {@code schema} and holds Spark ML vectors. */
  static void requireVector(StructType schema, String column, String role) {
    requireType(schema, column, role, SQLDataTypes.VectorType(), "vectors");
  }

  /** Fails unless {@code column} exists in {@code schema} and holds doubles (a per-row loss). */
  static void requireDouble(StructType schema, String column, String role) {
    requireType(schema, column, role, DataTypes.DoubleType, "doubles");
  }

  private static void requireType(StructType schema, String column, String role, DataType type, String what) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("the " + role + " column name is empty");
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(column)) {
      throw new IllegalArgumentException(role + " column '" + column + "' not found; the data has columns " + names
          + (role.equals("loss") ? " (set the model's lossCol, or the estimator's before fitting)"
          : role.equals("reconstruction") ? " (set the model's reconstructionCol, or the estimator's)" : ""));
    }
    DataType t = schema.apply(column).dataType();
    if (!t.equals(type)) {
      throw new IllegalArgumentException(role + " column '" + column + "' must hold " + what + " ("
          + type.simpleString() + "), found " + t.simpleString());
    }
  }

  /** Adds one row's terms to the partition's sums. */
  interface RowTerms extends Serializable {
    void add(Row row, double[] sums);
  }

  /**
   * Sums of {@code size} terms over the rows of {@code columns}: one array per partition, added in partition
   * order on the driver. Element 0 counts the rows; fails on empty data, naming {@code what}.
   */
  static double[] sums(Dataset<?> data, int size, RowTerms terms, String what, String... columns) {
    String first = columns[0];
    String[] rest = Arrays.copyOfRange(columns, 1, columns.length);
    List<double[]> parts;
    try {
      parts = data.select(first, rest).toJavaRDD().mapPartitions(
          (FlatMapFunction<Iterator<Row>, double[]>) rows -> {
            double[] s = new double[size];
            while (rows.hasNext()) {
              s[0]++;
              terms.add(rows.next(), s);
            }
            return List.of(s).iterator();
          }).collect();
    } catch (Exception e) { // a task's IllegalArgumentException arrives wrapped in a SparkException
      throw SparkErrors.rethrow(e);
    }
    double[] total = new double[size];
    for (double[] p : parts) {
      for (int i = 0; i < size; i++) {
        total[i] += p[i];
      }
    }
    if (total[0] == 0) {
      throw new IllegalArgumentException("empty data: no rows to evaluate " + what + " on");
    }
    return total;
  }

  /** The loss of a row: fails on null, naming the column. */
  static double loss(Row row, int field, String column) {
    if (row.isNullAt(field)) {
      throw new IllegalArgumentException("loss column '" + column + "' holds a null");
    }
    return row.getDouble(field);
  }
}
