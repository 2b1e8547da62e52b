package io.sparkae.neural;

import io.sparkae.core.IndexPartitioner;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The trainer's rows, cached as float blocks in W training partitions whatever the input's partitioning: row i
 * (counted over the input in partition order) goes to training partition t with {@code floor(t n / W) <= i <
 * floor((t + 1) n / W)}, and within a partition rows keep that order. The same rows and W give the same blocks,
 * whether the input came in 2, 52 or 200 partitions, so the same seed gives the same model.
 *
 * <p>W defaults to the task slots of the application ({@code defaultParallelism}): fewer leaves cores idle, more
 * makes each round average more models that each took fewer steps. It never exceeds {@code n / (B H)}, so every
 * partition takes H full minibatch steps per round.
 */
public final class TrainingPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingPartitions.class);

  private TrainingPartitions() {}

  /** The cached blocks, the number of rows and the W chosen (with the reason, for the log). */
  public record Cached(JavaRDD<FloatBlock> blocks, long rows, int partitions, String why) {
    public void unpersist() {
      blocks.unpersist(false);
    }
  }

  /**
   * Caches column {@code column} (vectors of size dim) of {@code rows} in W partitions of float blocks of
   * {@code blockRows} rows (0: Blocker's default). {@code requested} = 0 picks W as described above; a
   * {@code stepRows} = B H > 0 caps W at {@code n / stepRows} (0 for no cap, e.g. evaluation data).
   */
  public static Cached cache(JavaRDD<InternalRow> rows, String column, int dim, int blockRows, int requested,
      long stepRows) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.context());
    int slots = Math.max(1, sc.defaultParallelism());
    int br = blockRows > 0 ? blockRows : Blocker.defaultBlockRows(dim);
    JavaRDD<FloatBlock> local = rows.mapPartitionsWithIndex((p, it) -> {
      List<FloatBlock> out = new ArrayList<>();
      new Blocker(column, dim, br, false, p).blocks(RowCursor.ofInternalRows(it), true)
          .forEachRemaining(b -> out.add(FloatBlock.of(b)));
      return out.iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Long> counts = local.mapPartitions(it -> {
        long c = 0;
        while (it.hasNext()) {
          c += it.next().size;
        }
        return Collections.singletonList(c).iterator();
      }).collect();
      long n = 0;
      long[] offsets = new long[counts.size()];
      for (int p = 0; p < counts.size(); p++) {
        offsets[p] = n;
        n += counts.get(p);
      }
      int w;
      String why;
      if (requested > 0) {
        w = requested;
        why = "as asked";
        if (requested > slots) {
          LOG.warn("trainingPartitions = {} is more than the {} task slots of this application: rounds take {} "
              + "waves of tasks and average more models, each of fewer steps", requested, slots,
              (requested + slots - 1) / slots);
        }
      } else {
        w = slots;
        why = "one per task slot";
      }
      if (stepRows > 0 && w > Math.max(1, n / stepRows)) {
        w = (int) Math.max(1, n / stepRows);
        why = String.format(Locale.ROOT, "%s, capped so that each takes full rounds of B H = %d rows", why,
            stepRows);
      }
      w = (int) Math.max(1, Math.min(w, Math.max(1, n)));
      final int parts = w;
      final long total = n;
      JavaRDD<FloatBlock> blocks = local.mapPartitionsWithIndex((p, it) -> {
        List<Tuple2<Integer, Tuple2<Long, FloatBlock>>> out = new ArrayList<>();
        long i = offsets[p];
        while (it.hasNext()) {
          FloatBlock b = it.next();
          int r = 0;
          while (r < b.size) {
            int t = owner(i, total, parts);
            long end = start(t + 1, total, parts);
            int m = (int) Math.min(b.size - r, end - i);
            float[] v = new float[m * b.dim];
            System.arraycopy(b.values, r * b.dim, v, 0, m * b.dim);
            out.add(new Tuple2<>(t, new Tuple2<>(i, new FloatBlock(b.dim, m, v))));
            r += m;
            i += m;
          }
        }
        return out.iterator();
      }, false).mapToPair(t -> t).partitionBy(new IndexPartitioner(parts)).mapPartitions(it -> {
        List<Tuple2<Long, FloatBlock>> pieces = new ArrayList<>();
        it.forEachRemaining(t -> pieces.add(t._2()));
        pieces.sort(Comparator.comparingLong(Tuple2::_1));
        return reblock(pieces, dim, br).iterator();
      }, true).persist(StorageLevel.MEMORY_AND_DISK());
      blocks.count();
      return new Cached(blocks, n, parts, why);
    } finally {
      local.unpersist(false);
    }
  }

  /** The first global row of training partition t: floor(t n / W). */
  static long start(int t, long n, int w) {
    return t * n / w; // no overflow below 2^63 / W rows
  }

  /** The training partition of global row i. */
  static int owner(long i, long n, int w) {
    int t = (int) Math.min(w - 1, (i * (long) w) / Math.max(1, n));
    while (t > 0 && start(t, n, w) > i) {
      t--;
    }
    while (t + 1 < w && start(t + 1, n, w) <= i) {
      t++;
    }
    return t;
  }

  /** Consecutive pieces concatenated into blocks of {@code blockRows} rows (the last one may be shorter). */
  private static List<FloatBlock> reblock(List<Tuple2<Long, FloatBlock>> pieces, int dim, int blockRows) {
    long rows = 0;
    for (Tuple2<Long, FloatBlock> p : pieces) {
      rows += p._2().size;
    }
    List<FloatBlock> out = new ArrayList<>();
    float[] cur = null;
    int filled = 0;
    for (Tuple2<Long, FloatBlock> piece : pieces) {
      FloatBlock b = piece._2();
      int r = 0;
      while (r < b.size) {
        if (cur == null) {
          cur = new float[(int) Math.min(blockRows, rows) * dim];
          filled = 0;
        }
        int capacity = cur.length / Math.max(1, dim);
        int m = Math.min(b.size - r, capacity - filled);
        System.arraycopy(b.values, r * dim, cur, filled * dim, m * dim);
        filled += m;
        r += m;
        if (filled == capacity) {
          out.add(new FloatBlock(dim, filled, cur));
          rows -= filled;
          cur = null;
        }
      }
    }
    if (cur != null && filled > 0) {
      out.add(new FloatBlock(dim, filled, cur));
    }
    return out;
  }
}
