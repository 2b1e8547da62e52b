package io.sparkae.cli;

import io.sparkae.core.AutoencoderModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkae report}: PNG figures of a saved model. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write PNG figures of a saved model (scree plot; components, atoms or centroids as images).")
final class ReportCommand implements Callable<Integer> {
  @Mixin
  SparkOptions spark;

  @Mixin
  ModelOptions model;

  @Option(names = "--output", description = "figures folder (default: figures/ inside --model)")
  String output;

  @Override
  public Integer call() {
    SparkSession s = spark.session("sparkae report");
    AutoencoderModel<?> m = model.load(s);
    String target = output != null ? output : new Path(model.model, "figures").toString();
    try (OutputDir dir = new OutputDir(target, true, s.sparkContext().hadoopConfiguration(),
        Map.of("model", model.modelPath(s), "model folder", model.model), "report would replace")) {
      List<String> files = ModelReports.write(m.figures(), dir, "");
      dir.commit();
      files.forEach(f -> System.out.println("wrote " + target + "/" + f));
    }
    return 0;
  }
}
