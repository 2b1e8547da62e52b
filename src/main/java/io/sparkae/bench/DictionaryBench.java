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

/**
 * Sparse coding on ZCA-whitened 12 x 12 photo patches: held-out objective per row
 * ({@code ||x - Phi z||^2 + lambda ||z||_1}, averaged over a seeded 10% hold-out) against fit time, for full-batch
 * fits on 1 and 2 partitions (time per round) and for the online variant (fraction 0.1). Arguments: images folder,
 * output folder, patches per image, atoms, lambda, rounds (defaults data/images, out/dictionary-bench, 4600, 144,
 * 2.0, 5). Writes summary.txt. Not part of the tests.
 */
public final class DictionaryBench {
  private DictionaryBench() {}

  public static void main(String[] args) throws Exception {
    String images = args.length > 0 ? args[0] : "data/images";
    Path out = Path.of(args.length > 1 ? args[1] : "out/dictionary-bench");
    int perImage = args.length > 2 ? Integer.parseInt(args[2]) : 4600;
    int atoms = args.length > 3 ? Integer.parseInt(args[3]) : 144;
    double lambda = args.length > 4 ? Double.parseDouble(args[4]) : 2.0;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
    Files.createDirectories(out);
    SparkSession spark = SparkSession.builder().appName("sparkae dictionary bench").master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer").getOrCreate();
    Dataset<Row> all = ImagePatches.load(spark, images, 12, perImage, "zca", 0.1, 42, 2);
    Dataset<Row>[] split = all.randomSplit(new double[] {0.9, 0.1}, 7);
    Dataset<Row> test = split[1].cache();
    long nTest = test.count();
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "ZCA 12x12 patches: %d train-side rows requested per image x images, "
        + "%d held out; atoms %d, lambda %.3g; cores %d%n", perImage, nTest, atoms, lambda,
        Runtime.getRuntime().availableProcessors()));
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
    spark.stop();
  }
}
