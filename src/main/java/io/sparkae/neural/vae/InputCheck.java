package io.sparkae.neural.vae;

import io.sparkae.neural.FloatBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;

/**
 * Checks, in one pass over the cached blocks, that every row lies in the support of the decoder's distribution:
 * values in [0, 1] for the Bernoulli decoder; nonnegative integer counts, not all zero, for the multinomial one
 * (finite values are checked for all while blocking). Fails with the first offending row of the lowest partition:
 * partition, row within the partition, feature, value and the rule.
 */
final class InputCheck {
  private InputCheck() {}

  static void require(JavaRDD<FloatBlock> blocks, Likelihood likelihood, String column) {
    if (likelihood == Likelihood.GAUSSIAN) {
      return;
    }
    List<String> problems = blocks.mapPartitionsWithIndex((p, it) -> {
      long row = 0;
      while (it.hasNext()) {
        FloatBlock b = it.next();
        for (int j = 0; j < b.size; j++, row++) {
          int off = j * b.dim;
          boolean empty = true;
          for (int i = 0; i < b.dim; i++) {
            float v = b.values[off + i];
            String why = likelihood.invalid(v);
            if (why != null) {
              return Collections.singletonList(outside(column, p, row, i, v, why)).iterator();
            }
            empty &= v == 0f;
          }
          if (empty && likelihood == Likelihood.MULTINOMIAL) {
            return Collections.singletonList(String.format(Locale.ROOT, "input column '%s', partition %d,"
                + " row %d: an empty document (all counts 0); the multinomial decoder needs at least one word; drop "
                + "empty rows first", column, p, row)).iterator();
          }
        }
      }
      return new ArrayList<String>().iterator();
    }, true).take(1);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0));
    }
  }

  /** The message for feature i of a row outside the decoder's support (here and in {@link VaeEvaluation}). */
  static String outside(String column, int partition, long row, int feature, float v, String why) {
    return String.format(Locale.ROOT, "input column '%s', partition %d, row %d, feature %d: value %s; %s", column,
        partition, row, feature, v, why);
  }
}
