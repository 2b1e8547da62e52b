package io.sparkae.data;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.mllib.util.MLUtils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Brings a DataFrame read from a tabular source to the shape sparkae expects: one {@code features} column of
 * Spark ML vectors (and an optional {@code label} double), whatever the source called or typed its columns.
 *
 * <p>A features column may be an ML vector, an old {@code mllib} vector, an array of numbers, or a struct with
 * the fields of a vector written as JSON ({@code type, size, indices, values}); without one, every numeric column
 * except the label is assembled into a vector, in column order, every cell checked (file, line and column named).
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
    return fromVectorColumn(df, featuresCol, labelCol, List.of(), where);
  }

  /**
   * As {@link #fromVectorColumn(Dataset, String, String, String)}, with the columns {@code keep} of {@code df}
   * carried after features (and label) unchanged; each must exist and be neither of those two.
   */
  static Dataset<Row> fromVectorColumn(Dataset<Row> df, String featuresCol, String labelCol, List<String> keep,
      String where) {
    for (String c : keep) {
      field(df, c, where); // throws, listing the columns there are
      if (c.equals(featuresCol) || c.equals(labelCol) || c.equals(DataSources.FEATURES)
          || c.equals(DataSources.LABEL) && labelCol != null) {
        throw new IllegalArgumentException("option keep: column '" + c + "' of " + where + " is the features or "
            + "the label column, which the output has already");
      }
    }
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
    Dataset<Row> out = select(df, features.as(DataSources.FEATURES, f.metadata()), labelCol, where);
    if (keep.isEmpty()) {
      return out;
    }
    // The same projection of df (select checked the label above), the kept columns beside: no join.
    List<Column> all = new ArrayList<>();
    all.add(features.as(DataSources.FEATURES, f.metadata()));
    if (labelCol != null) {
      all.add(df.col(quote(labelCol)).cast(DataTypes.DoubleType).as(DataSources.LABEL));
    }
    for (String c : keep) {
      all.add(df.col(quote(c)));
    }
    return df.select(all.toArray(new Column[0]));
  }

  /**
   * Assembles every column except {@code labelCol} into {@code features}; all of them must be numeric, else the
   * error names each column that is not, with its type.
   */
  static Dataset<Row> assemble(Dataset<Row> df, String labelCol, String where, String kind) {
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
    if (!bad.isEmpty() && kind.startsWith("csv")) {
      long rows = df.limit(2).count();
      if (rows == 0) {
        throw new IllegalArgumentException("no data rows in " + where + ": it holds only a header");
      }
      if (rows == 1 && inputs.isEmpty() && !kind.equals("csv-header")) {
        throw new IllegalArgumentException("no data rows in " + where + ": it holds one line, of names (a header"
            + " without data?)");
      }
      // A number column with null cells written as text ("null", "NA" ...) reads as strings: read those cells as
      // empty, so that the cell check below names the first one's file, line and column.
      boolean retyped = false;
      for (StructField f : df.schema().fields()) {
        if (f.dataType() instanceof StringType && !f.name().equals(labelCol)) {
          Column c = df.col(quote(f.name()));
          Column asNumber = c.try_cast(DataTypes.DoubleType);
          boolean onlyNullTokens = df.where(c.isNotNull().and(asNumber.isNull())
              .and(org.apache.spark.sql.functions.upper(org.apache.spark.sql.functions.trim(c)).isin(NULL_TOKENS)
                  .unary_$bang())).isEmpty();
          if (onlyNullTokens) {
            df = df.withColumn(f.name(), asNumber);
            retyped = true;
          }
        }
      }
      if (retyped) {
        return assemble(df, labelCol, where, kind);
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
    return checkedAssembly(df, inputs, labelCol, where, kind);
  }

  /** Text that CSV writers put in an empty number cell. */
  private static final Object[] NULL_TOKENS = {"NULL", "NONE", "NA", "N/A", "NAN", "-"};

  /** The hidden file-source columns a row's file and block come from (see {@link #checkedAssembly}). */
  private static final String FILE = "__sparkae_file";
  private static final String BLOCK = "__sparkae_block";

  /**
   * The numeric {@code inputs} as one {@code features} vector (ML attribute metadata giving its size), every cell
   * checked: a null (an empty CSV cell), NaN or infinite value stops the job with the file, the line (CSV and JSON,
   * counting a header) or row (Parquet), and the column. Rows are counted per file within a task; a file that
   * Spark split into blocks (larger than {@code spark.sql.files.maxPartitionBytes}) has its rows counted from the
   * block's first byte, which the message then names.
   */
  private static Dataset<Row> checkedAssembly(Dataset<Row> df, List<String> inputs, String labelCol, String where,
      String kind) {
    List<Column> cols = new ArrayList<>();
    for (String c : inputs) {
      cols.add(df.col(quote(c)));
    }
    boolean withLabel = labelCol != null;
    if (withLabel) {
      cols.add(df.col(quote(labelCol)));
    }
    if (withLabel) {
      StructField label = field(df, labelCol, where);
      if (!(label.dataType() instanceof NumericType)) {
        throw new IllegalArgumentException("label column '" + labelCol + "' of " + where + " has type "
            + label.dataType().simpleString() + ", expected a numeric column");
      }
    }
    boolean located;
    try {
      Column file = df.col("_metadata.file_path").as(FILE);
      Column block = df.col("_metadata.file_block_start").as(BLOCK);
      cols.add(file);
      cols.add(block);
      located = true;
    } catch (RuntimeException e) {
      located = false; // not a file source: rows are counted per task
    }
    Dataset<Row> selected = df.select(cols.toArray(new Column[0]));
    StructType out = new StructType().add(new StructField(DataSources.FEATURES, new VectorUDT(), false,
        new AttributeGroup(DataSources.FEATURES, inputs.size()).toMetadata()));
    if (withLabel) {
      out = out.add(DataSources.LABEL, DataTypes.DoubleType, true);
    }
    final String[] names = inputs.toArray(new String[0]);
    final boolean hasFile = located;
    final int firstLine = kind.equals("csv-header") ? 2 : 1;
    final String unit = kind.startsWith("csv") || kind.equals("json") ? "line" : "row";
    final String fmt = kind.startsWith("csv") ? "CSV" : kind.equals("json") ? "JSON" : "Parquet";
    return selected.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
        new Iterator<Row>() {
          private String file;
          private long block;
          private long index;

          @Override
          public boolean hasNext() {
            return rows.hasNext();
          }

          @Override
          public Row next() {
            Row r = rows.next();
            if (hasFile) {
              String f = local(r.getString(r.length() - 2));
              long b = r.isNullAt(r.length() - 1) ? 0 : r.getLong(r.length() - 1);
              if (!f.equals(file) || b != block) {
                file = f;
                block = b;
                index = 0;
              }
            }
            double[] v = new double[names.length];
            for (int i = 0; i < names.length; i++) {
              String bad = null;
              if (r.isNullAt(i)) {
                bad = "is empty (or null)";
              } else {
                v[i] = ((Number) r.get(i)).doubleValue();
                if (Double.isNaN(v[i])) {
                  bad = "holds NaN";
                } else if (Double.isInfinite(v[i])) {
                  bad = "holds " + v[i];
                }
              }
              if (bad != null) {
                String at = !hasFile ? where + ", row " + (index + 1)
                    : fmt + " file " + file + ", " + (block == 0 ? unit + " " + (index + firstLine)
                        : "record " + (index + 1) + " after byte " + block);
                throw new IllegalArgumentException(at + ", column " + (i + 1) + " ('" + names[i] + "') " + bad
                    + ": expected a finite number in every feature cell");
              }
            }
            index++;
            Vector vec = Vectors.dense(v);
            return withLabel ? RowFactory.create(vec, r.isNullAt(names.length) ? null
                : ((Number) r.get(names.length)).doubleValue()) : RowFactory.create(vec);
          }
        }, Encoders.row(out));
  }

  /** A file URI as a plain path when it is local ({@code file:/a%20b} as {@code /a b}). */
  static String local(String uri) {
    if (uri != null && uri.startsWith("file:")) {
      try {
        return new URI(uri).getPath();
      } catch (URISyntaxException e) {
        return uri.substring("file:".length());
      }
    }
    return uri;
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
