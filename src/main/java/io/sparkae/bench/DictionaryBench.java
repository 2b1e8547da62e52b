package io.sparkae.bench;

import io.sparkae.data.DataSources;
import io.sparkae.data.ImagePatches;
import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.dictionary.DictionaryModel;
import io.sparkae.linear.dictionary.NMF;
import io.sparkae.linear.dictionary.SparseCoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Dictionary learning at the speed of its arithmetic, side by side in one run: NMF (rank 20 on MNIST, 60,000 x 784,
 * pixels in [0, 1]) and sparse coding (144 atoms, lasso, ZCA-whitened 12 x 12 photo patches), each fitted with
 * warm codes (the default: codes kept beside the cached blocks, a few sweeps per round) and with exact codes
 * ({@code exactCodes}: every code from zero to convergence each round, the behaviour before warm codes), on 1 and
 * 2 partitions. Every fit runs until its time budget (the largest of {@code --budgets}) is used up and reports:
 * seconds per round (median over rounds 2..), the floor of a round (its FLOPs over the gemm rate measured in this
 * run on the round's own Phi^T X shape, times the cores the partitions can use), and the objective reached after
 * each budget (from the fit's own per-round clock, caching and initial atoms included). For NMF it also fits
 * {@code --reference-rounds} exact rounds on the most partitions and reports when the warm fit reached their
 * relative error {@code ||X - Phi Z||_F / ||X||_F}. Writes summary.txt.
 */
@Command(name = "dictionary", mixinStandardHelpOptions = true,
    description = "NMF on MNIST and sparse coding on photo patches: warm vs exact codes, s per round against the "
        + "gemm floor, objective after fixed time budgets, 1 vs 2 partitions")
public final class DictionaryBench extends Benchmark {
  @Mixin
  BenchOptions.Mnist mnist = new BenchOptions.Mnist();

  @Option(names = "--images", description = "folder of photos (default: data/images, from data/fetch images)")
  String images = "data/images";

  @Option(names = "--output", description = "folder for summary.txt (default: out/dictionary-bench)")
  String output = "out/dictionary-bench";

  @Option(names = "--only", description = "nmf, sparse or all (default: all)")
  String only = "all";

  @Option(names = "--rank", description = "NMF rank (default: 20)")
  int rank = 20;

  @Option(names = "--nmf-rows", description = "use only the first this many MNIST rows, 0 for all (default: 0)")
  int nmfRows = 0;

  @Option(names = "--per-image", description = "patches per image (default: 4600, 91,201 training patches from the "
      + "fetched photos)")
  int perImage = 4600;

  @Option(names = "--atoms", description = "sparse-coding atoms (default: 144)")
  int atoms = 144;

  @Option(names = "--lambda", description = "sparse-coding L1 weight (default: 1.0, as jobs/demo-olshausen)")
  double lambda = 1.0;

  @Option(names = "--budgets", split = ",", description = "time budgets in seconds; every fit runs to the largest "
      + "(default: 30,120)")
  double[] budgets = {30, 120};

  @Option(names = "--partitions", split = ",", description = "partition counts (default: 1,2)")
  int[] partitions = {1, 2};

  @Option(names = "--code-sweeps", description = "sweeps per round over the warm codes, 0 for the estimator's default "
      + "(default: 0)")
  int codeSweeps = 0;

  @Option(names = "--codes", description = "both, warm or exact: which codes to fit (default: both)")
  String codes = "both";

  @Option(names = "--reference-error", description = "NMF: the relative error to reach, instead of fitting "
      + "--reference-rounds exact rounds for it (default: 0, fit them)")
  double referenceError = 0;

  @Option(names = "--reference-rounds", description = "NMF: exact rounds of the reference relative error, 0 to skip "
      + "(default: 200)")
  int referenceRounds = 200;

  @Override
  protected void run(SparkSession spark) throws Exception {
    Path out = Path.of(output);
    Files.createDirectories(out);
    Arrays.sort(budgets);
    Arrays.sort(partitions);
    StringBuilder report = new StringBuilder();
    int cores = Runtime.getRuntime().availableProcessors();
    line(report, "budgets %s s; partitions %s; %d cores; every fit: tol 0, seed 42, stopped after the round that "
        + "ends past %.0f s (maxSeconds)", Arrays.toString(budgets), Arrays.toString(partitions), cores,
        budgets[budgets.length - 1]);
    line(report, "floor = FLOPs of the round / (gemm rate x min(partitions, cores)); FLOPs = 4dmn (C = Phi^T X, "
        + "B = X Z^T) + m^2 n (A = Z Z^T) + 2m^2 n (Q = C - G Z, warm codes) + 2m per coordinate update");
    if (!only.equals("sparse")) {
      nmf(spark, report);
    }
    if (!only.equals("nmf")) {
      sparseCoding(spark, report);
    }
    Files.writeString(out.resolve("summary.txt"), report);
  }

  private void nmf(SparkSession spark, StringBuilder report) throws Exception {
    String path = mnist.path();
    Dataset<Row> all = DataSources.load(spark, path, "idx", Map.of()).select("features");
    if (nmfRows > 0) {
      all = all.limit(nmfRows);
    }
    Problem p = new Problem("NMF", rank, 0.0);
    p.data = all.persist(StorageLevel.MEMORY_ONLY());
    p.n = p.data.count();
    p.d = ((Vector) p.data.first().get(0)).size();
    p.totalSquares = squares(p.data);
    line(report, "%nNMF rank %d on %s: %d x %d, ||X||_F^2 = %.6g", rank, path, p.n, p.d, p.totalSquares);
    compare(spark, p, report);
    p.data.unpersist();
  }

  private void sparseCoding(SparkSession spark, StringBuilder report) throws Exception {
    Dataset<Row> all = ImagePatches.load(spark, images, 12, perImage, "zca", 0.1, 42, 2);
    Dataset<Row>[] split = all.randomSplit(new double[] {0.9, 0.1}, 7);
    Problem p = new Problem("sparse coding", atoms, lambda);
    p.data = split[0].select("features").persist(StorageLevel.MEMORY_ONLY());
    p.n = p.data.count();
    p.d = ((Vector) p.data.first().get(0)).size();
    p.totalSquares = squares(p.data);
    line(report, "%nsparse coding, %d atoms, lambda %.3g, on ZCA 12x12 patches of %s: %d x %d", atoms, lambda,
        images, p.n, p.d);
    compare(spark, p, report);
    p.data.unpersist();
  }

  /** One problem: its data and what it is fitted with. */
  private static final class Problem {
    final String name;
    final int m;
    final double lambda;
    Dataset<Row> data;
    long n;
    int d;
    double totalSquares;

    Problem(String name, int m, double lambda) {
      this.name = name;
      this.m = m;
      this.lambda = lambda;
    }

    boolean nmf() {
      return name.equals("NMF");
    }
  }

  /** One fit's trace. */
  private record Run(int partitions, boolean exact, double[] objectives, double[] seconds, long[] updates) {
    double perRound() {
      if (seconds.length < 2) {
        return seconds.length == 1 ? seconds[0] : Double.NaN;
      }
      double[] d = new double[seconds.length - 1];
      for (int t = 1; t < seconds.length; t++) {
        d[t - 1] = seconds[t] - seconds[t - 1];
      }
      Arrays.sort(d);
      return d[d.length / 2];
    }

    /** The objective of the last round that ended within {@code budget} seconds (NaN if none). */
    double objectiveAt(double budget) {
      double v = Double.NaN;
      for (int t = 0; t < seconds.length; t++) {
        if (seconds[t] <= budget) {
          v = objectives[t];
        }
      }
      return v;
    }

    long medianUpdates() {
      if (updates.length < 2) {
        return updates.length == 1 ? updates[0] : 0;
      }
      long[] u = Arrays.copyOfRange(updates, 1, updates.length);
      Arrays.sort(u);
      return u[u.length / 2];
    }
  }

  private void compare(SparkSession spark, Problem p, StringBuilder report) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    double rate = gemmRate(p.d, p.m);
    line(report, "gemm rate on Phi^T X (%d x %d by %d x %d, one thread, best of both orientations): %.2f GFLOP/s",
        p.m, p.d, p.d, BLOCK, rate / 1e9);
    double budget = budgets[budgets.length - 1];
    List<Run> runs = new ArrayList<>();
    for (int parts : partitions) {
      Dataset<Row> train = p.data.repartition(parts).persist(StorageLevel.MEMORY_ONLY());
      train.count();
      boolean[] kinds = switch (codes) {
        case "both" -> new boolean[] {false, true};
        case "warm" -> new boolean[] {false};
        case "exact" -> new boolean[] {true};
        default -> throw new IllegalArgumentException("--codes must be both, warm or exact, found '" + codes + "'");
      };
      for (boolean exact : kinds) {
        DictionaryModel<?> model = fit(p, train, exact, 100000, budget);
        Run r = new Run(parts, exact, model.objectiveHistory(), model.roundSeconds(), model.codeUpdates());
        runs.add(r);
        double flops = roundFlops(p, r);
        double floor = flops / (rate * Math.min(parts, cores));
        StringBuilder at = new StringBuilder();
        for (double b : budgets) {
          at.append(String.format(Locale.ROOT, ", objective at %.0f s %s", b, objective(p, r.objectiveAt(b))));
        }
        line(report, "%s, %s codes, %d partition(s): %d rounds in %.1f s, %.3f s per round, floor %.3f s (%.2f "
            + "GFLOP), round/floor %.1f%s", p.name, exact ? "exact" : "warm", parts, r.objectives().length,
            r.seconds().length == 0 ? 0 : r.seconds()[r.seconds().length - 1], r.perRound(), floor, flops / 1e9,
            r.perRound() / floor, at);
      }
      train.unpersist();
    }
    int most = partitions[partitions.length - 1];
    int fewest = partitions[0];
    Run warmMost = find(runs, most, false);
    Run exactMost = codes.equals("both") ? find(runs, most, true) : null;
    Run warmFewest = find(runs, fewest, false);
    String tag = p.nmf() ? String.format(Locale.ROOT, "NMF r=%d, %dx%d", p.m, p.n, p.d)
        : String.format(Locale.ROOT, "SC m=%d, l=%.3g, %dx%d", p.m, p.lambda, p.n, p.d);
    figure(tag + ": s per round, warm, " + most + " partitions", warmMost.perRound(), "seconds");
    figure(tag + ": round / floor, warm, " + most + " partitions", warmMost.perRound()
        / (roundFlops(p, warmMost) / (rate * Math.min(most, cores))), "measured s / floor s");
    if (exactMost != null) {
      figure(tag + ": round, exact / warm codes, " + most + " partitions", exactMost.perRound()
          / warmMost.perRound(), "exact s / warm s");
    }
    if (fewest != most) {
      figure(tag + ": round, " + fewest + " vs " + most + " partitions, warm", warmFewest.perRound()
          / warmMost.perRound(), fewest + "-partition s / " + most + "-partition s");
    }
    for (double b : budgets) {
      if (exactMost != null) {
        figure(String.format(Locale.ROOT, "%s: objective at %.0f s, exact / warm", tag, b),
            exactMost.objectiveAt(b) / warmMost.objectiveAt(b), "exact objective / warm objective");
      }
    }
    if (p.nmf() && (referenceRounds > 0 || referenceError > 0)) {
      double target;
      String source;
      if (referenceError > 0) {
        target = referenceError;
        source = "given (--reference-error)";
      } else {
        Dataset<Row> train = p.data.repartition(most).persist(StorageLevel.MEMORY_ONLY());
        train.count();
        DictionaryModel<?> ref = fit(p, train, true, referenceRounds, 0);
        train.unpersist();
        double[] h = ref.objectiveHistory();
        target = relative(p, h[h.length - 1]);
        source = String.format(Locale.ROOT, "%d exact rounds on %d partitions in %.1f s", h.length, most,
            ref.roundSeconds()[h.length - 1]);
      }
      double reached = Double.NaN;
      for (int t = 0; t < warmMost.objectives().length; t++) {
        if (relative(p, warmMost.objectives()[t]) <= target) {
          reached = warmMost.seconds()[t];
          break;
        }
      }
      line(report, "NMF reference: relative error %.6f (%s); warm codes on %d partitions reach it after %s",
          target, source, most,
          Double.isNaN(reached) ? "more than " + budget + " s" : String.format(Locale.ROOT, "%.1f s", reached));
      figure(tag + ": s to the relative error of " + referenceRounds + " exact rounds", reached,
          "seconds (warm, " + most + " partitions)");
    }
  }

  private static Run find(List<Run> runs, int parts, boolean exact) {
    for (Run r : runs) {
      if (r.partitions() == parts && r.exact() == exact) {
        return r;
      }
    }
    throw new IllegalStateException("no run with " + parts + " partitions, exact " + exact);
  }

  private DictionaryModel<?> fit(Problem p, Dataset<Row> train, boolean exact, int maxIter, double seconds) {
    if (p.nmf()) {
      NMF nmf = new NMF().setRank(p.m).setMaxIter(maxIter).setTol(0).setSeed(42).setExactCodes(exact)
          .setMaxSeconds(seconds);
      return (codeSweeps > 0 ? nmf.setCodeSweeps(codeSweeps) : nmf).fit(train);
    }
    SparseCoding sc = new SparseCoding().setNumAtoms(p.m).setLambda(p.lambda).setMaxIter(maxIter).setTol(0)
        .setSeed(42).setExactCodes(exact).setMaxSeconds(seconds);
    return (codeSweeps > 0 ? sc.setCodeSweeps(codeSweeps) : sc).fit(train);
  }

  /** FLOPs of the round as defined in the header line, from the median coordinate updates of the fit. */
  private static double roundFlops(Problem p, Run r) {
    double n = p.n;
    double m = p.m;
    double base = 4 * p.d * m * n + m * m * n + (r.exact() ? 0 : 2 * m * m * n);
    return base + 2 * m * r.medianUpdates();
  }

  private String objective(Problem p, double v) {
    if (Double.isNaN(v)) {
      return "n/a (no round yet)";
    }
    return p.nmf() ? String.format(Locale.ROOT, "%.6g (relative error %.6f)", v, relative(p, v))
        : String.format(Locale.ROOT, "%.6g", v);
  }

  /** ||X - Phi Z||_F / ||X||_F from the squared error per row. */
  private static double relative(Problem p, double perRow) {
    return Math.sqrt(perRow * p.n / p.totalSquares);
  }

  /** Rows per block of the gemm-rate measurement (the default block size for d = 784 and 144 is larger). */
  static final int BLOCK = 2048;

  /**
   * FLOP/s of C = Phi^T X (m x d by d x BLOCK) on this thread, best of repeats for at least 0.5 s, alternating the
   * two orientations (Phi^T X and X^T Phi).
   */
  static double gemmRate(int d, int m) {
    SplittableRandom r = new SplittableRandom(1);
    DenseMatrix phi = new DenseMatrix(d, m);
    DenseMatrix x = new DenseMatrix(d, BLOCK);
    for (int i = 0; i < phi.values.length; i++) {
      phi.values[i] = r.nextDouble();
    }
    for (int i = 0; i < x.values.length; i++) {
      x.values[i] = r.nextDouble();
    }
    DenseMatrix c = new DenseMatrix(m, BLOCK);
    double flops = 2.0 * d * m * BLOCK;
    double best = 0;
    long end = System.nanoTime() + 500_000_000L;
    int reps = 0;
    while (System.nanoTime() < end || reps < 5) {
      long t0 = System.nanoTime();
      if (reps % 2 == 0) {
        DenseMatrix.gemm(1.0, phi, true, x, false, 0.0, c);
      } else {
        // The orientation SparseCoder#correlations uses (C^T = X^T Phi), the faster one: the floor takes the best.
        Blas.blas().dgemm("T", "N", BLOCK, m, d, 1.0, x.values, 0, d, phi.values, 0, d, 0.0, c.values, 0, BLOCK);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, flops / s);
      reps++;
    }
    return best;
  }

  private static double squares(Dataset<Row> df) {
    return df.select("features").javaRDD().map(row -> {
      Vector v = (Vector) row.get(0);
      double s = 0;
      for (double e : v.toArray()) {
        s += e * e;
      }
      return s;
    }).reduce(Double::sum);
  }

  private static void line(StringBuilder report, String format, Object... args) {
    String s = String.format(Locale.ROOT, format, args);
    report.append(s).append(System.lineSeparator());
    System.out.println(s);
  }
}
