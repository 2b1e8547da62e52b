package io.sparkae.core;

import org.apache.spark.Partitioner;

/**
 * Sends the record with Integer key k to partition k of {@code n}: the round loop's merge groups, the trainer's
 * training partitions. Keys are computed from partition indices, so where a record goes never depends on hashing.
 */
public final class IndexPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int n;

  public IndexPartitioner(int n) {
    this.n = n;
  }

  @Override
  public int numPartitions() {
    return n;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexPartitioner p && p.n == n;
  }

  @Override
  public int hashCode() {
    return n;
  }
}
