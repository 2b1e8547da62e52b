package io.sparkae.bench;

import io.sparkae.data.ImagePatches;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linear.dictionary.SparseCoding;
import io.sparkae.linear.dictionary.SparseCodingModel;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.report.GaborFit;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The Olshausen-Field picture (Olshausen, Field 1996, Nature 381): sparse coding of p x p patches of natural
 * photographs learns localised, oriented, band-pass (Gabor-like) atoms, while PCA of the same patches gives
 * global, Fourier-like components. Cuts seeded ZCA-whitened patches from a folder of photos
 * ({@code data/fetch images}), fits both, and writes {@code atoms.png}, {@code pca.png}, {@code objective.png},
 * {@code gabor.png} (each atom beside the Gabor fitted to it, {@link GaborFit}) and {@code summary.txt} (with the
 * fraction of Gabor-like atoms and of Gabor-like PCA components) into the output folder. Arguments (positional,
 * all optional): images folder, output folder, patches per image, atoms, lambda, rounds, patch size, ZCA epsilon
 * (defaults data/images, out/olshausen, 1000, 144, 1.0, 10, 12, 0.1); and {@code --master}.
 */
@Command(name = "demo-olshausen", mixinStandardHelpOptions = true,
    description = "sparse coding and PCA of ZCA-whitened photo patches: atoms.png, pca.png, objective.png")
public final class OlshausenDemo extends Demo {
  @Parameters(index = "0", arity = "0..1", defaultValue = "data/images", description = "the photos") String images;
  @Parameters(index = "1", arity = "0..1", defaultValue = "out/olshausen", description = "output folder") Path out;
  @Parameters(index = "2", arity = "0..1", defaultValue = "1000", description = "patches per image") int perImage;
  @Parameters(index = "3", arity = "0..1", defaultValue = "144", description = "atoms") int atoms;
  @Parameters(index = "4", arity = "0..1", defaultValue = "1.0", description = "lambda (L1 weight)") double lambda;
  @Parameters(index = "5", arity = "0..1", defaultValue = "10", description = "rounds") int rounds;
  @Parameters(index = "6", arity = "0..1", defaultValue = "12", description = "patch size p (p x p patches)") int p;
  @Parameters(index = "7", arity = "0..1", defaultValue = "0.1", description = "ZCA epsilon") double zcaEpsilon;

  public static void main(String[] args) {
    BenchOptions.runDemo(new OlshausenDemo(), args);
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    SparkSession spark = session("sparkae olshausen demo");
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
    List<GaborFit.Fit> atomFits = GaborFit.fitAll(tiles, p);
    List<GaborFit.Fit> pcaFits = GaborFit.fitAll(comps, p);
    List<double[]> pairs = new ArrayList<>();
    List<double[]> fitted = GaborFit.render(atomFits);
    for (int j = 0; j < tiles.size(); j++) {
      pairs.add(tiles.get(j));
      pairs.add(fitted.get(j));
    }
    ImageGrid.write(out.resolve("gabor.png"), pairs, p, p, 2 * cols, "sparse coding atoms, each beside its Gabor fit",
        ImageGrid.Scale.PER_IMAGE_SYMMETRIC);
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
            + "mean nonzeros per code %.2f (last round)%nsparse coding atoms: %s%nPCA components: %s%n", n, p, p,
        atoms, lambda, sc.objectiveHistory().length, scSeconds, Arrays.toString(sc.objectiveHistory()),
        mean / Math.max(1, total), GaborFit.summarize(atomFits).describe(), GaborFit.summarize(pcaFits).describe());
    Files.writeString(out.resolve("summary.txt"), summary);
    System.out.print(summary);
    spark.stop();
    return 0;
  }
}
