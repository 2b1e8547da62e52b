package io.sparkae.bench;

import io.sparkae.data.ImagePatches;
import io.sparkae.linear.dictionary.SparseCoding;
import io.sparkae.linear.dictionary.SparseCodingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sparse coding on ZCA-whitened 12 x 12 photo patches: held-out objective per row
 * ({@code ||x - Phi z||^2 + lambda ||z||_1}, averaged over a seeded 10% hold-out) against fit time, for full-batch
 * fits on 1 and 2 partitions (time per round) and for the online variant (fraction 0.1). Writes summary.txt.
 */
@Command(name = "dictionary", mixinStandardHelpOptions = true,
    description = "sparse coding on photo patches: seconds per round on 1 and 2 partitions, held-out objective")
public final class DictionaryBench extends Benchmark {
  @Option(names = "--images", description = "folder of photos (default: data/images, from data/fetch images)")
  String images = "data/images";

  @Option(names = "--output", description = "folder for summary.txt (default: out/dictionary-bench)")
  String output = "out/dictionary-bench";

  @Option(names = "--per-image", description = "patches per image (default: 4600)")
  int perImage = 4600;

  @Option(names = "--atoms", description = "dictionary atoms (default: 144)")
  int atoms = 144;

  @Option(names = "--lambda", description = "L1 weight (default: 2.0)")
  double lambda = 2.0;

  @Option(names = "--rounds", description = "full-batch rounds (default: 5)")
  int rounds = 5;

  @Override
  protected void run(SparkSession spark) throws Exception {
    Path out = Path.of(output);
    Files.createDirectories(out);
    Dataset<Row> all = ImagePatches.load(spark, images, 12, perImage, "zca", 0.1, 42, 2);
    Dataset<Row>[] split = all.randomSplit(new double[] {0.9, 0.1}, 7);
    Dataset<Row> test = split[1].cache();
    long nTest = test.count();
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "ZCA 12x12 patches: %d train-side rows requested per image x images, "
        + "%d held out; atoms %d, lambda %.3g; cores %d%n", perImage, nTest, atoms, lambda,
        Runtime.getRuntime().availableProcessors()));
    double[] perRound = new double[3];
    for (int partitions : new int[] {1, 2}) {
      Dataset<Row> train = split[0].repartition(partitions).cache();
      long n = train.count();
      long t0 = System.nanoTime();
      SparseCodingModel m = new SparseCoding().setNumAtoms(atoms).setLambda(lambda).setMaxIter(rounds).setTol(0)
          .setSeed(42).fit(train);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double heldOut = m.evaluate(test).meanLoss();
      report.append(String.format(Locale.ROOT, "full batch, %d partition(s): %d rows, %d rounds in %.1f s (%.2f s "
          + "per round incl. caching and init), train objective %.4f, held-out objective %.4f%n", partitions, n,
          rounds, seconds, seconds / rounds, m.objectiveHistory()[rounds - 1], heldOut));
      perRound[partitions] = seconds / rounds;
      if (partitions == 2) {
        long t1 = System.nanoTime();
        SparseCodingModel online = new SparseCoding().setNumAtoms(atoms).setLambda(lambda).setFraction(0.1)
            .setMaxIter(2 * rounds).setSeed(42).fit(train);
        double s1 = (System.nanoTime() - t1) / 1e9;
        report.append(String.format(Locale.ROOT, "online (fraction 0.1), 2 partitions: %d rounds in %.1f s, "
            + "held-out objective %.4f%n", 2 * rounds, s1, online.evaluate(test).meanLoss()));
      }
      train.unpersist();
    }
    Files.writeString(out.resolve("summary.txt"), report);
    System.out.print(report);
    figure(String.format(Locale.ROOT, "sparse coding, %d atoms, lambda %.3g: round, 1 vs 2 partitions", atoms, lambda),
        perRound[1] / perRound[2], "1-partition s / 2-partition s");
  }
}
