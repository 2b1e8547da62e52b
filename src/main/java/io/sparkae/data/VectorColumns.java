package io.sparkae.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.mllib.util.MLUtils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Brings a DataFrame read from a tabular source to the shape sparkae expects: one {@code features} column of
 * Spark ML vectors (and an optional {@code label} double), whatever the source called or typed its columns.
 *
 * <p>A features column may be an ML vector, an old {@code mllib} vector, an array of numbers, or a struct with
 * the fields of a vector written as JSON ({@code type, size, indices, values}); without one, every numeric column
 * except the label is assembled into a vector with Spark ML's {@link VectorAssembler}, in column order.
 */
final class VectorColumns {
  /** The fields of {@link VectorUDT}'s storage struct, as a JSON file written by Spark holds them. */
  private static final List<String> VECTOR_FIELDS = List.of("indices", "size", "type", "values");

  private VectorColumns() {}

  /** True if {@code t} is the storage struct of a vector, as JSON schema inference sees it. */
  static boolean isVectorStruct(DataType t) {
    if (!(t instanceof StructType s)) {
      return false;
    }
    List<String> names = Arrays.stream(s.fieldNames()).sorted().collect(Collectors.toList());
    return names.equals(VECTOR_FIELDS);
  }

  /**
   * The schema to re-read a JSON source with so that Spark's JSON parser builds vectors itself: every vector-shaped
   * struct field replaced by {@link VectorUDT}.
   */
  static StructType withVectorTypes(StructType schema) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      if (isVectorStruct(fields[i].dataType())) {
        StructField f = fields[i];
        fields[i] = new StructField(f.name(), new VectorUDT(), f.nullable(), f.metadata());
      }
    }
    return new StructType(fields);
  }

  /**
   * Selects {@code features} (from column {@code featuresCol}) and, if {@code labelCol} is not null,
   * {@code label} cast to double. {@code where} names the source in error messages.
   */
  static Dataset<Row> fromVectorColumn(Dataset<Row> df, String featuresCol, String labelCol, String where) {
    StructField f = field(df, featuresCol, where);
    DataType t = f.dataType();
    Column features;
    if (t instanceof VectorUDT) {
      features = df.col(quote(featuresCol));
    } else if (t instanceof org.apache.spark.mllib.linalg.VectorUDT) {
      df = MLUtils.convertVectorColumnsToML(df, featuresCol);
      features = df.col(quote(featuresCol));
    } else if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
      features = functions.array_to_vector(
          df.col(quote(featuresCol)).cast(DataTypes.createArrayType(DataTypes.DoubleType)));
    } else {
      throw new IllegalArgumentException("column '" + featuresCol + "' of " + where + " has type "
          + t.simpleString() + ", expected a vector or an array of numbers");
    }
    return select(df, features.as(DataSources.FEATURES, f.metadata()), labelCol, where);
  }

  /**
   * Assembles every column except {@code labelCol} into {@code features}; all of them must be numeric, else the
   * error names each column that is not, with its type.
   */
  static Dataset<Row> assemble(Dataset<Row> df, String labelCol, String where) {
    List<String> inputs = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(labelCol)) {
        continue;
      }
      if (f.dataType() instanceof NumericType) {
        inputs.add(f.name());
      } else {
        bad.add("'" + f.name() + "' (" + f.dataType().simpleString() + ")");
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("non-numeric column" + (bad.size() > 1 ? "s " : " ") + String.join(", ", bad)
          + " in " + where + ": expected numeric feature columns"
          + (labelCol == null ? " (name a label column with option labelCol to keep it separate)"
              : " besides the label column '" + labelCol + "'"));
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no feature columns in " + where + ": found only "
          + Arrays.toString(df.columns()) + ", expected at least one numeric column besides the label");
    }
    String tmp = "__sparkae_features";
    Dataset<Row> assembled = new VectorAssembler()
        .setInputCols(inputs.toArray(new String[0]))
        .setOutputCol(tmp)
        .setHandleInvalid("error")
        .transform(df);
    StructField out = assembled.schema().apply(tmp);
    return select(assembled, assembled.col(tmp).as(DataSources.FEATURES, out.metadata()), labelCol, where);
  }

  /** The field named {@code name}, or an error listing the columns there are. */
  static StructField field(Dataset<Row> df, String name, String where) {
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no column '" + name + "' in " + where + ": found columns "
        + Arrays.toString(df.columns()));
  }

  private static Dataset<Row> select(Dataset<Row> df, Column features, String labelCol, String where) {
    if (labelCol == null) {
      return df.select(features);
    }
    StructField label = field(df, labelCol, where);
    if (!(label.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException("label column '" + labelCol + "' of " + where + " has type "
          + label.dataType().simpleString() + ", expected a numeric column");
    }
    return df.select(features, df.col(quote(labelCol)).cast(DataTypes.DoubleType).as(DataSources.LABEL));
  }

  /** Backquotes a column name so that dots and spaces in CSV headers are taken literally. */
  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
