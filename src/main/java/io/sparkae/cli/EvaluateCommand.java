package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.EvaluationExtras;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae evaluate}: reconstruction quality of a saved model on some data, printed as JSON. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Print the mean per-row loss and explained variance of a saved model on --input as JSON.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  ModelOptions model;

  @Mixin
  InputOptions input;

  @Option(names = "--importance-samples", description = "probabilistic models: also estimate "
      + "log p(x) by importance weighting with K samples per row, 1 <= K <= 5000 (default: 0, off)")
  int importanceSamples;

  @Option(names = "--max-rows", description = "evaluate only the first N rows (default: all)")
  Integer maxRows;

  @Override
  public Integer call() {
    SparkSession s = spark.session("sparkae evaluate");
    AutoencoderModel<?> m = model.load(s);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model.model);
    out.put("input", input.input);
    if (importanceSamples < 0 || importanceSamples > 5000) {
      throw new IllegalArgumentException("--importance-samples " + importanceSamples + " must lie in [0, 5000]");
    }
    if (maxRows != null && maxRows < 1) {
      throw new IllegalArgumentException("--max-rows " + maxRows + " must be >= 1");
    }
    var data = input.load(s);
    InputSize.require(m, data, input.input);
    if (maxRows != null) {
      data = data.limit(maxRows);
    }
    out.putAll(m.evaluate(data).toMap());
    if (m instanceof EvaluationExtras e) {
      out.putAll(e.evaluationExtras(data, importanceSamples));
    }
    System.out.print(Json.of(out));
    return 0;
  }
}
