package io.sparkae.linear.ppca;

import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Dense blocks of one partition's rows in which NaN marks a missing entry (probabilistic PCA with
 * {@code missing=true}): the shapes are checked as {@link Blocker} checks them, an infinite value stops the task
 * with a message naming column, partition, row and index, and NaN is kept. Only this fit reads NaN as missing;
 * every other path keeps refusing it.
 */
final class MissingBlocks {
  private MissingBlocks() {}

  /** A block: d x size, column j is row j, NaN where an entry is missing. */
  static final class Rows implements Serializable {
    private static final long serialVersionUID = 1L;
    final DenseMatrix x;
    final int size;

    Rows(DenseMatrix x, int size) {
      this.x = x;
      this.size = size;
    }
  }

  /** All rows of a partition, stacked into fresh blocks of {@code blockRows} (0: the default) rows for caching. */
  static List<Rows> of(RowCursor rows, String column, int d, int blockRows, int partition) {
    int cap = blockRows > 0 ? blockRows : Blocker.defaultBlockRows(d);
    List<Rows> out = new ArrayList<>();
    DenseMatrix x = null;
    int n = 0;
    long position = 0;
    while (rows.advance()) {
      String where = "column '" + column + "', partition " + partition + ", row " + position;
      if (rows.isNull()) {
        throw new IllegalArgumentException(where + " is null");
      }
      if (rows.size() != d) {
        throw new IllegalArgumentException(where + " has size " + rows.size() + ", expected " + d
            + " (vectors of different sizes)");
      }
      if (x == null) {
        x = new DenseMatrix(d, cap);
      }
      int off = n * d;
      if (rows.isSparse()) {
        for (int p = 0; p < rows.stored(); p++) {
          x.values[off + rows.index(p)] = rows.value(p);
        }
      } else {
        rows.copyDense(x.values, off);
      }
      for (int i = 0; i < d; i++) {
        if (Double.isInfinite(x.values[off + i])) {
          throw new IllegalArgumentException(where + " holds " + x.values[off + i] + " at index " + i
              + " (infinite values are not allowed; NaN marks a missing entry)");
        }
      }
      n++;
      position++;
      if (n == cap) {
        out.add(new Rows(x, n));
        x = null;
        n = 0;
      }
    }
    if (n > 0) {
      out.add(new Rows(x, n));
    }
    return out;
  }
}
