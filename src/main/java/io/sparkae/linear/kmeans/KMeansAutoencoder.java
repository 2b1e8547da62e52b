package io.sparkae.linear.kmeans;

import io.sparkae.core.Autoencoder;
import io.sparkae.linalg.DenseMatrix;
import java.util.Arrays;

/**
 * k-means as an autoencoder. With centers C = [c_1 .. c_k] (d x k):
 * <pre>
 *   encoder  z = e_j,  j = argmin_i ||x - c_i||_2^2     (one-hot, length k)
 *   decoder  x^ = C z                                   (= c_j for a one-hot code)
 *   loss     ||x - x^||_2^2 = min_i ||x - c_i||_2^2
 * </pre>
 * With the cosine distance the centers have unit norm, rows are scaled to unit norm before the same kernel, and the
 * loss is {@code 1 - cos(x, c_j)}. The nearest centers of a block come from one gemm ({@link NearestCenter}). Immutable and thread-safe: the
 * kernel's scratch buffers are per thread and never serialized.
 */
public final class KMeansAutoencoder implements Autoencoder {
  private static final long serialVersionUID = 1L;

  private final DenseMatrix centers;
  private final double[] norms;
  private final boolean cosine;
  private transient ThreadLocal<NearestCenter> scratch;

  /** @param centers d x k, center j in column j (copied) */
  public KMeansAutoencoder(DenseMatrix centers) {
    this(centers, false);
  }

  /**
   * @param centers d x k, center j in column j (copied; scaled to unit norm when {@code cosine})
   * @param cosine the cosine distance: rows are compared by direction, {@code 1 - cos(x, c)}
   */
  public KMeansAutoencoder(DenseMatrix centers, boolean cosine) {
    if (centers.rows < 1 || centers.cols < 1) {
      throw new IllegalArgumentException("k-means needs at least one center of size >= 1, found " + centers.shape());
    }
    this.centers = centers.copy();
    this.cosine = cosine;
    if (cosine) {
      CenterUpdate.normalize(this.centers, centers);
    }
    this.norms = KMeansState.squaredNorms(this.centers);
  }

  /** Whether rows are compared by the cosine distance (else the Euclidean one). */
  public boolean cosine() {
    return cosine;
  }

  /**
   * The rows the kernel compares: x itself, or for the cosine distance a copy of its first n columns scaled to unit
   * norm (one allocation per block); a zero row is an error, as cosine distance is not defined for it.
   */
  private DenseMatrix compared(DenseMatrix x, int n) {
    if (!cosine) {
      return x;
    }
    int d = x.rows;
    DenseMatrix u = new DenseMatrix(d, Math.max(1, n));
    for (int j = 0; j < n; j++) {
      double n2 = PointBlock.squaredNorm(x.values, j * d, d);
      if (!(n2 > 0)) {
        throw new IllegalArgumentException("k-means (cosine distance): a row is the zero vector, for which the cosine "
            + "distance is not defined");
      }
      double sc = 1.0 / Math.sqrt(n2);
      for (int t = 0; t < d; t++) {
        u.values[j * d + t] = x.values[j * d + t] * sc;
      }
    }
    return u;
  }

  @Override
  public int inputSize() {
    return centers.rows;
  }

  @Override
  public int codeSize() {
    return centers.cols;
  }

  /** The centers, d x k (a copy). */
  public DenseMatrix centers() {
    return centers.copy();
  }

  private NearestCenter kernel(int n) {
    ThreadLocal<NearestCenter> s;
    synchronized (this) {
      if (scratch == null) {
        scratch = new ThreadLocal<>();
      }
      s = scratch;
    }
    NearestCenter k = s.get();
    if (k == null) {
      k = new NearestCenter(inputSize(), codeSize(), Math.max(n, 1024));
      s.set(k);
    }
    return k;
  }

  /**
   * Nearest centers of the first n columns of x: {@code labels[j]} and, when {@code dist2} is non-null, the exact
   * squared distances.
   */
  public void assign(DenseMatrix x, int n, int[] labels, double[] dist2) {
    NearestCenter k = kernel(n);
    k.assign(centers, norms, compared(x, n), null, n, null);
    System.arraycopy(k.label, 0, labels, 0, n);
    if (dist2 != null) {
      System.arraycopy(k.dist2, 0, dist2, 0, n);
    }
  }

  /** {@code ||x[offset, offset + d) - c_j||^2}, computed directly. */
  double squaredDistance(double[] x, int offset, int j) {
    int d = inputSize();
    double s = 0;
    for (int i = 0; i < d; i++) {
      double r = x[offset + i] - centers.values[j * d + i];
      s += r * r;
    }
    return s;
  }

  /**
   * The distance from {@code x[offset, offset + d)} to center j: Euclidean, or for the cosine distance
   * {@code 1 - cos(x, c_j)}.
   */
  double distance(double[] x, int offset, int j) {
    if (!cosine) {
      return Math.sqrt(squaredDistance(x, offset, j));
    }
    int d = inputSize();
    double dot = 0;
    for (int i = 0; i < d; i++) {
      dot += x[offset + i] * centers.values[j * d + i];
    }
    return 1 - dot / Math.sqrt(PointBlock.squaredNorm(x, offset, d));
  }

  /** The index of the center nearest to x. */
  public int predict(double[] x) {
    int[] label = new int[1];
    assign(new DenseMatrix(x.length, 1, x), 1, label, null);
    return label[0];
  }

  @Override
  public void encode(DenseMatrix x, int n, DenseMatrix z) {
    NearestCenter k = kernel(n);
    k.assign(centers, norms, compared(x, n), null, n, null);
    int kk = codeSize();
    Arrays.fill(z.values, 0, kk * n, 0.0);
    for (int j = 0; j < n; j++) {
      z.values[j * kk + k.label[j]] = 1.0;
    }
  }

  @Override
  public void decode(DenseMatrix z, int n, DenseMatrix xhat) {
    DenseMatrix zs = z.cols == n ? z : new DenseMatrix(z.rows, n, z.values);
    DenseMatrix xs = xhat.cols == n ? xhat : new DenseMatrix(xhat.rows, n, xhat.values);
    DenseMatrix.gemm(1.0, centers, false, zs, false, 0.0, xs);
  }

  /**
   * {@code out[j] = min_i ||x_j - c_i||^2}, computed exactly for the nearest center; for the cosine distance
   * {@code min_i (1 - cos(x_j, c_i))}, half the squared distance between the unit vectors.
   */
  @Override
  public void loss(DenseMatrix x, int n, double[] out) {
    NearestCenter k = kernel(n);
    k.assign(centers, norms, compared(x, n), null, n, null);
    System.arraycopy(k.dist2, 0, out, 0, n);
    if (cosine) {
      for (int j = 0; j < n; j++) {
        out[j] *= 0.5;
      }
    }
  }

  @Override
  public String lossName() {
    return cosine ? "cosine distance to the nearest center" : "squared distance to the nearest center";
  }
}
