package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

  @Override
  public Integer call() {
    SparkSession s = spark.session("sparkae evaluate");
    AutoencoderModel<?> m = model.load(s);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model.model);
    out.put("input", input.input);
    var data = input.load(s);
    out.putAll(m.evaluate(data).toMap());
    out.putAll(ModelReports.evaluationExtras(m, data));
    System.out.print(Json.of(out));
    return 0;
  }
}
