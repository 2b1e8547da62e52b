package io.sparkae.bench;

import io.sparkae.core.InputColumn;
import io.sparkae.data.DataSources;
import io.sparkae.linalg.Blas;
import io.sparkae.neural.Activation;
import io.sparkae.neural.Architecture;
import io.sparkae.neural.AveragingTrainer;
import io.sparkae.neural.FloatBlock;
import io.sparkae.neural.Loss;
import io.sparkae.neural.Network;
import io.sparkae.neural.Optimizer;
import io.sparkae.neural.TrainingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jobs/bench autoencoder}: the neural autoencoder's trainer on MNIST (784-256-32-256-784, relu, sigmoid
 * output, squared error, Adam). Measures in one run: sgemm peak (one 1024^3 call, best of 3) and the network's own
 * forward+backward+Adam rate at batch 128 called from one thread (OpenBLAS may use its own threads), as a
 * fraction of that peak; training samples/s with 1 and 2 partitions (the median of {@code --repeats} fits of
 * {@code --rate-epochs} epochs each, the two partition counts alternated); and the test loss after the same number
 * of epochs for averaging frequencies H = 1, 4, 16, 64.
 */
@Command(name = "autoencoder", mixinStandardHelpOptions = true, description = "neural autoencoder trainer: samples/s on 1 and 2 partitions against the sgemm peak, "
    + "test loss for several averaging frequencies")
public final class AutoencoderBench extends Benchmark {
  @Mixin
  BenchOptions.Mnist mnist = new BenchOptions.Mnist();

  @Option(names = "--layers", split = ",", description = "encoder sizes (default: 784,256,32)")
  int[] layers = {784, 256, 32};

  @Option(names = "--batch-size", description = "minibatch size (default: 128)")
  int batch = 128;

  @Option(names = "--epochs", description = "epochs per H setting (default: 2)")
  int epochs = 2;

  @Option(names = "--h", split = ",", description = "averaging frequencies (default: 1,4,16,64)")
  int[] hs = {1, 4, 16, 64};

  @Option(names = "--lr", description = "Adam learning rate (default: 0.001)")
  double lr = 1e-3;

  @Option(names = "--rate-epochs", description = "epochs of each throughput fit (default: 3)")
  int rateEpochs = 3;

  @Option(names = "--repeats", description = "throughput fits per partition count, alternated; medians (default: 3)")
  int repeats = 3;

