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
 * corners are drawn uniformly with a seed derived from (seed, t); each p x p patch (row-major, pixel (r, c) at
 * {@code r * p + c}) has its own mean removed and, with {@code whitening = "zca"}, is multiplied by the ZCA matrix
 * {@code E diag(1 / sqrt(l + eps)) E^T} of the patches' covariance (eigenpairs (l, E), eps a fraction
 * (default 1e-2) of the mean eigenvalue; Bell, Sejnowski 1997). Rows: {@code features} (p*p, tagged as p x p
 * images), {@code image} (file name), {@code x}, {@code y} (the patch's corner). Patches are cut on the driver: meant for folders of tens of
 * photos and up to a few hundred thousand patches.
 */
public final class ImagePatches {
  private ImagePatches() {}

  /** The patches as a DataFrame in {@code partitions} partitions (ZCA regulariser eps = 1e-2 mean eigenvalue). */
  public static Dataset<Row> load(SparkSession spark, String folder, int p, int perImage, String whitening,
      long seed, int partitions) {
    return load(spark, folder, p, perImage, whitening, 1e-2, seed, partitions);
  }

  /**
   * The patches as a DataFrame in {@code partitions} partitions; ZCA adds {@code zcaEpsilon} times the mean
   * eigenvalue to every eigenvalue (larger values damp the high-frequency noise whitening would amplify).
   */
  public static Dataset<Row> load(SparkSession spark, String folder, int p, int perImage, String whitening,
      double zcaEpsilon, long seed, int partitions) {
    if (p < 1 || perImage < 1) {
      throw new IllegalArgumentException("patch size and patches per image must be >= 1, found " + p + " and "
          + perImage);
    }
    if (!whitening.equals("none") && !whitening.equals("zca")) {
      throw new IllegalArgumentException("whitening must be none or zca, found '" + whitening + "'");
    }
    File[] files = new File(folder).listFiles((dir, name) -> name.toLowerCase(Locale.ROOT)
        .matches(".*\\.(png|jpe?g|gif|bmp)"));
    if (files == null || files.length == 0) {
      throw new IllegalArgumentException("no images (png, jpg, gif, bmp) in " + folder);
    }
    Arrays.sort(files);
    List<double[]> patches = new ArrayList<>();
    List<Object[]> tags = new ArrayList<>();
    for (int t = 0; t < files.length; t++) {
      double[][] grey = grey(files[t]);
      int h = grey.length;
      int w = grey[0].length;
      if (h < p || w < p) {
        throw new IllegalArgumentException(files[t].getName() + " is " + w + " x " + h + ", smaller than the "
            + p + " x " + p + " patches");
      }
      SplittableRandom r = new SplittableRandom(patchSeed(seed, t));
      for (int k = 0; k < perImage; k++) {
        int y = r.nextInt(h - p + 1);
        int x = r.nextInt(w - p + 1);
        double[] v = new double[p * p];
        double mean = 0;
        for (int a = 0; a < p; a++) {
          for (int b = 0; b < p; b++) {
            v[a * p + b] = grey[y + a][x + b];
            mean += v[a * p + b];
          }
        }
        mean /= p * p;
        for (int i = 0; i < v.length; i++) {
          v[i] -= mean;
        }
        patches.add(v);
        tags.add(new Object[] {files[t].getName(), x, y});
      }
    }
    if (whitening.equals("zca")) {
      zca(patches, p * p, zcaEpsilon);
    }
    List<Row> rows = new ArrayList<>(patches.size());
    for (int i = 0; i < patches.size(); i++) {
      Object[] tag = tags.get(i);
      rows.add(RowFactory.create(Vectors.dense(patches.get(i)), tag[0], tag[1], tag[2]));
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
