package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/** A model's input size against the data's, checked on the driver before a transform or evaluation starts. */
final class InputSize {
  private InputSize() {}

  /**
   * Fails with one line when the rows of {@code data} do not have the model's input size: the size the schema
   * records (ML attribute metadata) if any, else the first row's (one row read; an empty input passes, the job
   * itself reports it).
   */
  static void require(AutoencoderModel<?> model, Dataset<Row> data, String input) {
    String col = model.getInputCol();
    if (!Arrays.asList(data.columns()).contains(col)) {
      return; // transformSchema names the missing column
    }
    int d = model.autoencoder().inputSize();
    StructField f = data.schema().apply(col);
    int found = -1;
    String where = "its schema";
    try {
      found = AttributeGroup.fromStructField(f).size();
    } catch (RuntimeException e) {
      // not a vector column with ML attributes: look at a row
    }
    if (found < 0) {
      List<Row> first = data.select(data.col("`" + col + "`")).takeAsList(1);
      if (first.isEmpty() || first.get(0).isNullAt(0) || !(first.get(0).get(0) instanceof Vector v)) {
        return;
      }
      found = v.size();
      where = "its first row";
    }
    if (found != d) {
      throw new IllegalArgumentException("the model takes rows of size " + d + " but " + input + " has rows of size "
          + found + " (column '" + col + "', " + where + ")");
    }
  }
}