  @Override
  protected void run(SparkSession spark) throws Exception {
    String path = mnist.path();
    Architecture arch = new Architecture(layers, Activation.RELU, Activation.RELU, Activation.SIGMOID,
        Loss.SQUARED_ERROR, false, 0, 0);
    Network net = new Network(arch);
    double peak = sgemmPeak();
    double flops = flopsPerExample(arch);
    double local = localRate(net);
    System.out.printf(Locale.ROOT, "# sparkae neural autoencoder bench: %s, BLAS %s, data %s%n", arch,
        Blas.implementation(), path);
    System.out.printf(Locale.ROOT, "sgemm peak (1024^3, one call): %.1f GFLOP/s%n", peak / 1e9);
    System.out.printf(Locale.ROOT, "network at batch %d, called from one JVM thread: %.0f samples/s = %.1f GFLOP/s "
        + "= %.0f%% of peak (%.2f MFLOP per example)%n", batch, local, local * flops / 1e9,
        100 * local * flops / peak, flops / 1e6);
    Dataset<Row>[] split = DataSources.load(spark, path, "idx", Map.of()).select("features")
        .randomSplit(new double[] {5.0 / 6, 1.0 / 6}, 7L);
    int d = arch.inputSize();
    JavaRDD<FloatBlock> test = AveragingTrainer.cache(InputColumn.internalRows(split[1], "features"), "features", d, 0,
        2, 0).blocks();
    // Throughput: fits of rateEpochs epochs on 1 and 2 partitions, alternated, repeats times; medians. (A single
    // one-epoch fit lasts 2 to 4 s here: six such runs of two builds gave 2-vs-1 ratios from 1.35 to 2.22.)
    if (rateEpochs < 1 || repeats < 1) {
      throw new IllegalArgumentException("--rate-epochs and --repeats must be >= 1, found " + rateEpochs + " and "
          + repeats);
    }
    List<JavaRDD<FloatBlock>> trains = new ArrayList<>();
    for (int partitions = 1; partitions <= 2; partitions++) {
      trains.add(AveragingTrainer.cache(InputColumn.internalRows(split[0], "features"), "features", d, 0,
          partitions, 0).blocks());
    }
    double[][] rates = new double[3][repeats];
    long rows = 0;
    for (int rep = 0; rep < repeats; rep++) {
      for (int partitions = 1; partitions <= 2; partitions++) {
        AveragingTrainer.Result r = new AveragingTrainer(net, config(16), rateEpochs).fit(trains.get(partitions - 1),
            null, null);
        rates[partitions][rep] = r.samplesPerSecond;
        rows = r.rows;
      }
    }
    double[] rate = new double[3];
    for (int partitions = 1; partitions <= 2; partitions++) {
      rate[partitions] = RoundBench.median(rates[partitions]);
      System.out.printf(Locale.ROOT, "%d partition(s), H = 16, %d epoch(s) of %d rows, median of %d fits (alternated "
          + "with the other partition count): %.0f samples/s = %.1f GFLOP/s = %.0f%% of sgemm peak  %s%n", partitions,
          rateEpochs, rows, rates[partitions].length, rate[partitions], rate[partitions] * flops / 1e9,
          100 * rate[partitions] * flops / peak, Arrays.toString(Arrays.stream(rates[partitions]).mapToLong(Math::round).toArray()));
      figure(String.format(Locale.ROOT, "%s, %d partition(s): share of the sgemm peak", arch, partitions),
          rate[partitions] * flops / peak, "GFLOP/s reached / sgemm GFLOP/s");
    }
    trains.get(0).unpersist(false);
    JavaRDD<FloatBlock> train = trains.get(1);
    for (int h : hs) {
      long t0 = System.nanoTime();
      AveragingTrainer th = new AveragingTrainer(net, config(h), epochs);
      AveragingTrainer.Result rh = th.fit(train, null, null);
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "2 partitions, H = %d, %d epochs: test loss %.4f, final train loss %.4f, "
          + "%.1f s, %.0f samples/s%n", h, epochs, th.meanLoss(test, rh.params),
          rh.trainLoss[rh.trainLoss.length - 1], secs, rh.samplesPerSecond);
    }
    train.unpersist(false);
    test.unpersist(false);
    figure(arch + ": 2 vs 1 partition(s)", rate[2] / rate[1], "ratio of samples/s");
  }

  private TrainingConfig config(int h) {
    return TrainingConfig.simple(batch, h, Optimizer.adam(), lr, 42);
  }

  /** FLOPs per example of forward and backward: 2 in out forward, 2 in out for dW, 2 in out for dX (l &gt; 0). */
  static double flopsPerExample(Architecture a) {
    double f = 0;
    for (int l = 0; l < a.layers(); l++) {
      double io = (double) a.size(l) * a.size(l + 1);
      f += 2 * io + 2 * io + (l > 0 ? 2 * io : 0);
    }
    return f;
  }

  private static double sgemmPeak() {
    int n = 1024;
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextDouble();
      b[i] = (float) r.nextDouble();
    }
    double best = Double.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      long t0 = System.nanoTime();
      Blas.blas().sgemm("N", "N", n, n, n, 1f, a, n, b, n, 0f, c, n);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 2.0 * n * n * n / best;
  }

  /** Samples/s of forward + backward + Adam on one thread at the bench's batch size (best of 3 runs of 20). */
  private double localRate(Network net) {
    Architecture a = net.architecture();
    float[] p = net.initialize(1);
    float[] g = new float[p.length];
    float[] opt = new float[Optimizer.adam().stateSize(p.length)];
    Network.Workspace ws = net.workspace(batch);
    SplittableRandom r = new SplittableRandom(2);
    float[] x = new float[a.inputSize() * batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    double best = Double.MAX_VALUE;
    for (int rep = 0; rep < 3; rep++) {
      long t0 = System.nanoTime();
      for (int s = 0; s < 20; s++) {
        System.arraycopy(x, 0, ws.acts[0], 0, x.length);
        net.forward(p, ws, batch);
        net.backward(p, g, ws, x, batch, 0f);
        Optimizer.adam().step(p, g, opt, 1e-3f);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 20.0 * batch / best;
  }
}
