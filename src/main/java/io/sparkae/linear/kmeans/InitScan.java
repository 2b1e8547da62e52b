package io.sparkae.linear.kmeans;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The pass before initialisation: the row count, up to {@code limit} distinct rows (so that "k is larger than the
 * number of distinct points" is found exactly, and so that initialisation can always be completed to k distinct
 * centers), and a uniform sample of {@code sampleSize} rows: each row draws a key u ~ U(0,1) from its partition's
 * seed and the rows with the smallest keys win (weighted rows: the key is {@code 1 - (1 - u)^(1/w)}, so that a row is
 * drawn with probability proportional to its weight). Hashing stops in a partition once it has found {@code limit}
 * distinct rows, so the pass costs little more than a count. Both selections merge order-independently. A plain
 * class: it travels through Kryo.
 */
final class InitScan implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  private final int limit;
  private final int sampleSize;
  /** Distinct rows: the first {@code limit} of a partition, then the canonical-smallest {@code limit} of a union. */
  List<double[]> distinct = new ArrayList<>();
  /** Sampled rows by increasing (key, position). */
  List<double[]> sample = new ArrayList<>();
  private double[] sampleKeys = new double[0];
  private long[] samplePositions = new long[0];

  private InitScan(int limit, int sampleSize) {
    this.limit = limit;
    this.sampleSize = sampleSize;
  }

  /** One partition's scan. */
  static InitScan of(Iterator<PointBlock> blocks, int d, int limit, int sampleSize, long seed, int partition) {
    if (!blocks.hasNext()) {
      return null;
    }
    InitScan s = new InitScan(limit, sampleSize);
    SplittableRandom rng = new SplittableRandom(seed);
    Set<Points.Key> seen = new HashSet<>();
    Points.Key probe = new Points.Key(new double[d]);
    // Max-heap of the sampleSize smallest (u, position) so far.
    PriorityQueue<Object[]> heap = new PriorityQueue<>((a, b) -> compareKeys((double) b[0], (long) b[1],
        (double) a[0], (long) a[1]));
    long position = 0;
    double[] buffer = new double[d];
    while (blocks.hasNext()) {
      PointBlock b = blocks.next();
      // Dense rows are read in place; a sparse row is written into one reused buffer, and only while needed.
      double[] x = b.sparse() ? buffer : b.x.values;
      for (int j = 0; j < b.size; j++, position++) {
        int o = b.sparse() ? 0 : j * d;
        if (s.distinct.size() < limit) {
          if (b.sparse()) {
            b.copyRow(j, buffer, 0);
          }
          if (!seen.contains(probe.point(x, o, d))) {
            double[] row = Arrays.copyOfRange(x, o, o + d);
            seen.add(new Points.Key(row));
            s.distinct.add(row);
          }
        }
        double u = rng.nextDouble();
        if (b.weights != null) {
          // Weighted sampling without replacement (Efraimidis and Spirakis 2006): the largest v^(1/w), v = 1 - u,
          // that is the smallest 1 - v^(1/w) (u itself when w = 1); a row of weight 0 is never drawn first.
          double w = b.weights[j];
          u = w > 0 ? 1.0 - Math.pow(1.0 - u, 1.0 / w) : Double.POSITIVE_INFINITY;
        }
        long key = Farthest.key(partition, position);
        if (heap.size() < sampleSize) {
          heap.add(new Object[] {u, key, b.row(j)});
        } else if (sampleSize > 0 && compareKeys(u, key, (double) heap.peek()[0], (long) heap.peek()[1]) < 0) {
          heap.poll();
          heap.add(new Object[] {u, key, b.row(j)});
        }
      }
    }
    s.rows = position;
    List<Object[]> sorted = new ArrayList<>(heap);
    sorted.sort((a, b) -> compareKeys((double) a[0], (long) a[1], (double) b[0], (long) b[1]));
    s.setSample(sorted);
    return s;
  }

  private static int compareKeys(double u, long pos, double v, long pos2) {
    int c = Double.compare(u, v);
    return c != 0 ? c : Long.compare(pos, pos2);
  }

  private void setSample(List<Object[]> sorted) {
    sample = new ArrayList<>();
    sampleKeys = new double[sorted.size()];
    samplePositions = new long[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      sampleKeys[i] = (double) sorted.get(i)[0];
      samplePositions[i] = (long) sorted.get(i)[1];
      sample.add((double[]) sorted.get(i)[2]);
    }
  }

  /** Merges another partition's scan into this one. */
  InitScan merge(InitScan o) {
    rows += o.rows;
    List<double[]> union = Points.distinct(concat(distinct, o.distinct), List.of());
    if (union.size() > limit) {
      union.sort(Points::compare);
      union = new ArrayList<>(union.subList(0, limit));
    }
    distinct = union;
    List<Object[]> merged = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (merged.size() < sampleSize && (i < sample.size() || j < o.sample.size())) {
      boolean mine = j >= o.sample.size() || (i < sample.size()
          && compareKeys(sampleKeys[i], samplePositions[i], o.sampleKeys[j], o.samplePositions[j]) < 0);
      merged.add(mine ? new Object[] {sampleKeys[i], samplePositions[i], sample.get(i++)}
          : new Object[] {o.sampleKeys[j], o.samplePositions[j], o.sample.get(j++)});
    }
    setSample(merged);
    return this;
  }

  private static List<double[]> concat(List<double[]> a, List<double[]> b) {
    List<double[]> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** min(limit, number of distinct rows in the data). */
  int distinctCount() {
    return distinct.size();
  }
}
