package io.sparkae.core;

import io.sparkae.data.DataSources;
import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The vector input column of a fit or a transform: schema checks with messages that name the column, the row
 * count check for empty data, the vector size d, and the image shape when a data source tagged the column.
 */
public final class InputColumn {
  private InputColumn() {}

  /** Fails unless {@code column} exists in {@code schema} and holds Spark ML vectors. */
  public static StructField requireVector(StructType schema, String column) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("the input column name is empty");
    }
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("input column '" + column + "' not found; the data has columns "
          + Arrays.toString(schema.fieldNames()));
    }
    StructField f = schema.apply(column);
    DataType t = f.dataType();
    if (!t.equals(SQLDataTypes.VectorType())) {
      throw new IllegalArgumentException("input column '" + column + "' must hold vectors (" 
          + SQLDataTypes.VectorType().simpleString() + "), found " + t.simpleString());
    }
    return f;
  }

  /** Fails unless {@code column} exists in {@code schema} and holds numbers; {@code role} names it ("weight"). */
  public static void requireNumeric(StructType schema, String column, String role) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(role + " column '" + column + "' not found; the data has columns "
          + Arrays.toString(schema.fieldNames()));
    }
    DataType t = schema.apply(column).dataType();
    if (!(t instanceof NumericType)) {
      throw new IllegalArgumentException(role + " column '" + column + "' must hold numbers, found "
          + t.simpleString());
    }
  }

  /** Fails when an output column would overwrite an existing one. */
  public static void requireAbsent(StructType schema, String column, String role) {
    if (column != null && !column.isEmpty() && Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(role + " column '" + column + "' already exists in the data; choose another"
          + " name");
    }
  }

  /**
   * The column's rows in Spark SQL's internal format, for {@link io.sparkae.data.RowCursor#ofInternalRows}: the
   * fast path of every fit (no Vector object and no array allocated per row).
   */
  public static JavaRDD<InternalRow> internalRows(Dataset<?> data, String column) {
    return data.select(column).queryExecution().toRdd().toJavaRDD();
  }

  /**
   * The vector size d, read from the first row; fails with "empty data" when there is none. The first row's size
   * is the reference: every other row is checked against it while blocking.
   */
  public static int dimension(Dataset<?> data, String column) {
    Object[] first = (Object[]) data.select(column).na().drop().limit(1).collect();
    if (first.length == 0) {
      throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
    }
    Vector v = (Vector) ((Row) first[0]).get(0);
    if (v.size() < 1) {
      throw new IllegalArgumentException("input column '" + column + "' holds vectors of size 0");
    }
    return v.size();
  }

  /** {height, width} when the column's metadata says rows are images (set by the data sources). */
  public static Optional<int[]> imageShape(StructField f) {
    return DataSources.imageShape(f);
  }
}
