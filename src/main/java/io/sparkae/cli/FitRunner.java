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
      AutoencoderEstimator<?, ?> estimator) throws java.io.IOException {
    SparkSession spark = sparkOptions.session("sparkae fit " + name);
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    String checkpointDir = estimator instanceof io.sparkae.neural.SgdEstimator<?, ?> sgd
        && !sgd.getCheckpointDir().isEmpty() ? sgd.getCheckpointDir() : null;
    Map<String, String> keep = new LinkedHashMap<>();
    keep.put("input", in.input);
    keep.put("validation input", out.validation);
    keep.put("checkpoint folder", checkpointDir);
    // Everything is checked before any data is read: a fit that cannot write its output fails in a second.
    if (checkpointDir != null) {
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(out.output);
      if (OutputDir.within(target.getFileSystem(conf), checkpointDir, target.getFileSystem(conf)
          .makeQualified(target))) {
        throw new IllegalArgumentException("--checkpoint-dir " + checkpointDir + " is inside --output " + out.output
            + ", which is replaced when the fit ends; choose a folder outside it");
      }
      OutputDir.requireWritable(checkpointDir, "--checkpoint-dir", conf);
    }
    try (OutputDir dir = new OutputDir(out.output, out.overwrite, conf, keep)) {
      if (checkpointDir != null) {
        Resume.check((io.sparkae.neural.SgdEstimator<?, ?>) estimator, name, in, out, conf);
      }
      Dataset<Row> data = in.load(spark);
      // Loaded once: SGD-trained models report its loss after every epoch, and every model is evaluated on it.
      Dataset<Row> validation = out.validation != null ? in.copyWithInput(out.validation).load(spark) : null;
      if (validation != null && estimator instanceof io.sparkae.neural.SgdEstimator<?, ?> sgd) {
        sgd.setValidationData(validation);
      }
      LOG.info("fit {} on {} ({} partitions), output {}", name, in.input, data.rdd().getNumPartitions(), out.output);
      AutoencoderModel<?> model = estimator.fit(data);
      model.write().save(dir.path("model"));
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("model", name);
      metrics.put("input", in.input);
      metrics.put("fitSeconds", model.provenance().fitSeconds());
      metrics.put("train", model.evaluate(data).toMap());
      if (validation != null) {
        metrics.put("validation", validationMetrics(model, validation));
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

  /** Loss (and explained variance) on held-out rows; for probabilistic models the -ELBO with its two terms. */
  private static Map<String, Object> validationMetrics(AutoencoderModel<?> model, Dataset<Row> validation) {
    if (!(model instanceof io.sparkae.neural.vae.VariationalModel<?> vm)) {
      return model.evaluate(validation).toMap();
    }
    // One pass: the -ELBO and its terms together (the generic evaluate would compute the -ELBO a second time).
    var r = vm.evaluateLikelihood(validation, 0);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("rows", r.rows());
    v.put("meanLoss", r.negElbo());
    v.put("loss", vm.autoencoder().lossName());
    v.putAll(r.toMap());
    return v;
  }
}
