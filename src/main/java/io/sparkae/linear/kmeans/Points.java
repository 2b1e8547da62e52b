package io.sparkae.linear.kmeans;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rows compared by value (0.0 and -0.0 are the same point; NaN never reaches here): a hash key that can point into
 * a block without copying, a canonical total order (hash, then entries) that makes "keep the m smallest" independent
 * of the order in which partitions are merged, and de-duplication of candidate centers.
 */
final class Points {
  private Points() {}

  /** A row {@code values[offset, offset + d)} as a hash key; the probe form is re-pointed, never stored. */
  static final class Key {
    double[] values;
    int offset;
    int d;
    int hash;

    Key(double[] row) {
      point(row, 0, row.length);
    }

    Key point(double[] values, int offset, int d) {
      this.values = values;
      this.offset = offset;
      this.d = d;
      this.hash = hash(values, offset, d);
      return this;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key b = (Key) o;
      if (b.hash != hash || b.d != d) {
        return false;
      }
      for (int i = 0; i < d; i++) {
        if (values[offset + i] != b.values[b.offset + i]) {
          return false;
        }
      }
      return true;
    }
  }

  static int hash(double[] v, int offset, int d) {
    int h = 1;
    for (int i = 0; i < d; i++) {
      h = 31 * h + Double.hashCode(v[offset + i] + 0.0);
    }
    return h;
  }

  /** The canonical order of rows: by hash, then entry by entry. */
  static int compare(double[] a, double[] b) {
    int c = Integer.compare(hash(a, 0, a.length), hash(b, 0, b.length));
    for (int i = 0; c == 0 && i < a.length; i++) {
      c = Double.compare(a[i] + 0.0, b[i] + 0.0);
    }
    return c;
  }

  /** The rows of {@code rows} not equal to an earlier one nor to any of {@code existing}, in their order. */
  static List<double[]> distinct(List<double[]> rows, List<double[]> existing) {
    Set<Key> seen = new HashSet<>();
    for (double[] e : existing) {
      seen.add(new Key(e));
    }
    List<double[]> out = new ArrayList<>();
    for (double[] r : rows) {
      if (seen.add(new Key(r))) {
        out.add(r);
      }
    }
    return out;
  }
}
