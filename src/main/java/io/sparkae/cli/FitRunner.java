package io.sparkae.cli;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.AutoencoderModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@code fit} subcommand does once it has built its estimator: load the input, fit, evaluate on the
 * training (and validation) data, and write model/, metrics.json and figures/ into the output folder atomically.
 */
final class FitRunner {
  private static final Logger LOG = LoggerFactory.getLogger(FitRunner.class);

  private FitRunner() {}

  static int fit(String name, SparkOptions sparkOptions, InputOptions in, FitOptions out,
      AutoencoderEstimator<?> estimator) throws java.io.IOException {
    SparkSession spark = sparkOptions.session("sparkae fit " + name);
    try (OutputDir dir = new OutputDir(out.output, out.overwrite, spark.sparkContext().hadoopConfiguration())) {
      Dataset<Row> data = in.load(spark);
      LOG.info("fit {} on {} ({} partitions), output {}", name, in.input, data.rdd().getNumPartitions(), out.output);
      AutoencoderModel<?> model = estimator.fit(data);
      model.write().save(dir.path("model"));
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("model", name);
      metrics.put("input", in.input);
      metrics.put("fitSeconds", model.provenance().fitSeconds());
      metrics.put("train", model.evaluate(data).toMap());
      Dataset<Row> validation = null;
      if (out.validation != null) {
        validation = in.copyWithInput(out.validation).load(spark);
        Map<String, Object> v = new LinkedHashMap<>(model.evaluate(validation).toMap());
        if (model instanceof io.sparkae.neural.vae.VariationalModel<?>) {
          v.putAll(ModelReports.evaluationExtras(model, validation, 0)); // the -ELBO's two terms
        }
        metrics.put("validation", v);
      }
      metrics.putAll(ModelReports.summary(model));
      if (model instanceof io.sparkae.neural.topics.TopicModelModel tm) {
        Map<String, Object> topics = TopicReports.summary(tm, data);
        metrics.putAll(topics);
        dir.writeText("topics.txt", TopicReports.topicsText(tm, topics));
        dir.writeText("vocabulary.txt", String.join("\n", tm.getVocabulary()) + "\n");
      }
      dir.writeText("metrics.json", Json.of(metrics));
      if (!out.noReport) {
        ModelReports.write(model, dir, "figures/");
        ModelReports.writeDataFigures(model, validation != null ? validation : data,
            validation != null ? "validation" : "training", dir, "figures/");
      }
      dir.commit();
      System.out.print(Json.of(metrics));
      return 0;
    }
  }
}
