package io.sparkae.core;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A model with figures that need rows beside the model (a VAE's 2-D codes coloured by label). */
public interface DataFigures {
  /** The figures of {@code data} (described by {@code title}, "training" or "validation"); may be empty. */
  List<Figure> figures(Dataset<Row> data, String title);
}
