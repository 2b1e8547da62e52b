package io.sparkae.bench;

import io.sparkae.data.DataSources;
import io.sparkae.linalg.Blas;
import io.sparkae.neural.vae.VaeEvaluation;
import io.sparkae.neural.vae.VariationalAutoencoder;
import io.sparkae.neural.vae.VariationalAutoencoderModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/bench vae}: the variational autoencoder of Kingma and Welling (2014) on MNIST, 784-400-20 with a
 * Bernoulli decoder, Adam 1e-3, batch 128 (their and PyTorch's examples/vae setting). For each partition count
 * (default 1 and 2: the trainer's W training partitions; above 1 also with block momentum) it measures the wall time of
 * {@code fit()} (which includes blocking the cached rows once), training images per second = rows x epochs / fit
 * seconds, the test -ELBO per image on t10k and, with {@code --importance-samples K}, the importance-weighted
 * log p(x) on the first {@code --iw-rows} test images. Prints the throughput ratio against the first partition
 * count, measured in the same run. A one-epoch fit on a few rows warms the JIT first. No peer library is run.
 */
@Command(name = "vae", mixinStandardHelpOptions = true,
    description = "VAE on MNIST (784-400-20, Bernoulli): fit time, images/s and test -ELBO on 1 and 2 partitions")
public final class VaeBench extends Benchmark {
  @Option(names = "--train", description = "training images (default: data/mnist/train-images-idx3-ubyte.gz)")
  String train = "data/mnist/train-images-idx3-ubyte.gz";

  @Option(names = "--test", description = "test images (default: data/mnist/t10k-images-idx3-ubyte.gz)")
  String test = "data/mnist/t10k-images-idx3-ubyte.gz";

  @Option(names = "--epochs", description = "epochs per fit (default: 10)")
  int epochs = 10;

  @Option(names = "--partitions", split = ",", description = "partition counts to compare (default: 1,2)")
  int[] partitions = {1, 2};

  @Option(names = "--averaging-frequency", description = "local steps between parameter averages H (default: 25)")
  int averagingFrequency = 25;

  @Option(names = "--batch-size", description = "minibatch size (default: 128)")
  int batchSize = 128;

  @Option(names = "--lr", description = "Adam learning rate (default: 0.001)")
  double lr = 1e-3;

  @Option(names = "--latent", description = "latent size (default: 20)")
  int latent = 20;

  @Option(names = "--hidden", split = ",", description = "encoder hidden sizes (default: 400)")
  int[] hidden = {400};

  @Option(names = "--importance-samples", description = "K for the importance-weighted log p(x); 0 skips it "
      + "(default: 0)")
  int importanceSamples = 0;

  @Option(names = "--iw-rows", description = "test rows for the importance-weighted estimate (default: 1000)")
  int iwRows = 1000;

  @Option(names = "--warmup-rows", description = "rows of the untimed one-epoch JIT warm-up fit; 0 skips it "
      + "(default: 2048)")
  int warmupRows = 2048;

  @Option(names = "--block-momentum", description = "also fit every partition count above 1 with this block "
      + "momentum (Nesterov); 0 skips those fits (default: ${DEFAULT-VALUE}, i.e. 1 - 1/W for W = 2)")
  double blockMomentum = 0.5;

  @Option(names = "--seed", description = "seed (default: 42)")
  long seed = 42;

  /** One fit's figures. */
  private record Run(int partitions, double blockMomentum, long rows, double seconds, double imagesPerSecond, VaeEvaluation.Result test,
      VaeEvaluation.Result iw, double finalTrainLoss) {}

  @Override
  protected void run(SparkSession spark) throws Exception {
    Dataset<Row> trainAll = DataSources.load(spark, train, "idx", Map.of()).select("features");
    Dataset<Row> testDf = DataSources.load(spark, test, "idx", Map.of()).select("features").cache();
    long nTest = testDf.count();
    Dataset<Row> iwDf = null;
    if (importanceSamples > 0) {
      iwDf = testDf.limit(iwRows).cache();
      iwDf.count();
    }
    System.out.printf(Locale.ROOT, "# sparkae VAE bench: MNIST %s, %d-%s-%d Bernoulli, Adam lr %.3g, batch %d, "
        + "H = %d, %d epoch(s), seed %d; master %s, %d cores, BLAS %s%n", train, 784, join(hidden), latent, lr,
        batchSize, averagingFrequency, epochs, seed, spark.sparkContext().master(), Runtime.getRuntime().availableProcessors(),
        Blas.implementation());
    if (warmupRows > 0) {
      Dataset<Row> warm = trainAll.limit(warmupRows).cache();
      warm.count();
      estimator(1).setTrainingPartitions(1).fit(warm);
      warm.unpersist(true);
    }
    List<Run> runs = new ArrayList<>();
    Dataset<Row> df = trainAll.cache();
    long n = df.count();
    for (int p : partitions) {
      for (double eta : p > 1 && blockMomentum > 0 ? new double[] {0, blockMomentum} : new double[] {0}) {
        long t0 = System.nanoTime();
        VariationalAutoencoderModel m = estimator(epochs).setTrainingPartitions(p).setBlockMomentum(eta).fit(df);
        double secs = (System.nanoTime() - t0) / 1e9;
        VaeEvaluation.Result ev = m.evaluateLikelihood(testDf, 0);
        VaeEvaluation.Result iw = iwDf == null ? null : m.evaluateLikelihood(iwDf, importanceSamples);
        double[] loss = m.trainLoss();
        runs.add(new Run(p, eta, n, secs, n * (double) epochs / secs, ev, iw, loss[loss.length - 1]));
      }
    }
    df.unpersist(true);
    print(runs, nTest);
    testDf.unpersist(true);
  }

  private VariationalAutoencoder estimator(int fitEpochs) {
    return new VariationalAutoencoder().setLatentSize(latent).setHiddenLayers(hidden).setLikelihood("bernoulli")
        .setOptimizer("adam").setLearningRate(lr).setBatchSize(batchSize).setAveragingFrequency(averagingFrequency)
        .setEpochs(fitEpochs).setSeed(seed);
  }

  private void print(List<Run> runs, long nTest) {
    boolean iw = importanceSamples > 0;
    System.out.printf(Locale.ROOT, "%n%-10s %6s %8s %9s %10s %12s %14s%s%n", "partitions", "eta", "rows", "fit s",
        "images/s",
        "train loss", "test -ELBO", iw ? String.format(Locale.ROOT, "  test log p(x) (K=%d, %d rows)",
            importanceSamples, Math.min(iwRows, nTest)) : "");
    for (Run r : runs) {
      System.out.printf(Locale.ROOT, "%-10d %6.2f %8d %9.1f %10.0f %12.2f %14.2f%s%n", r.partitions(),
          r.blockMomentum(), r.rows(),
          r.seconds(), r.imagesPerSecond(), r.finalTrainLoss(), r.test().negElbo(),
          iw ? String.format(Locale.ROOT, "  %.2f", r.iw().logLikelihood()) : "");
    }
    System.out.printf(Locale.ROOT, "(test: %d t10k images; -ELBO and log p(x) in nats per image; train loss = the "
        + "last round's training objective; fit s includes blocking the cached rows once)%n", nTest);
    Run base = runs.get(0);
    StringBuilder s = new StringBuilder("summary: ");
    for (int i = 1; i < runs.size(); i++) {
      Run r = runs.get(i);
      String bm = r.blockMomentum() > 0 ? String.format(Locale.ROOT, " (block momentum %.2f)", r.blockMomentum())
          : "";
      s.append(String.format(Locale.ROOT, "%d%s vs %d partition(s): throughput %.2fx, test -ELBO %+.2f nats; ",
          r.partitions(), bm, base.partitions(), r.imagesPerSecond() / base.imagesPerSecond(),
          r.test().negElbo() - base.test().negElbo()));
      String what = String.format(Locale.ROOT, "784-%s-%d, %d epochs, %d%s vs %d partition(s)", join(hidden),
          latent, epochs, r.partitions(), bm, base.partitions());
      if (r.blockMomentum() == 0) {
        figure(what + ": images/s", r.imagesPerSecond() / base.imagesPerSecond(), "ratio of images/s, target >= 1.8");
      }
      figure(what + ": test -ELBO", r.test().negElbo() - base.test().negElbo(), "difference in nats per image, "
          + "target <= 0");
    }
    s.append(String.format(Locale.ROOT, "best test -ELBO %.2f after %d epoch(s)",
        runs.stream().mapToDouble(r -> r.test().negElbo()).min().orElse(Double.NaN), epochs));
    System.out.println(s);
  }

  private static String join(int[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      b.append(i > 0 ? "-" : "").append(v[i]);
    }
    return b.toString();
  }
}
