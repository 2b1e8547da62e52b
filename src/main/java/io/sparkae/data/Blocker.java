package io.sparkae.data;

import io.sparkae.linalg.CsrMatrix;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.rdd.InputFileBlockHolder;

/**
 * Stacks the rows of one partition into {@link Block}s, checking each row as it goes: a null vector, a size
 * other than d, or a NaN/infinite value stops the task with a message that names the file being read (for a file
 * source), the column, the partition, the row's position in it and the value found. Rows are copied straight into the block's column; nothing is
 * allocated per row.
 */
public final class Blocker {
  /** Default target size of one dense block, in doubles (8 MB). */
  public static final long TARGET_BLOCK_DOUBLES = 1L << 20;

  private final String column;
  private final int dim;
  private final int blockRows;
  private final boolean sparseWhenWide;
  private final int partition;
  /** NaN marks a missing entry and passes the check (infinite values still fail). */
  private final boolean nanIsMissing;
  /** Points at one vector at a time for {@link #check(Vector, long)} and {@link #copyInto(Vector, double[], int)}. */
  private final RowCursor.VectorCursor single = new RowCursor.VectorCursor(null);

  /**
   * @param column the input column's name, for error messages
   * @param dim the expected vector size d
   * @param blockRows rows per block; 0 picks {@link #defaultBlockRows(int)}
   * @param sparseWhenWide stack sparse input rows into CSR blocks instead of densifying them
   * @param partition the partition index, for error messages
   */
  public Blocker(String column, int dim, int blockRows, boolean sparseWhenWide, int partition) {
    this(column, dim, blockRows, sparseWhenWide, partition, false);
  }

  /**
   * As {@link #Blocker(String, int, int, boolean, int)}; with {@code nanIsMissing} NaN passes the check (a missing
   * entry, for models that handle them) and only infinite values fail.
   */
  public Blocker(String column, int dim, int blockRows, boolean sparseWhenWide, int partition,
      boolean nanIsMissing) {
    this.nanIsMissing = nanIsMissing;
    this.column = column;
    this.dim = dim;
    this.blockRows = blockRows > 0 ? blockRows : defaultBlockRows(dim);
    this.sparseWhenWide = sparseWhenWide;
    this.partition = partition;
  }

  /** A few hundred to a few thousand rows, about 8 MB of doubles per block. */
  public static int defaultBlockRows(int dim) {
    return (int) Math.max(64, Math.min(4096, TARGET_BLOCK_DOUBLES / Math.max(1, dim)));
  }

  public int blockRows() {
    return blockRows;
  }

  /**
   * Blocks over the rows, each block freshly allocated (for caching). With {@code reuse}, one dense buffer is
   * reused for every block, so a consumer must finish with a block before asking for the next one.
   */
  public Iterator<Block> blocks(Iterator<Vector> rows, boolean reuse) {
    return blocks(RowCursor.ofVectors(rows), reuse);
  }

  /** Blocks over the rows of a cursor; see {@link #blocks(Iterator, boolean)}. */
  public Iterator<Block> blocks(RowCursor rows, boolean reuse) {
    return new Iterator<>() {
      private long position = 0;
      private DenseMatrix buffer;
      private boolean pending = rows.advance();

      @Override
      public boolean hasNext() {
        return pending;
      }

      @Override
      public Block next() {
        if (!pending) {
          throw new NoSuchElementException();
        }
        checkShape(rows, position);
        if (sparseWhenWide && rows.isSparse()) {
          checkValues(rows, position);
          return sparseBlock();
        }
        DenseMatrix x = reuse && buffer != null ? buffer : new DenseMatrix(dim, blockRows);
        if (reuse) {
          buffer = x;
        }
        int n = 0;
        while (true) {
          // Shape checked before the copy, values after it, in one tight loop over the block's column.
          copyInto(rows, x.values, n * dim);
          checkFinite(x.values, n * dim, position);
          n++;
          position++;
          pending = rows.advance();
          if (n == blockRows || !pending) {
            break;
          }
          checkShape(rows, position);
        }
        return Block.dense(x, n);
      }

      private Block sparseBlock() {
        int[] rowPtr = new int[blockRows + 1];
        int[] idx = new int[Math.max(16, blockRows * 8)];
        double[] val = new double[idx.length];
        int n = 0;
        int nnz = 0;
        while (true) {
          int stored = rows.stored();
          if (nnz + stored > idx.length) {
            int cap = Math.max(nnz + stored, idx.length * 2);
            idx = Arrays.copyOf(idx, cap);
            val = Arrays.copyOf(val, cap);
          }
          for (int p = 0; p < stored; p++) {
            double v = rows.value(p);
            if (v != 0) {
              idx[nnz] = rows.index(p);
              val[nnz++] = v;
            }
          }
          n++;
          rowPtr[n] = nnz;
          position++;
          pending = rows.advance();
          if (n == blockRows || !pending) {
            break;
          }
          check(rows, position);
        }
        return Block.sparse(new CsrMatrix(n, dim, Arrays.copyOf(rowPtr, n + 1), idx, val));
      }
    };
  }

