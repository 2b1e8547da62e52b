package io.sparkae.bench;

import io.sparkae.neural.vae.VariationalAutoencoderModel;
import io.sparkae.report.LinePlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The figure and table of {@code jobs/demo-vae-mnist literature}: for each run it made (OUT_DIR/elbo, trained on the
 * ELBO, and OUT_DIR/iwae5, trained on the IWAE bound with k = 5), the test -ELBO after every epoch and the
 * importance-weighted test -log p(x) after every segment against training minutes ({@code nll-time.png}), and
 * {@code table.txt}: epochs, training minutes, final test -ELBO on the 10,000 test images and -log p(x) with K =
 * 5,000 importance samples, beside the targets (-ELBO at most 92, -log p(x) at most 88 nats, within 90
 * minutes) and Burda et al.'s published figures.
 *
 * <p>Each run folder holds {@code curve.tsv} (one line per training segment: cumulative epochs, cumulative training
 * seconds, test -ELBO, the K = 1,000 estimate on the first 1,000 test images), the segments' models {@code m<E>} and
 * {@code final-iw.json}, the K = 5,000 evaluation of the last model on the whole test set.
 */
@Command(name = "VaeLiteratureFigure", mixinStandardHelpOptions = true,
    description = "the test -log p(x) curve and table of jobs/demo-vae-mnist literature")
public final class VaeLiteratureFigure extends Demo {
  private static final String[] RUNS = {"elbo", "iwae5"};
  private static final String[] NAMES = {"ELBO", "IWAE, k = 5"};

  @Parameters(index = "0", paramLabel = "OUT_DIR", description = "the folder jobs/demo-vae-mnist literature wrote")
  Path out;

  public static void main(String[] args) {
    BenchOptions.runDemo(new VaeLiteratureFigure(), args);
  }

  /** One line of curve.tsv. */
  record Segment(int epochs, double seconds, double negElbo, double nll) {}

  static List<Segment> readCurve(Path tsv) throws IOException {
    List<Segment> out = new ArrayList<>();
    for (String line : Files.readAllLines(tsv)) {
      String[] f = line.split("\t", -1);
      if (f.length < 4 || !f[0].matches("\\d+")) {
        continue;
      }
      out.add(new Segment(Integer.parseInt(f[0]), Double.parseDouble(f[1]), parse(f[2]), parse(f[3])));
    }
    return out;
  }

  /**
   * Training minutes at the end of epoch e (1-based), interpolated linearly within the segment that contains it
   * (every epoch of a segment costs the same; a segment's time includes its start-up).
   */
  static double minutesAt(List<Segment> curve, int e) {
    int e0 = 0;
    double s0 = 0;
    for (Segment s : curve) {
      if (e <= s.epochs()) {
        return (s0 + (e - e0) * (s.seconds() - s0) / (s.epochs() - e0)) / 60;
      }
      e0 = s.epochs();
      s0 = s.seconds();
    }
    return s0 / 60;
  }

  @Override
  public Integer call() throws Exception {
    SparkSession spark = session("sparkae vae literature figure");
    try {
      List<LinePlot.Series> series = new ArrayList<>();
      StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
          "# %s, dynamically binarised MNIST (60,000 training, 10,000 test images), "
          + "2 partitions with parameter averaging%n"
          + "%-12s %7s %9s %11s %22s%n", network(out), "objective", "epochs", "minutes", "test -ELBO",
          "test -log p(x) K=5000"));
      for (int r = 0; r < RUNS.length; r++) {
        Path dir = out.resolve(RUNS[r]);
        Path tsv = dir.resolve("curve.tsv");
        if (!Files.exists(tsv)) {
          table.append(String.format(Locale.ROOT, "%-12s (no run at %s)%n", NAMES[r], dir));
          continue;
        }
        List<Segment> curve = readCurve(tsv);
        if (curve.isEmpty()) {
          continue;
        }
        Segment last = curve.get(curve.size() - 1);
        Path model = dir.resolve("m" + last.epochs()).resolve("model");
        if (Files.isDirectory(model)) {
          double[] test = VariationalAutoencoderModel.load(model.toString()).validationLoss();
          double[] x = new double[test.length];
          for (int i = 0; i < x.length; i++) {
            x[i] = minutesAt(curve, i + 1);
          }
          series.add(new LinePlot.Series(NAMES[r] + ": test -ELBO", x, test));
        }
        double[] t = new double[curve.size()];
        double[] nll = new double[curve.size()];
        for (int i = 0; i < t.length; i++) {
          t[i] = curve.get(i).seconds() / 60;
          nll[i] = curve.get(i).nll();
        }
        series.add(new LinePlot.Series(NAMES[r] + ": test -log p(x), K = 1000, first 1000", t, nll));
        Path iw = dir.resolve("final-iw.json");
        String json = Files.exists(iw) ? Files.readString(iw) : "";
        table.append(String.format(Locale.ROOT, "%-12s %7d %9.1f %11s %22s%n", NAMES[r], last.epochs(),
            last.seconds() / 60, json.isEmpty() ? String.format(Locale.ROOT, "%.2f", last.negElbo())
            : format(parse(VaeMnistFigure.field(json, "negElbo"))), format(-parse(VaeMnistFigure.field(json, "logLikelihood")))));
      }
      table.append(String.format(Locale.ROOT, "targets (issue 15): test -ELBO <= 92, -log p(x) <= 88 nats within 90 "
          + "minutes of training%nBurda et al. 2016 (2 x 200 hidden, 50 latent, 3,280 epochs): -log p(x) 86.76 "
          + "(VAE), 85.54 (IWAE, k = 5)%n"));
      LinePlot.write(out.resolve("nll-time.png"), "Binarised MNIST VAE: test nats per image against training time",
          "training minutes", "nats", series, false);
      Files.writeString(out.resolve("table.txt"), table.toString());
    } finally {
      spark.stop();
    }
    return 0;
  }

  /** The network the demo trained, from the OUT_DIR/network.txt it writes (older runs: its first default). */
  static String network(Path out) throws IOException {
    Path f = out.resolve("network.txt");
    String line = Files.exists(f) ? Files.readString(f).strip() : "";
    return line.isEmpty() ? "784-400-20 ReLU Bernoulli VAE" : line;
  }

  private static String format(double v) {
    return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static double parse(String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
