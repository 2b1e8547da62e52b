package io.sparkae.core;

import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The arrays of a fitted model, by name (for example "mean" d x 1 and "components" d x k), and its settings as
 * named, typed text values (enums by name, integers, reals, flags, integer lists), saved as one Parquet file under
 * {@code data/} with columns (name, rows, cols, values, text): a setting is a row named {@code setting:NAME} with
 * its value in {@code text}. Reading checks that every array is there and has the size its shape says, and that
 * every setting parses as its type (an enum setting names the allowed values when it does not). Format-1 models
 * (before settings) have no text column; their readers take the old arrays.
 */
public final class ModelData {
  private static final StructType SCHEMA = new StructType()
      .add("name", DataTypes.StringType, false)
      .add("rows", DataTypes.IntegerType, false)
      .add("cols", DataTypes.IntegerType, false)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("text", DataTypes.StringType, true);
  private static final String SETTING = "setting:";

  private final Map<String, DenseMatrix> arrays = new LinkedHashMap<>();
  private final Map<String, String> settings = new LinkedHashMap<>();
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

  /** A setting by name: its value's text (an enum's name, a number, a flag, a comma-separated list). */
  public ModelData set(String name, Object value) {
    String text;
    if (value instanceof Enum<?> e) {
      text = e.name();
    } else if (value instanceof int[] v) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < v.length; i++) {
        b.append(i > 0 ? "," : "").append(v[i]);
      }
      text = b.toString();
    } else if (value instanceof Double || value instanceof Float) {
      text = Double.toString(((Number) value).doubleValue()); // round-trips exactly
    } else if (value instanceof Number || value instanceof Boolean || value instanceof String) {
      text = value.toString();
    } else {
      throw new IllegalArgumentException("setting '" + name + "' has an unsupported type " + value.getClass());
    }
    settings.put(name, text);
    return this;
  }

  /** Whether the setting {@code name} was saved (for settings added after a format, read with a default). */
  public boolean hasSetting(String name) {
    return settings.containsKey(name);
  }

  /** Whether the model was saved with settings by name (format 2 and later). */
  public boolean hasSettings() {
    return !settings.isEmpty();
  }

  public String text(String name) {
    String v = settings.get(name);
    if (v == null) {
      throw new IllegalArgumentException("corrupt model at " + path + ": data/ lacks the setting '" + name
          + "' (found " + settings.keySet() + ")");
    }
    return v;
  }

  /** An enum setting, saved by name; an unknown name is refused with the allowed ones. */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String v = text(name);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(v)) {
        return e;
      }
    }
    throw badSetting(name, v, "one of " + Arrays.toString(type.getEnumConstants()), null);
  }

  public long integer(String name) {
    return parsed(name, Long::parseLong, "an integer");
  }

  public double real(String name) {
    return parsed(name, Double::parseDouble, "a number");
  }

  public boolean flag(String name) {
    String v = text(name);
    if (!v.equals("true") && !v.equals("false")) {
      throw badSetting(name, v, "true or false", null);
    }
    return v.equals("true");
  }

  public int[] ints(String name) {
    return parsed(name, v -> v.isEmpty() ? new int[0]
        : Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray(), "integers separated by commas");
  }

  /** The setting's text parsed by {@code parse}; a value it refuses is a corrupt model. */
  private <T> T parsed(String name, Function<String, T> parse, String expected) {
    String v = text(name);
    try {
      return parse.apply(v);
    } catch (NumberFormatException e) {
      throw badSetting(name, v, expected, e);
    }
  }

  private IllegalArgumentException badSetting(String name, String v, String expected, Exception cause) {
    return new IllegalArgumentException("corrupt model at " + path + ": setting '" + name + "' is '" + v
        + "', expected " + expected, cause);
  }

  /** Whether the array {@code name} was saved. */
  public boolean has(String name) {
    return arrays.containsKey(name);
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
      double[] v = Arrays.copyOf(m.values, m.rows * m.cols);
      rows.add(RowFactory.create(e.getKey(), m.rows, m.cols, v, null));
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      rows.add(RowFactory.create(SETTING + e.getKey(), 0, 0, new double[0], e.getValue()));
    }
    spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(dir);
  }

  public static ModelData read(SparkSession spark, String modelPath, String dir) {
    ModelData data = new ModelData(modelPath);
    List<Row> rows;
    try {
      Dataset<Row> df = spark.read().parquet(dir);
      boolean text = Arrays.asList(df.columns()).contains("text");
      rows = (text ? df.select("name", "rows", "cols", "values", "text")
          : df.select("name", "rows", "cols", "values")).collectAsList();
    } catch (Exception e) {
      // Spark's AnalysisException (a missing or unreadable folder) is a checked exception thrown undeclared.
      throw new IllegalArgumentException("corrupt model at " + modelPath + ": cannot read data/ (" + e.getMessage()
          + ")", e);
    }
    for (Row r : rows) {
      String name = r.getString(0);
      if (name.startsWith(SETTING) && r.size() > 4) {
        data.settings.put(name.substring(SETTING.length()), r.isNullAt(4) ? "" : r.getString(4));
        continue;
      }
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
