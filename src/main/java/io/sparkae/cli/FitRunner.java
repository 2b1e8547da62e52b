package io.sparkae.cli;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.CheckpointedFit;
import io.sparkae.core.DataFigures;
import io.sparkae.core.LikelihoodEvaluation;
import io.sparkae.core.TrainingReport;
import io.sparkae.core.ValidatedFit;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@code fit} subcommand does once it has built its estimator: load the input, fit, evaluate on the
 * training (and validation) data, and write model/, metrics.json and figures/ into the output folder atomically.
 * It knows no model family: what differs between them is asked of the estimator's and the model's capabilities
 * ({@link CheckpointedFit}, {@link ValidatedFit}, {@link LikelihoodEvaluation}, {@link TrainingReport},
 * {@link DataFigures}) and of the model's own {@code describe()} and {@code figures()}.
 */
final class FitRunner {
  private static final Logger LOG = LoggerFactory.getLogger(FitRunner.class);

  private FitRunner() {}

  static int fit(String name, SparkOptions sparkOptions, InputOptions in, FitOptions out,
      AutoencoderEstimator<?, ?> estimator) throws IOException {
    SparkSession spark = sparkOptions.session("sparkae fit " + name);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    CheckpointedFit checkpointed = estimator instanceof CheckpointedFit c && !c.getCheckpointDir().isEmpty()
        ? c : null;
    String checkpointDir = checkpointed != null ? checkpointed.getCheckpointDir() : null;
    Map<String, String> keep = new LinkedHashMap<>();
    keep.put("input", in.input);
    keep.put("validation input", out.validation);
    keep.put("checkpoint folder", checkpointDir);
    // Everything is checked before any data is read: a fit that cannot write its output fails in a second.
    if (checkpointDir != null) {
      Path target = new Path(out.output);
      if (OutputDir.within(target.getFileSystem(conf), checkpointDir, target.getFileSystem(conf)
          .makeQualified(target))) {
        throw new IllegalArgumentException("--checkpoint-dir " + checkpointDir + " is inside --output " + out.output
            + ", which is replaced when the fit ends; choose a folder outside it");
      }
      OutputDir.requireWritable(checkpointDir, "--checkpoint-dir", conf);
    }
    try (OutputDir dir = new OutputDir(out.output, out.overwrite, conf, keep)) {
      if (checkpointed != null) {
        Resume.check(checkpointed, name, in, out, conf);
      }
      Dataset<Row> data = in.load(spark);
      // Loaded once: SGD-trained models report its loss after every epoch, and every model is evaluated on it.
      Dataset<Row> validation = out.validation != null ? in.copyWithInput(out.validation).load(spark) : null;
      if (validation != null && estimator instanceof ValidatedFit v) {
        v.setValidationData(validation);
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
        metrics.put("validation", model instanceof LikelihoodEvaluation l ? l.heldOutMetrics(validation)
            : model.evaluate(validation).toMap());
      }
      metrics.putAll(model.describe());
      if (model instanceof TrainingReport t) {
        TrainingReport.Report report = t.trainingReport(data);
        metrics.putAll(report.metrics());
        report.files().forEach(dir::writeText);
      }
      dir.writeText("metrics.json", Json.of(metrics));
      if (!out.noReport) {
        ModelReports.write(model.figures(), dir, "figures/");
        if (model instanceof DataFigures d) {
          ModelReports.write(d.figures(validation != null ? validation : data,
              validation != null ? "validation" : "training"), dir, "figures/");
        }
      }
      dir.commit();
      System.out.print(Json.of(metrics));
      return 0;
    }
  }
}
