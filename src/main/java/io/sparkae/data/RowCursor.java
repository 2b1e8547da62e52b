package io.sparkae.data;

import java.util.Iterator;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * A forward cursor over the vectors of one partition, read without building a Vector object per row when the
 * rows come straight from Spark SQL's internal format ({@link #ofInternalRows}): the vector's values are copied
 * from Spark's own memory into the block. This is the hot path of every fit: the usual Row-to-Vector conversion
 * allocates a new array per row and dominated PCA's time on MNIST.
 *
 * <p>A row's stored entries are {@code (index(p), value(p))} for {@code p < stored()}: every entry of a dense
 * vector, the nonzeros of a sparse one.
 */
public abstract class RowCursor {

  /** Moves to the next row; false when there is none. */
  public abstract boolean advance();

  public abstract boolean isNull();

  /** The vector size. */
  public abstract int size();

  public abstract boolean isSparse();

  /** Number of stored entries. */
  public abstract int stored();

  public abstract int index(int p);

  public abstract double value(int p);

  /** Copies a dense row's values into {@code dst[offset, offset + size)}. */
  public abstract void copyDense(double[] dst, int offset);

  /** A cursor over Spark ML vectors. */
  public static RowCursor ofVectors(Iterator<Vector> rows) {
    return new VectorCursor(rows);
  }

  /** A cursor over vectors; {@link #set} points it at one vector directly (for row-by-row checks). */
  static final class VectorCursor extends RowCursor {
    private final Iterator<Vector> rows;
    private Vector v;
    private double[] values;
    private int[] indices;

    VectorCursor(Iterator<Vector> rows) {
      this.rows = rows;
    }

    @Override
    public boolean advance() {
      if (rows == null || !rows.hasNext()) {
        return false;
      }
      set(rows.next());
      return true;
    }

    void set(Vector vector) {
      v = vector;
      if (v instanceof SparseVector s) {
        values = s.values();
        indices = s.indices();
      } else if (v != null) {
        values = ((DenseVector) v).values();
        indices = null;
      }
    }

    @Override
    public boolean isNull() {
      return v == null;
    }

    @Override
    public int size() {
      return v.size();
    }

    @Override
    public boolean isSparse() {
      return indices != null;
    }

    @Override
    public int stored() {
      return values.length;
    }

    @Override
    public int index(int p) {
      return indices == null ? p : indices[p];
    }

    @Override
    public double value(int p) {
      return values[p];
    }

    @Override
    public void copyDense(double[] dst, int offset) {
      System.arraycopy(values, 0, dst, offset, values.length);
    }
  }

  /**
   * A cursor over internal rows whose field 0 is a vector in VectorUDT's layout: struct(type: byte (0 sparse,
   * 1 dense), size: int, indices: array&lt;int&gt;, values: array&lt;double&gt;).
   */
  public static RowCursor ofInternalRows(Iterator<InternalRow> rows) {
    return new RowCursor() {
      private boolean isNull;
      private boolean sparse;
      private int size;
      private ArrayData indices;
      private ArrayData values;

      @Override
      public boolean advance() {
        if (!rows.hasNext()) {
          return false;
        }
        InternalRow r = rows.next();
        isNull = r.isNullAt(0);
        if (!isNull) {
          InternalRow v = r.getStruct(0, 4);
          sparse = v.getByte(0) == 0;
          values = v.getArray(3);
          indices = sparse ? v.getArray(2) : null;
          size = sparse ? v.getInt(1) : values.numElements();
        }
        return true;
      }

      @Override
      public boolean isNull() {
        return isNull;
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public boolean isSparse() {
        return sparse;
      }

      @Override
      public int stored() {
        return values.numElements();
      }

      @Override
      public int index(int p) {
        return sparse ? indices.getInt(p) : p;
      }

      @Override
      public double value(int p) {
        return values.getDouble(p);
      }

      @Override
      public void copyDense(double[] dst, int offset) {
        int n = values.numElements();
        if (values instanceof UnsafeArrayData u) {
          long header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
          Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + header, dst,
              Platform.DOUBLE_ARRAY_OFFSET + 8L * offset, 8L * n);
        } else {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = values.getDouble(i);
          }
        }
      }
    };
  }
}
