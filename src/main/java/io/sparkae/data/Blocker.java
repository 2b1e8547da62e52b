package io.sparkae.data;

import io.sparkae.linalg.CsrMatrix;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Stacks the rows of one partition into {@link Block}s, checking each row as it goes: a null vector, a size
 * other than d, or a NaN/infinite value stops the task with a message that names the column, the partition, the
 * row's position in it and the value found. Rows are copied straight into the block's column; nothing is
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

  /**
   * @param column the input column's name, for error messages
   * @param dim the expected vector size d
   * @param blockRows rows per block; 0 picks {@link #defaultBlockRows(int)}
   * @param sparseWhenWide stack sparse input rows into CSR blocks instead of densifying them
   * @param partition the partition index, for error messages
   */
  public Blocker(String column, int dim, int blockRows, boolean sparseWhenWide, int partition) {
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
    return new Iterator<>() {
      private long position = 0;
      private DenseMatrix buffer;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Block next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        Vector first = rows.next();
        check(first, position);
        if (sparseWhenWide && first instanceof SparseVector) {
          return sparseBlock(first);
        }
        DenseMatrix x = reuse && buffer != null ? buffer : new DenseMatrix(dim, blockRows);
        if (reuse) {
          buffer = x;
        }
        int n = 0;
        Vector v = first;
        while (true) {
          copyInto(v, x.values, n * dim);
          n++;
          position++;
          if (n == blockRows || !rows.hasNext()) {
            break;
          }
          v = rows.next();
          check(v, position);
        }
        return Block.dense(x, n);
      }

      private Block sparseBlock(Vector first) {
        int[] rowPtr = new int[blockRows + 1];
        int[] idx = new int[Math.max(16, blockRows * 8)];
        double[] val = new double[idx.length];
        int n = 0;
        int nnz = 0;
        Vector v = first;
        while (true) {
          int need = nnz + (v instanceof SparseVector ? ((SparseVector) v).indices().length : dim);
          if (need > idx.length) {
            int cap = Math.max(need, idx.length * 2);
            idx = Arrays.copyOf(idx, cap);
            val = Arrays.copyOf(val, cap);
          }
          if (v instanceof SparseVector) {
            SparseVector s = (SparseVector) v;
            int[] si = s.indices();
            System.arraycopy(si, 0, idx, nnz, si.length);
            System.arraycopy(s.values(), 0, val, nnz, si.length);
            nnz += si.length;
          } else {
            double[] dv = v.toArray();
            for (int j = 0; j < dim; j++) {
              if (dv[j] != 0) {
                idx[nnz] = j;
                val[nnz++] = dv[j];
              }
            }
          }
          n++;
          rowPtr[n] = nnz;
          position++;
          if (n == blockRows || !rows.hasNext()) {
            break;
          }
          v = rows.next();
          check(v, position);
        }
        return Block.sparse(new CsrMatrix(n, dim, Arrays.copyOf(rowPtr, n + 1), idx, val));
      }
    };
  }

  /** Blocks over all rows, allocated fresh, collected in a list (for caching blocks of a partition). */
  public List<Block> allBlocks(Iterator<Vector> rows) {
    List<Block> out = new ArrayList<>();
    blocks(rows, false).forEachRemaining(out::add);
    return out;
  }

  /** Copies row v (already checked) into dst[offset, offset + d). */
  public void copyInto(Vector v, double[] dst, int offset) {
    if (v instanceof DenseVector) {
      System.arraycopy(((DenseVector) v).values(), 0, dst, offset, dim);
    } else {
      SparseVector s = (SparseVector) v;
      Arrays.fill(dst, offset, offset + dim, 0.0);
      int[] idx = s.indices();
      double[] val = s.values();
      for (int p = 0; p < idx.length; p++) {
        dst[offset + idx[p]] = val[p];
      }
    }
  }

  /** Checks one row; the position counts rows from 0 within the partition. */
  public void check(Vector v, long position) {
    if (v == null) {
      throw new IllegalArgumentException(where(position) + " is null");
    }
    if (v.size() != dim) {
      throw new IllegalArgumentException(
          where(position) + " has size " + v.size() + ", expected " + dim + " (vectors of different sizes)");
    }
    double[] vals = v instanceof SparseVector ? ((SparseVector) v).values() : ((DenseVector) v).values();
    for (int p = 0; p < vals.length; p++) {
      double x = vals[p];
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        int index = v instanceof SparseVector ? ((SparseVector) v).indices()[p] : p;
        throw new IllegalArgumentException(where(position) + " holds " + x + " at index " + index
            + " (NaN and infinite values are not allowed)");
      }
    }
  }

  private String where(long position) {
    return "column '" + column + "', partition " + partition + ", row " + position;
  }
}
