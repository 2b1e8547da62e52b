package io.sparkae.linear.kmeans;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The {@code capacity} rows farthest from their nearest center seen so far, with copies of the rows: where empty
 * clusters are re-seeded (the point that the current centers explain worst, as scikit-learn does). Ordered by
 * distance, descending, then by a key (partition, position) ascending, so that merging is order-independent and the
 * choice deterministic. A plain class: it travels through Kryo.
 */
final class Farthest implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int capacity;
  private int size;
  private final double[] dist2;
  private final long[] keys;
  private final double[][] points;
  /** The smallest kept distance once full; rows must beat it to enter. */
  private double threshold = Double.NEGATIVE_INFINITY;

  Farthest(int capacity) {
    this.capacity = capacity;
    this.dist2 = new double[capacity];
    this.keys = new long[capacity];
    this.points = new double[capacity][];
  }

  /** A key ordering rows by partition, then position in it. */
  static long key(int partition, long position) {
    return ((long) partition << 40) | position;
  }

  /** Cheap test for the hot loop: could a row at this squared distance enter? */
  boolean accepts(double d2) {
    return capacity > 0 && d2 > 0 && d2 >= threshold;
  }

  /** Offers the row {@code src[offset, offset + d)}; it is copied only if it enters. */
  void offer(double d2, long key, double[] src, int offset, int d) {
    if (!accepts(d2)) {
      return;
    }
    int slot;
    if (size < capacity) {
      slot = size++;
    } else {
      slot = weakest();
      if (!before(d2, key, dist2[slot], keys[slot])) {
        return;
      }
    }
    dist2[slot] = d2;
    keys[slot] = key;
    points[slot] = Arrays.copyOfRange(src, offset, offset + d);
    if (size == capacity) {
      threshold = dist2[weakest()];
    }
  }

  /** Does (d2, key) come before (e2, ekey): farther, or as far with a smaller key? */
  private static boolean before(double d2, long key, double e2, long ekey) {
    return d2 > e2 || (d2 == e2 && key < ekey);
  }

  private int weakest() {
    int w = 0;
    for (int i = 1; i < size; i++) {
      if (before(dist2[w], keys[w], dist2[i], keys[i])) {
        w = i;
      }
    }
    return w;
  }

  /** Keeps the best {@code capacity} rows of both. */
  Farthest merge(Farthest o) {
    for (int i = 0; i < o.size; i++) {
      offer(o.dist2[i], o.keys[i], o.points[i], 0, o.points[i].length);
    }
    return this;
  }

  /** The kept rows, farthest first. */
  double[][] rows() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> before(dist2[a], keys[a], dist2[b], keys[b]) ? -1
        : before(dist2[b], keys[b], dist2[a], keys[a]) ? 1 : 0);
    double[][] out = new double[size][];
    for (int i = 0; i < size; i++) {
      out[i] = points[order[i]].clone();
    }
    return out;
  }

  /** The squared distances of {@link #rows()}, farthest first. */
  double[] distances() {
    double[] out = Arrays.copyOf(dist2, size);
    Arrays.sort(out);
    for (int i = 0, j = size - 1; i < j; i++, j--) {
      double t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
