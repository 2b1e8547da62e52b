package io.sparkae.bench;

import io.sparkae.linear.dictionary.ica.FastICA;
import io.sparkae.linear.dictionary.ica.ICAModel;
import io.sparkae.report.LinePlot;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The cocktail-party demo: three voice recordings (data/fetch sounds) are mixed by a seeded random 3 x 3 matrix,
 * FastICA unmixes the mixtures (each time sample is a row), and the demo prints, for each original voice, the
 * largest |correlation| with a recovered source, and draws sources, mixtures and recovered signals.
 * Usage: {@code jobs/demo-cocktail-party [SOUNDS_DIR] [OUTPUT_DIR] [--master URL]}.
 */
@Command(name = "demo-cocktail-party", mixinStandardHelpOptions = true,
    description = "FastICA unmixes three seeded mixtures of three voices; figures and correlations")
public final class CocktailPartyDemo extends Demo {
  @Parameters(index = "0", arity = "0..1", defaultValue = "data/sounds", description = "the voices (data/fetch "
      + "sounds; default: ${DEFAULT-VALUE})")
  Path dir;

  @Parameters(index = "1", arity = "0..1", defaultValue = "out/cocktail-party", description = "output folder "
      + "(default: ${DEFAULT-VALUE})")
  Path out;

  private static final String[] VOICES = {"Front_Center.wav", "Front_Left.wav", "Rear_Right.wav"};

  public static void main(String[] args) {
    BenchOptions.runDemo(new CocktailPartyDemo(), args);
  }

  @Override
  public Integer call() throws Exception {
    double[][] s = new double[VOICES.length][];
    int t = Integer.MAX_VALUE;
    for (int i = 0; i < VOICES.length; i++) {
      Path f = dir.resolve(VOICES[i]);
      if (!Files.isReadable(f)) {
        throw new IllegalArgumentException("missing " + f + ": run data/fetch sounds first");
      }
      s[i] = readMono(f.toFile());
      t = Math.min(t, s[i].length);
    }
    SplittableRandom r = new SplittableRandom(7);
    double[][] a = new double[3][3];
    for (double[] row : a) {
      for (int j = 0; j < 3; j++) {
        row[j] = 0.5 + r.nextDouble();
      }
    }
    List<Row> rows = new ArrayList<>();
    double[][] x = new double[3][t];
    for (int n = 0; n < t; n++) {
      double[] v = new double[3];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          v[i] += a[i][j] * s[j][n];
        }
        x[i][n] = v[i];
      }
      rows.add(RowFactory.create((long) n, Vectors.dense(v)));
    }
    SparkSession spark = session("sparkae cocktail party");
    StructType schema = new StructType().add("t", DataTypes.LongType).add("features", SQLDataTypes.VectorType());
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2);
    ICAModel model = new FastICA().setK(3).setContrast("logcosh").setMaxIter(200).setTol(1e-6).setSeed(1).fit(df);
    List<Row> codes = model.transform(df).orderBy("t").select("code").collectAsList();
    double[][] y = new double[3][t];
    for (int n = 0; n < t; n++) {
      double[] z = ((Vector) codes.get(n).get(0)).toArray();
      for (int i = 0; i < 3; i++) {
        y[i][n] = z[i];
      }
    }
    System.out.printf(Locale.ROOT, "# cocktail party: %d samples of %d voices, seeded mixing, FastICA (logcosh)%n", t,
        VOICES.length);
    for (int i = 0; i < 3; i++) {
      double best = 0;
      int which = -1;
      for (int j = 0; j < 3; j++) {
        double c = Math.abs(correlation(s[i], y[j], t));
        if (c > best) {
          best = c;
          which = j;
        }
      }
      double mixed = 0;
      for (int j = 0; j < 3; j++) {
        mixed = Math.max(mixed, Math.abs(correlation(s[i], x[j], t)));
      }
      System.out.printf(Locale.ROOT, "%-16s best |corr| with a recovered source %.4f (source %d); with a mixture %.4f%n",
          VOICES[i], best, which, mixed);
    }
    Files.createDirectories(out);
    plot(out.resolve("sources.png"), "original voices", s, t);
    plot(out.resolve("mixtures.png"), "mixtures (the input)", x, t);
    plot(out.resolve("recovered.png"), "FastICA codes (recovered voices, any order and scale)", y, t);
    System.out.println("figures in " + out);
    return 0;
  }

  private static void plot(Path png, String title, double[][] signals, int t) throws IOException {
    int step = Math.max(1, t / 2000);
    List<LinePlot.Series> series = new ArrayList<>();
    for (int i = 0; i < signals.length; i++) {
      int m = t / step;
      double[] xs = new double[m];
      double[] ys = new double[m];
      double sd = Math.sqrt(variance(signals[i], t));
      for (int k = 0; k < m; k++) {
        xs[k] = k * step;
        ys[k] = signals[i][k * step] / (sd > 0 ? sd : 1) + 8.0 * (signals.length - 1 - i);
      }
      series.add(new LinePlot.Series("signal " + (i + 1), xs, ys));
    }
    LinePlot.write(png, title, "sample", "standardized value (offset per signal)", series, false);
  }

  static double correlation(double[] a, double[] b, int t) {
    double ma = 0;
    double mb = 0;
    for (int n = 0; n < t; n++) {
      ma += a[n] / t;
      mb += b[n] / t;
    }
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int n = 0; n < t; n++) {
      sab += (a[n] - ma) * (b[n] - mb);
      saa += (a[n] - ma) * (a[n] - ma);
      sbb += (b[n] - mb) * (b[n] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  private static double variance(double[] a, int t) {
    double m = 0;
    for (int n = 0; n < t; n++) {
      m += a[n] / t;
    }
    double v = 0;
    for (int n = 0; n < t; n++) {
      v += (a[n] - m) * (a[n] - m) / t;
    }
    return v;
  }

  /** 16-bit PCM WAV, first channel, as doubles in [-1, 1]. */
  static double[] readMono(File f) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(f)) {
      AudioFormat fmt = in.getFormat();
      if (fmt.getSampleSizeInBits() != 16) {
        throw new IllegalArgumentException(f + ": expected 16-bit PCM, found " + fmt);
      }
      byte[] bytes = in.readAllBytes();
      int channels = fmt.getChannels();
      int frames = bytes.length / (2 * channels);
      double[] out = new double[frames];
      boolean big = fmt.isBigEndian();
      for (int n = 0; n < frames; n++) {
        int o = n * 2 * channels;
        int v = big ? (bytes[o] << 8) | (bytes[o + 1] & 0xff) : (bytes[o + 1] << 8) | (bytes[o] & 0xff);
        out[n] = v / 32768.0;
      }
      return out;
    }
  }
}
