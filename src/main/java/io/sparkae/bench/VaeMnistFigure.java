package io.sparkae.bench;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.vae.VariationalAutoencoderModel;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.LinePlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The combined figures of {@code jobs/demo-vae-mnist}: the training objective and test -ELBO of the k = 20, 10, 5
 * and 2 models against the number of training rows seen (Kingma and Welling 2014, figure 2), ten prior samples of
 * each (figure 5), and summary.txt with each model's final test -ELBO, fit time and, for k = 20, the
 * importance-weighted estimate of log p(x). Reads the models the demo's fits wrote under OUT_DIR/k{k}/model.
 */
@Command(name = "VaeMnistFigure", mixinStandardHelpOptions = true,
    description = "the combined figures and summary.txt of jobs/demo-vae-mnist")
public final class VaeMnistFigure extends Demo {
  private static final int[] LATENTS = {20, 10, 5, 2};

  @Parameters(index = "0", paramLabel = "OUT_DIR", description = "the folder jobs/demo-vae-mnist wrote")
  Path out;

  public static void main(String[] args) {
    BenchOptions.runDemo(new VaeMnistFigure(), args);
  }

  @Override
  public Integer call() throws Exception {
    SparkSession spark = session("sparkae vae figure");
    try {
      List<LinePlot.Series> series = new ArrayList<>();
      List<double[]> samples = new ArrayList<>();
      StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
          "# 784-400-k Bernoulli VAEs on MNIST (60,000 training, 10,000 test images)%n"
          + "%-4s %7s %14s %16s %10s %12s%n", "k", "epochs", "test -ELBO", "train objective", "fit s", "rows/s"));
      int height = 28;
      int width = 28;
      for (int k : LATENTS) {
        Path dir = out.resolve("k" + k).resolve("model");
        if (!Files.isDirectory(dir)) {
          summary.append(String.format(Locale.ROOT, "%-4d (no model at %s)%n", k, dir));
          continue;
        }
        VariationalAutoencoderModel m = VariationalAutoencoderModel.load(dir.toString());
        double rows = m.provenance().rows();
        double[] train = m.trainLoss();
        double[] test = m.validationLoss();
        int rpe = Math.max(1, m.roundsPerEpoch());
        double[] x = new double[train.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = (i + 1) * rows / rpe;
        }
        double[] e = new double[test.length];
        for (int i = 0; i < e.length; i++) {
          e[i] = (i + 1) * rows;
        }
        series.add(new LinePlot.Series("k = " + k + " train", x, train));
        if (test.length > 0) {
          series.add(new LinePlot.Series("k = " + k + " test", e, test));
        }
        DenseMatrix s = m.sample(10, 20140101L + k);
        for (int j = 0; j < s.cols; j++) {
          samples.add(s.column(j));
        }
        if (m.provenance().isImage()) {
          height = m.provenance().imageHeight();
          width = m.provenance().imageWidth();
        }
        int epochs = train.length / rpe;
        double fit = m.provenance().fitSeconds();
        summary.append(String.format(Locale.ROOT, "%-4d %7d %14.2f %16.2f %10.1f %12.0f%n", k, epochs,
            test.length > 0 ? test[test.length - 1] : Double.NaN, train.length > 0 ? train[train.length - 1]
            : Double.NaN, fit, rows * epochs / fit));
      }
      Path iw = out.resolve("k20-iw.json");
      if (Files.exists(iw)) {
        String json = Files.readString(iw);
        summary.append(String.format(Locale.ROOT, "k = 20 on the first %s test images: -ELBO %s, importance-weighted "
            + "-log p(x) with K = %s: %s nats%n", field(json, "rows"), field(json, "negElbo"),
            field(json, "importanceSamples"), negate(field(json, "logLikelihood"))));
      }
      LinePlot.write(out.resolve("elbo.png"), "MNIST VAE: -ELBO per image (nats) against training rows seen",
          "training rows seen", "-ELBO", series, true);
      ImageGrid.write(out.resolve("samples.png"), samples, height, width, 10,
          "Prior samples, one row per latent size k = 20, 10, 5, 2", ImageGrid.Scale.FIXED_01);
      Files.writeString(out.resolve("summary.txt"), summary.toString());
    } finally {
      spark.stop();
    }
    return 0;
  }

  /** A number field of a flat JSON text, or "?". */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*([-0-9.eE]+)").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  private static String negate(String v) {
    try {
      return String.format(Locale.ROOT, "%.2f", -Double.parseDouble(v));
    } catch (NumberFormatException e) {
      return v;
    }
  }
}
