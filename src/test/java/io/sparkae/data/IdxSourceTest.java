package io.sparkae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** How IDX images are cut into slices and expanded into rows, without Spark. */
class IdxSourceTest {

  @Test
  void slicesCoverEveryImageInOrderAndStaySmall() {
    int n = 3000;
    int hw = 28 * 28;
    byte[] pixels = new byte[n * hw];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      pixels[i * hw] = (byte) i; // the first pixel tags the image
      labels[i] = i % 10;
    }
    List<IdxSource.Slice> slices = IdxSource.slices(new IdxImages(n, 28, 28, pixels), labels, 2);
    assertEquals((n * hw + IdxSource.SLICE_BYTES - 1) / IdxSource.SLICE_BYTES, slices.size());
    List<Row> rows = new ArrayList<>();
    for (IdxSource.Slice s : slices) {
      assertTrue((long) s.count() * hw <= IdxSource.SLICE_BYTES + hw, "slice of " + s.count() + " images");
      s.rows().forEachRemaining(rows::add);
    }
    assertEquals(n, rows.size());
    for (int i : new int[] {0, 1, 255, 256, 1499, 2999}) {
      Vector x = rows.get(i).getAs(0);
      assertEquals((i & 0xff) / 255.0, x.apply(0), 0.0);
      assertEquals(i % 10, rows.get(i).getDouble(1), 0.0);
    }
  }

  @Test
  void fewImagesGiveAtLeastTheRequestedSlicesButNoEmptyOnes() {
    IdxImages images = new IdxImages(3, 1, 2, new byte[] {0, (byte) 255, 51, 102, (byte) 204, 0});
    assertEquals(3, IdxSource.slices(images, null, 8).size());
    List<IdxSource.Slice> two = IdxSource.slices(images, null, 2);
    assertEquals(List.of(1, 2), two.stream().map(IdxSource.Slice::count).toList());
    Iterator<Row> rows = two.get(1).rows();
    Row first = rows.next();
    assertEquals(1, first.size());
    assertArrayEquals(new double[] {0.2, 0.4}, ((Vector) first.get(0)).toArray(), 1e-15);
    assertArrayEquals(new double[] {0.8, 0.0}, ((Vector) rows.next().get(0)).toArray(), 1e-15);
    assertFalse(rows.hasNext());
  }
}
