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
import picocli.CommandLine.Option;

/**
 * The Olshausen-Field picture (Olshausen, Field 1996, Nature 381): sparse coding of p x p patches of natural
 * photographs learns localised, oriented, band-pass (Gabor-like) atoms, while PCA of the same patches gives
 * global, Fourier-like components. Whitens each photo of a folder ({@code data/fetch images}) as Olshausen and Field
 * did, with the filter R(f) = f exp(-(f/f0)^4) over the whole image (or ZCA of the patches: {@code --whiten zca}),
 * cuts {@code --patches} seeded patches of unit mean variance, fits both until the objective stops falling
 * ({@code --tol}), fits a Gabor to every atom and every PCA component ({@link GaborFit}) and writes
 * {@code atoms.png}, {@code pca.png}, {@code objective.png}, {@code gabor.png} (each atom beside its fitted Gabor)
 * and {@code summary.txt} (with the fraction of Gabor-like atoms and of Gabor-like PCA components) into
 * {@code --out}. Named options only; {@code --help} lists them with their defaults; and {@code --master}.
 */
@Command(name = "demo-olshausen", mixinStandardHelpOptions = true,
    description = "sparse coding and PCA of whitened photo patches: atoms.png, pca.png, gabor.png, objective.png")
public final class OlshausenDemo extends Demo {
  @Option(names = "--images", defaultValue = "data/images", description = "folder of photos (default: ${DEFAULT-VALUE})")
  String images;
  @Option(names = "--out", defaultValue = "out/olshausen", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out;
  @Option(names = "--patches", defaultValue = "100000", description = "patches in all, shared evenly by the photos "
      + "(default: ${DEFAULT-VALUE})")
  long patches;
  @Option(names = "--atoms", defaultValue = "144", description = "atoms (default: ${DEFAULT-VALUE})")
  int atoms;
  @Option(names = "--lambda", defaultValue = "1.5", description = "L1 weight of the codes, for patches of unit "
      + "variance (default: ${DEFAULT-VALUE})")
  double lambda;
  @Option(names = "--patch", defaultValue = "12", description = "patch size p, p x p patches (default: "
      + "${DEFAULT-VALUE})")
  int p;
  @Option(names = "--whiten", defaultValue = "1/f", description = "1/f (Olshausen and Field's filter of the whole "
      + "image, R(f) = f exp(-(f/f0)^4)), zca or none (default: ${DEFAULT-VALUE})")
  String whiten;
  @Option(names = "--f0", defaultValue = "0.4", description = "1/f: the filter's cut-off, cycles/pixel (default: "
      + "${DEFAULT-VALUE})")
  double f0;
  @Option(names = "--zca-epsilon", defaultValue = "0.1", description = "zca: the regulariser (default: "
      + "${DEFAULT-VALUE})")
  double zcaEpsilon;
  @Option(names = "--max-rounds", defaultValue = "100", description = "at most this many rounds; the fit stops "
      + "earlier on --tol (default: ${DEFAULT-VALUE})")
  int rounds;
  @Option(names = "--tol", defaultValue = "3e-4", description = "stop when the objective per row falls by less than "
      + "this fraction in a round (default: ${DEFAULT-VALUE})")
  double tol;
  @Option(names = "--seed", defaultValue = "42", description = "seed of the patches and of the fit (default: "
      + "${DEFAULT-VALUE})")
  long seed;
  @Option(names = "--partitions", defaultValue = "2", description = "partitions of the patches (default: "
      + "${DEFAULT-VALUE})")
  int partitions;

  public static void main(String[] args) {
    BenchOptions.runDemo(new OlshausenDemo(), args);
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    SparkSession spark = session("sparkae olshausen demo");
    Dataset<Row> patches = ImagePatches.loadTotal(spark, images, p, this.patches, whiten, zcaEpsilon, f0, seed,
        partitions).cache();
    long n = patches.count();
    long t0 = System.nanoTime();
    SparseCodingModel sc = new SparseCoding().setNumAtoms(atoms).setLambda(lambda).setMaxIter(rounds).setTol(tol)
        .setSeed(seed).fit(patches);
    double scSeconds = (System.nanoTime() - t0) / 1e9;
    PCAModel pca = new PCA().setK(Math.min(atoms, p * p)).fit(patches);
    DenseMatrix phi = sc.dictionary();
    List<double[]> tiles = new ArrayList<>();
    for (int j = 0; j < phi.cols; j++) {
      tiles.add(phi.column(j));
    }
    int cols = (int) Math.ceil(Math.sqrt(phi.cols));
    ImageGrid.write(out.resolve("atoms.png"), tiles, p, p, cols, "sparse coding: " + phi.cols + " atoms, " + p + "x"
        + p + " " + whiten + " patches", ImageGrid.Scale.PER_IMAGE_SYMMETRIC);
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
        "patches %d (%dx%d, %s), atoms %d, lambda %.3g, rounds %d, fit %.1f s, objective per row %s, "
            + "mean nonzeros per code %.2f (last round)%nsparse coding atoms: %s%nPCA components: %s%n", n, p, p, whiten,
        atoms, lambda, sc.objectiveHistory().length, scSeconds, Arrays.toString(sc.objectiveHistory()),
        mean / Math.max(1, total), GaborFit.summarize(atomFits).describe(), GaborFit.summarize(pcaFits).describe());
    Files.writeString(out.resolve("summary.txt"), summary);
    System.out.print(summary);
    spark.stop();
    return 0;
  }
}
