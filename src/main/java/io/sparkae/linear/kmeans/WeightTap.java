package io.sparkae.linear.kmeans;

import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads the weight (field 1, a double) of each internal row as the Blocker pulls the row (field 0, the vector)
 * through, and checks it: a null, negative, NaN or infinite weight stops the task with a message naming the weight
 * column, the partition, the row and the value. The Blocker reads one row ahead of the block it returns, so the
 * weights are queued and {@link #take} hands out those of the block just built. Nothing allocated per row.
 */
final class WeightTap implements Iterator<InternalRow> {
  private final Iterator<InternalRow> rows;
  private final String column;
  private final int partition;
  private double[] queue = new double[1024];
  private int head;
  private int tail;
  private long position;

  WeightTap(Iterator<InternalRow> rows, String column, int partition) {
    this.rows = rows;
    this.column = column;
    this.partition = partition;
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public InternalRow next() {
    InternalRow r = rows.next();
    if (r.isNullAt(1)) {
      throw new IllegalArgumentException("weight column '" + column + "', partition " + partition + ", row "
          + position + " is null (weights must be finite and >= 0)");
    }
    double w = r.getDouble(1);
    check(w, column, "partition " + partition + ", row " + position);
    if (tail == queue.length) {
      if (head > 0) {
        System.arraycopy(queue, head, queue, 0, tail - head);
        tail -= head;
        head = 0;
      } else {
        queue = Arrays.copyOf(queue, queue.length * 2);
      }
    }
    queue[tail++] = w;
    position++;
    return r;
  }

  /** Fails unless w is a finite weight >= 0. */
  static void check(double w, String column, String where) {
    if (!(w >= 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("weight column '" + column + "', " + where + " holds " + w
          + " (weights must be finite and >= 0)");
    }
  }

  /** The weights of the next n rows, in order. */
  double[] take(int n) {
    if (tail - head < n) {
      throw new IllegalStateException("weights of " + n + " rows asked for, " + (tail - head) + " read");
    }
    double[] out = Arrays.copyOfRange(queue, head, head + n);
    head += n;
    return out;
  }
}
