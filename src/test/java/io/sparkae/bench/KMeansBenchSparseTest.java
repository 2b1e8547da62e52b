package io.sparkae.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.SparkTest;
import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sparse case's options and data of {@link KMeansBench}, at a tiny size (nothing is timed). */
class KMeansBenchSparseTest extends SparkTest {

  @Test
  void sparseOptionsDefaultAndParse() {
    KMeansBench b = new KMeansBench();
    new CommandLine(b).parseArgs();
    assertFalse(b.sparse);
    assertEquals(1_000_000, b.sparseRows);
    assertEquals(100_000, b.sparseDim);
    assertEquals(50, b.sparseNnz);
    assertEquals(100, b.sparseK);
    new CommandLine(b).parseArgs("--sparse", "--sparse-rows", "10", "--sparse-dim", "20", "--sparse-nnz", "3",
        "--sparse-k", "2");
    assertTrue(b.sparse);
    assertEquals(10, b.sparseRows);
    assertEquals(20, b.sparseDim);
    assertEquals(3, b.sparseNnz);
    assertEquals(2, b.sparseK);
  }

  @Test
  void plantedSparseRowsHaveSortedDistinctPositiveEntriesAndRepeatFromTheSeed() {
    List<Row> rows = KMeansBench.sparseClusters(spark(), 501, 300, 20, 5, 40, 3, 7).collectAsList();
    assertEquals(501, rows.size());
    for (Row r : rows) {
      SparseVector v = (SparseVector) r.get(0);
      assertEquals(300, v.size());
      int[] idx = v.indices();
      assertEquals(20, idx.length);
      for (int i = 0; i < idx.length; i++) {
        assertTrue(idx[i] >= 0 && idx[i] < 300 && (i == 0 || idx[i - 1] < idx[i]), v.toString());
        assertTrue(v.values()[i] >= 1, v.toString());
      }
    }
    assertEquals(rows, KMeansBench.sparseClusters(spark(), 501, 300, 20, 5, 40, 3, 7).collectAsList());
  }
}