  /** Blocks over all rows, allocated fresh, collected in a list (for caching blocks of a partition). */
  public List<Block> allBlocks(Iterator<Vector> rows) {
    return allBlocks(RowCursor.ofVectors(rows));
  }

  /** Blocks over all rows of a cursor, allocated fresh, collected in a list. */
  public List<Block> allBlocks(RowCursor rows) {
    List<Block> out = new ArrayList<>();
    blocks(rows, false).forEachRemaining(out::add);
    return out;
  }

  private void copyInto(RowCursor r, double[] dst, int offset) {
    if (!r.isSparse()) {
      r.copyDense(dst, offset);
      return;
    }
    Arrays.fill(dst, offset, offset + dim, 0.0);
    int stored = r.stored();
    for (int p = 0; p < stored; p++) {
      dst[offset + r.index(p)] = r.value(p);
    }
  }

  /** Checks the cursor's current row, as {@link #check(Vector, long)}. */
  public void check(RowCursor r, long position) {
    checkShape(r, position);
    checkValues(r, position);
  }

  private void checkShape(RowCursor r, long position) {
    if (r.isNull()) {
      throw new IllegalArgumentException(where(position) + " is null");
    }
    if (r.size() != dim) {
      throw new IllegalArgumentException(
          where(position) + " has size " + r.size() + ", expected " + dim + " (vectors of different sizes)");
    }
  }

  private void checkValues(RowCursor r, long position) {
    int stored = r.stored();
    for (int p = 0; p < stored; p++) {
      double x = r.value(p);
      if (Double.isInfinite(x) || (Double.isNaN(x) && !nanIsMissing)) {
        throw new IllegalArgumentException(where(position) + " holds " + x + " at index " + r.index(p)
            + notAllowed());
      }
    }
  }

  /** Fails on the first NaN or infinite value of the row copied to {@code values[offset, offset + d)}. */
  private void checkFinite(double[] values, int offset, long position) {
    for (int i = 0; i < dim; i++) {
      double x = values[offset + i];
      if (Double.isInfinite(x) || (Double.isNaN(x) && !nanIsMissing)) {
        throw new IllegalArgumentException(where(position) + " holds " + x + " at index " + i + notAllowed());
      }
    }
  }

  private String notAllowed() {
    return nanIsMissing ? " (infinite values are not allowed; NaN marks a missing entry)"
        : " (NaN and infinite values are not allowed)";
  }

  /** Copies row v (already checked) into dst[offset, offset + d). */
  public void copyInto(Vector v, double[] dst, int offset) {
    single.set(v);
    copyInto(single, dst, offset);
  }

  /** Checks one row; the position counts rows from 0 within the partition. */
  public void check(Vector v, long position) {
    single.set(v);
    check(single, position);
  }

  private String where(long position) {
    // A file source's task names the file it is reading (batch and streaming reads alike); rows are pulled and
    // checked one at a time, so it is the file of the row at hand.
    String file = InputFileBlockHolder.getInputFilePath().toString();
    return (file.isEmpty() ? "" : "file " + VectorColumns.local(file) + ", ") + "column '" + column + "', partition "
        + partition + ", row " + position;
  }
}
