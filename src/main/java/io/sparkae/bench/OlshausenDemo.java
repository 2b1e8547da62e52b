package io.sparkae.bench;

import io.sparkae.data.ImagePatches;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.dictionary.SparseCoding;
import io.sparkae.linear.dictionary.SparseCodingModel;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.report.ImageGrid;
import io.sparkae.report.LinePlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Olshausen-Field picture (Olshausen, Field 1996, Nature 381): sparse coding of p x p patches of natural
 * photographs learns localised, oriented, band-pass (Gabor-like) atoms, while PCA of the same patches gives
 * global, Fourier-like components. Cuts seeded ZCA-whitened patches from a folder of photos
 * ({@code data/fetch images}), fits both, and writes {@code atoms.png}, {@code pca.png}, {@code objective.png}
 * and {@code summary.txt} into the output folder. Arguments: images folder, output folder, then optional
 * patches-per-image, atoms, lambda, rounds, patch size, ZCA epsilon (defaults 1000, 144, 1.0, 10, 12,
 * 0.1).
 */
public final class OlshausenDemo {
  private OlshausenDemo() {}

  public static void main(String[] args) throws Exception {
    String images = args.length > 0 ? args[0] : "data/images";
    Path out = Path.of(args.length > 1 ? args[1] : "out/olshausen");
    int perImage = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int atoms = args.length > 3 ? Integer.parseInt(args[3]) : 144;
    double lambda = args.length > 4 ? Double.parseDouble(args[4]) : 1.0;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
    int p = args.length > 6 ? Integer.parseInt(args[6]) : 12;
    double zcaEpsilon = args.length > 7 ? Double.parseDouble(args[7]) : 0.1;
    Files.createDirectories(out);
    SparkSession spark = SparkSession.builder().appName("sparkae olshausen demo").master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer").getOrCreate();
    Dataset<Row> patches = ImagePatches.load(spark, images, p, perImage, "zca", zcaEpsilon, 42, 2).cache();
    long n = patches.count();
    long t0 = System.nanoTime();
    SparseCodingModel sc = new SparseCoding().setNumAtoms(atoms).setLambda(lambda).setMaxIter(rounds).setTol(1e-4)
        .setSeed(42).fit(patches);
    double scSeconds = (System.nanoTime() - t0) / 1e9;
    PCAModel pca = new PCA().setK(Math.min(atoms, p * p)).fit(patches);
    DenseMatrix phi = sc.dictionary();
    List<double[]> tiles = new ArrayList<>();
    for (int j = 0; j < phi.cols; j++) {
      tiles.add(phi.column(j));
    }
    int cols = (int) Math.ceil(Math.sqrt(phi.cols));
    ImageGrid.write(out.resolve("atoms.png"), tiles, p, p, cols, "sparse coding: " + phi.cols + " atoms, " + p + "x"
        + p + " ZCA patches", ImageGrid.Scale.PER_IMAGE_SYMMETRIC);
    DenseMatrix w = pca.components();
    List<double[]> comps = new ArrayList<>();
    for (int j = 0; j < w.cols; j++) {
      comps.add(w.column(j));
    }
    ImageGrid.write(out.resolve("pca.png"), comps, p, p, (int) Math.ceil(Math.sqrt(w.cols)),
        "PCA: " + w.cols + " components, same patches", ImageGrid.Scale.PER_IMAGE_SYMMETRIC);
    LinePlot.write(out.resolve("objective.png"), "sparse coding objective per row", "round", "objective",
        List.of(LinePlot.Series.ofRounds("lambda " + lambda, sc.objectiveHistory())), false);
    long[] nz = sc.nonzeroHistogram();
    double mean = 0;
    long total = 0;
    for (int k = 0; k < nz.length; k++) {
      mean += (double) k * nz[k];
      total += nz[k];
    }
    String summary = String.format(Locale.ROOT,
        "patches %d (%dx%d, ZCA), atoms %d, lambda %.3g, rounds %d, fit %.1f s, objective per row %s, "
            + "mean nonzeros per code %.2f (last round)%n", n, p, p, atoms, lambda,
        sc.objectiveHistory().length, scSeconds, Arrays.toString(sc.objectiveHistory()),
        mean / Math.max(1, total));
    Files.writeString(out.resolve("summary.txt"), summary);
    System.out.print(summary);
    spark.stop();
  }
}
