package io.sparkae.data;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.SymmetricEigen;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Square patches of a folder of photographs (JPEG, PNG, GIF, BMP: what {@link ImageIO} reads), the classic input
 * of sparse coding (Olshausen, Field 1996). Each image becomes grey levels in [0, 1]
 * ({@code 0.299 R + 0.587 G + 0.114 B}); from image number t (files in name order) {@code perImage} top-left
 * corners are drawn uniformly with a seed derived from (seed, t), so the same seed gives the same patches; each
 * p x p patch (row-major, pixel (r, c) at {@code r * p + c}) has its own mean removed. Whitening:
 * <ul>
 * <li>{@code "none"}: the centred patches as they are;
 * <li>{@code "zca"}: every patch multiplied by the ZCA matrix {@code E diag(1 / sqrt(l + eps)) E^T} of the patches'
 *   covariance (eigenpairs (l, E), eps a fraction (default 1e-2) of the mean eigenvalue; Bell, Sejnowski 1997);
 * <li>{@code "1/f"} (or {@code "olshausen"}): as Olshausen and Field did it, each whole grey image, before patches
 *   are cut, has its mean removed and is filtered in the frequency domain by {@code R(f) = f exp(-(f/f0)^4)}
 *   ({@link WhiteningFilter}: f radial frequency in cycles per pixel, f0 default 0.4, mirror padding to powers of
 *   two); the patches cut from the filtered images (and centred) are then divided by one global scale, the root
 *   mean square of all their values, so that the mean patch variance (a patch's variance: the mean of its p*p
 *   squared centred values) over the whole set is exactly 1. Olshausen's sparsenet code scales its images to
 *   variance 0.1 instead; multiply by {@code sqrt(0.1)} for that.
 * </ul>
 * Rows: {@code features} (p*p, tagged as p x p images), {@code image} (file name), {@code x}, {@code y} (the
 * patch's corner). Patches are cut on the driver: meant for folders of tens of photos and up to a few hundred
 * thousand patches (100,000 12 x 12 patches are 115 MB of doubles). {@link DataSources} reads such a folder as
 * format {@code images}.
 */
public final class ImagePatches {
  /** The default roll-off frequency f0 of {@code "1/f"} whitening, cycles per pixel. */
  public static final double DEFAULT_F0 = WhiteningFilter.DEFAULT_F0;
  /** The default ZCA regulariser, a fraction of the mean eigenvalue. */
  public static final double DEFAULT_ZCA_EPSILON = 1e-2;

  private ImagePatches() {}

  /** The patches as a DataFrame in {@code partitions} partitions (ZCA regulariser eps = 1e-2 mean eigenvalue). */
  public static Dataset<Row> load(SparkSession spark, String folder, int p, int perImage, String whitening,
      long seed, int partitions) {
    return load(spark, folder, p, perImage, whitening, DEFAULT_ZCA_EPSILON, seed, partitions);
  }

  /**
   * The patches as a DataFrame in {@code partitions} partitions; ZCA adds {@code zcaEpsilon} times the mean
   * eigenvalue to every eigenvalue (larger values damp the high-frequency noise whitening would amplify).
   */
  public static Dataset<Row> load(SparkSession spark, String folder, int p, int perImage, String whitening,
      double zcaEpsilon, long seed, int partitions) {
    return load(spark, folder, p, perImage, whitening, zcaEpsilon, DEFAULT_F0, seed, partitions);
  }

  /**
   * As {@link #load(SparkSession, String, int, int, String, double, long, int)}, with the roll-off frequency
   * {@code f0} (cycles per pixel, {@code > 0}) of {@code "1/f"} whitening; the other whitenings ignore it.
   */
  public static Dataset<Row> load(SparkSession spark, String folder, int p, int perImage, String whitening,
      double zcaEpsilon, double f0, long seed, int partitions) {
    if (perImage < 1) {
      throw new IllegalArgumentException("patches per image must be >= 1, found " + perImage);
    }
    File[] files = files(folder);
    int[] counts = new int[files.length];
    Arrays.fill(counts, perImage);
    return toDataFrame(spark, cut(files, p, counts, whitening, zcaEpsilon, f0, seed), p, partitions);
  }

  /**
   * {@code total} patches in all: image t (in name order) gives {@code total / T} of them, one more for the first
   * {@code total % T} images (T images). Patches of image t are the first ones {@code load} with that many per
   * image would cut (same seed per image).
   */
  public static Dataset<Row> loadTotal(SparkSession spark, String folder, int p, long total, String whitening,
      double zcaEpsilon, double f0, long seed, int partitions) {
    File[] files = files(folder);
    if (total < files.length || total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("total patches must be at least one per image (" + files.length
          + " images in " + folder + ") and below 2^31, found " + total);
    }
    int[] counts = new int[files.length];
    for (int t = 0; t < files.length; t++) {
      counts[t] = (int) (total / files.length + (t < total % files.length ? 1 : 0));
    }
    return toDataFrame(spark, cut(files, p, counts, whitening, zcaEpsilon, f0, seed), p, partitions);
  }

  /** The whitening's canonical name, {@code none}, {@code zca} or {@code 1/f}; {@code olshausen} is {@code 1/f}. */
  static String whitening(String name) {
    String w = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (w) {
      case "none", "zca", "1/f" -> w;
      case "olshausen" -> "1/f";
      default -> throw new IllegalArgumentException("whitening must be none, zca or 1/f (also: olshausen), found '"
          + name + "'");
    };
  }

  /** The image files of {@code folder} in name order. */
  static File[] files(String folder) {
    File[] files = new File(folder).listFiles((dir, name) -> name.toLowerCase(Locale.ROOT)
        .matches(".*\\.(png|jpe?g|gif|bmp)"));
    if (files == null || files.length == 0) {
      throw new IllegalArgumentException("no images (png, jpg, gif, bmp) in " + folder);
    }
    Arrays.sort(files);
    return files;
  }

  /** The patches and their tags: what the rows hold. */
  record Cut(List<double[]> patches, List<Object[]> tags) {}

  /** Cuts {@code counts[t]} patches from image t and whitens them. */
  static Cut cut(File[] files, int p, int[] counts, String whitening, double zcaEpsilon, double f0, long seed) {
    String w = whitening(whitening);
    if (p < 1) {
      throw new IllegalArgumentException("patch size must be >= 1, found " + p);
    }
    if (w.equals("1/f") && (!(f0 > 0) || Double.isInfinite(f0))) {
      throw new IllegalArgumentException("f0 must be a positive number of cycles per pixel, found " + f0);
    }
    long n = 0;
    for (int c : counts) {
      n += c;
    }
    List<double[]> patches = new ArrayList<>((int) Math.min(n, Integer.MAX_VALUE - 8));
    List<Object[]> tags = new ArrayList<>(patches.size());
    for (int t = 0; t < files.length; t++) {
      double[][] grey = grey(files[t]);
      int h = grey.length;
      int wd = grey[0].length;
      if (h < p || wd < p) {
        throw new IllegalArgumentException(files[t].getName() + " is " + wd + " x " + h + ", smaller than the "
            + p + " x " + p + " patches");
      }
      if (w.equals("1/f")) {
        grey = WhiteningFilter.apply(grey, f0);
      }
      String name = files[t].getName();
      SplittableRandom r = new SplittableRandom(patchSeed(seed, t));
      for (int k = 0; k < counts[t]; k++) {
        int y = r.nextInt(h - p + 1);
        int x = r.nextInt(wd - p + 1);
        double[] v = new double[p * p];
        double mean = 0;
        for (int a = 0; a < p; a++) {
          System.arraycopy(grey[y + a], x, v, a * p, p);
        }
        for (double e : v) {
          mean += e;
        }
        mean /= p * p;
        for (int i = 0; i < v.length; i++) {
          v[i] -= mean;
        }
        patches.add(v);
        tags.add(new Object[] {name, x, y});
      }
    }
    if (w.equals("zca")) {
      zca(patches, p * p, zcaEpsilon);
    } else if (w.equals("1/f")) {
      unitMeanVariance(patches);
    }
    return new Cut(patches, tags);
  }

  /** Divides every (centred) patch by the root mean square of all values, so the mean patch variance is 1. */
  static void unitMeanVariance(List<double[]> patches) {
    double sum = 0;
    long count = 0;
    for (double[] v : patches) {
      for (double e : v) {
        sum += e * e;
      }
      count += v.length;
    }
    if (sum == 0) {
      return; // constant images: nothing to scale
    }
    double s = 1 / Math.sqrt(sum / count);
    for (double[] v : patches) {
      for (int i = 0; i < v.length; i++) {
        v[i] *= s;
      }
    }
  }

  private static Dataset<Row> toDataFrame(SparkSession spark, Cut cut, int p, int partitions) {
    List<Row> rows = new ArrayList<>(cut.patches().size());
    for (int i = 0; i < cut.patches().size(); i++) {
      Object[] tag = cut.tags().get(i);
      rows.add(RowFactory.create(Vectors.dense(cut.patches().get(i)), tag[0], tag[1], tag[2]));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("image", DataTypes.StringType, false).add("x", DataTypes.IntegerType, false)
        .add("y", DataTypes.IntegerType, false);
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(Math.max(1, partitions));
    return DataSources.withImageShape(df, "features", p, p);
  }

  /**
   * The seed of image number {@code t}'s corners: SplitMix64 of (seed, "patches-" + t), the value core's
   * {@code Seeds.derive(seed, "patches-" + t)} gives (ImagePatchesTest checks it). Written here because data sits
   * below core and must not import it.
   */
  static long patchSeed(long seed, int t) {
    return mix(seed ^ mix(("patches-" + t).hashCode()));
  }

  /** SplitMix64's finalizer (Steele, Lea, Flood 2014). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Grey levels in [0, 1], indexed [row][column]. */
  static double[][] grey(File f) {
    BufferedImage img;
    try {
      img = ImageIO.read(f);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read image " + f + ": " + e.getMessage(), e);
    }
    if (img == null) {
      throw new IllegalArgumentException("not an image ImageIO can read: " + f);
    }
    int h = img.getHeight();
    int w = img.getWidth();
    double[][] g = new double[h][w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        g[y][x] = (0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255)) / 255.0;
      }
    }
    return g;
  }

  /** Replaces every patch v by Z v, Z the ZCA matrix of the patches' covariance (patches are already centred). */
  static void zca(List<double[]> patches, int d, double epsilon) {
    DenseMatrix x = new DenseMatrix(d, patches.size());
    for (int j = 0; j < patches.size(); j++) {
      System.arraycopy(patches.get(j), 0, x.values, j * d, d);
    }
    DenseMatrix c = new DenseMatrix(d, d);
    DenseMatrix.syrk(1.0 / Math.max(1, patches.size() - 1), x, x.cols, 0.0, c);
    c.symmetrizeFromUpper();
    SymmetricEigen e = SymmetricEigen.top(c, d);
    double meanEig = 0;
    for (double l : e.values) {
      meanEig += Math.max(0, l) / d;
    }
    double eps = epsilon * meanEig + 1e-12;
    DenseMatrix scaled = e.vectors.copy();
    for (int j = 0; j < d; j++) {
      double f = 1 / Math.sqrt(Math.max(0, e.values[j]) + eps);
      for (int i = 0; i < d; i++) {
        scaled.values[i + j * d] *= f;
      }
    }
    DenseMatrix z = DenseMatrix.multiply(scaled, false, e.vectors, true);
    DenseMatrix out = DenseMatrix.multiply(z, false, x, false);
    for (int j = 0; j < patches.size(); j++) {
      System.arraycopy(out.values, j * d, patches.get(j), 0, d);
    }
  }
}
