package io.sparkae.linear.pca;

import io.sparkae.data.Block;
import io.sparkae.linalg.DenseMatrix;
import io.sparkae.linalg.Orthonormalize;
import io.sparkae.linalg.SymmetricEigen;
import java.io.Serializable;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * Randomized PCA for wide data (Halko, Martinsson and Tropp 2011, "Finding structure with randomness",
 * Algorithms 4.3/4.4 and 5.3), run as subspace iteration on the covariance C = Xc^T Xc / (n - 1) without ever
 * forming a d x d matrix. With l = k + oversampling:
 * <pre>
 *   Q_0 = orth(Omega),  Omega ~ N(0, 1)^{d x l}
 *   Y_t = Xc^T (Xc Q_{t-1})  (one distributed round: every block adds T X^T with T = Q^T Xc_block)
 *   Q_t = orth(Y_t)          for t = 1..q, then Y_{q+1} = Xc^T Xc Q_q
 *   B = Q_q^T Y_{q+1} = V diag(s) V^T,  W = Q_q V[:, 1..k],  variances = s / (n - 1)
 * </pre>
 * Bases are kept transposed (l x d) so that a sparse row touches contiguous memory.
 */
final class RandomizedPca {
  private RandomizedPca() {}

  /**
   * Broadcast state of a product round: the mean and the current basis Q^T (l x d). A class, not a record: Kryo
   * cannot serialize records.
   */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] mean;
    private final DenseMatrix qt;
    /** Whether partitions add their centred sum of squares (needed once: in the last round). */
    final boolean sumSquares;

    State(double[] mean, DenseMatrix qt, boolean sumSquares) {
      this.mean = mean;
      this.qt = qt;
      this.sumSquares = sumSquares;
    }

    double[] mean() {
      return mean;
    }

    DenseMatrix qt() {
      return qt;
    }
  }

  /** A partition's part of Y^T = Q^T Xc^T Xc (l x d), and the centred sum of squares. */
  static final class Product implements Serializable {
    private static final long serialVersionUID = 1L;
    final DenseMatrix yt;
    double sumSquares;

    Product(int l, int d) {
      yt = new DenseMatrix(l, d);
    }

    Product merge(Product o) {
      yt.addScaled(1.0, o.yt);
      sumSquares += o.sumSquares;
      return this;
    }
  }

  /** Count, sum and sum of squares of the rows of one partition (first pass), packed [n, sum_1..sum_d, sum x^2]. */
  static double[] sums(Iterator<Block> blocks, int d) {
    double[] out = new double[d + 2];
    boolean any = false;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      any = true;
      out[0] += b.size;
      if (b.isSparse()) {
        for (int p = 0; p < b.sparse.nnz(); p++) {
          double v = b.sparse.values[p];
          out[1 + b.sparse.colIdx[p]] += v;
          out[1 + d] += v * v;
        }
      } else {
        double[] x = b.dense.values;
        for (int j = 0; j < b.size; j++) {
          int off = j * d;
          for (int i = 0; i < d; i++) {
            out[1 + i] += x[off + i];
          }
        }
        out[1 + d] += centredSquares(x, b.size, d, new double[d]);
      }
    }
    return any ? out : null;
  }

  /**
   * Y^T += T X^T - (T 1) mu^T with T = Q^T X - (Q^T mu) 1^T, i.e. the partition's part of Q^T Xc^T Xc. The
   * rank-one correction is linear in T, so it is applied once per partition with the summed T 1. The centred sum
   * of squares is added only where the state asks for it (the last round).
   */
  static Product product(State s, Iterator<Block> blocks, int d) {
    DenseMatrix qt = s.qt();
    int l = qt.rows;
    double[] mu = s.mean();
    double[] qmu = qt.multiply(mu);
    double muNorm2 = 0;
    for (double m : mu) {
      muNorm2 += m * m;
    }
    Product out = new Product(l, d);
    DenseMatrix t = null;
    double[] tSum = new double[l];
    boolean any = false;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      any = true;
      int n = b.size;
      if (t == null || t.cols < n) {
        t = new DenseMatrix(l, n);
      }
      DenseMatrix tn = t.cols == n ? t : new DenseMatrix(l, n, t.values);
      if (b.isSparse()) {
        b.sparse.multiplyTransposed(qt, tn);
      } else {
        DenseMatrix xn = b.dense.cols == n ? b.dense : new DenseMatrix(d, n, b.dense.values);
        DenseMatrix.gemm(1.0, qt, false, xn, false, 0.0, tn);
      }
      double[] tv = tn.values;
      for (int j = 0; j < n; j++) {
        int off = j * l;
        for (int i = 0; i < l; i++) {
          double v = tv[off + i] - qmu[i];
          tv[off + i] = v;
          tSum[i] += v;
        }
      }
      if (b.isSparse()) {
        b.sparse.addTransposedProduct(tn, out.yt);
        if (s.sumSquares) {
          for (int r = 0; r < n; r++) {
            // ||x - mu||^2 = ||x||^2 - 2 x.mu + ||mu||^2 over the row's nonzeros.
            double s2 = muNorm2;
            for (int p = b.sparse.rowPtr[r]; p < b.sparse.rowPtr[r + 1]; p++) {
              double v = b.sparse.values[p];
              s2 += v * v - 2 * v * mu[b.sparse.colIdx[p]];
            }
            out.sumSquares += s2;
          }
        }
      } else {
        DenseMatrix xn = b.dense.cols == n ? b.dense : new DenseMatrix(d, n, b.dense.values);
        DenseMatrix.gemm(1.0, tn, false, xn, true, 1.0, out.yt);
        if (s.sumSquares) {
          out.sumSquares += centredSquares(b.dense.values, n, d, mu);
        }
      }
    }
    // The - (sum_blocks T 1) mu^T term, once.
    double[] y = out.yt.values;
    for (int c = 0; c < d; c++) {
      double m = mu[c];
      if (m == 0) {
        continue;
      }
      int off = c * l;
      for (int i = 0; i < l; i++) {
        y[off + i] -= tSum[i] * m;
      }
    }
    return any ? out : null;
  }

  /** sum_j ||x_j - mu||^2 over n dense rows of size d, with four independent accumulators. */
  static double centredSquares(double[] x, int n, int d, double[] mu) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int j = 0; j < n; j++) {
      int off = j * d;
      int i = 0;
      for (; i + 3 < d; i += 4) {
        double e0 = x[off + i] - mu[i];
        double e1 = x[off + i + 1] - mu[i + 1];
        double e2 = x[off + i + 2] - mu[i + 2];
        double e3 = x[off + i + 3] - mu[i + 3];
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      for (; i < d; i++) {
        double e = x[off + i] - mu[i];
        s0 += e * e;
      }
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Q_0^T: an orthonormal basis of a seeded Gaussian d x l matrix, transposed (Omega^T drawn row by row). */
  static DenseMatrix initialBasis(int d, int l, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    DenseMatrix omegaT = new DenseMatrix(l, d);
    // Omega (d x l, column-major) entry (i, j) is the (j d + i)-th draw; Omega^T holds it at (j, i).
    for (int j = 0; j < l; j++) {
      for (int i = 0; i < d; i++) {
        omegaT.values[i * l + j] = gaussian(rnd);
      }
    }
    return Orthonormalize.qTransposed(omegaT);
  }

  /** The next basis Q^T = orth(Y)^T from Y^T, without transposing the d x l matrices. */
  static DenseMatrix nextBasis(DenseMatrix yt) {
    return Orthonormalize.qTransposed(yt);
  }

  /** Rayleigh-Ritz: the top k eigenpairs of Q^T C Q lifted back, as (components d x k, variances). */
  static SymmetricEigen ritz(DenseMatrix qt, DenseMatrix yt, int k, long n) {
    // B = Q^T Y = Qt * (Yt)^T, symmetric l x l (up to rounding; symmetrize).
    DenseMatrix b = DenseMatrix.multiply(qt, false, yt, true);
    int l = b.rows;
    for (int j = 0; j < l; j++) {
      for (int i = 0; i < j; i++) {
        double v = 0.5 * (b.get(i, j) + b.get(j, i));
        b.set(i, j, v);
        b.set(j, i, v);
      }
    }
    b.scale(1.0 / Math.max(1, n - 1));
    return SymmetricEigen.top(b, k);
  }

  /** Box-Muller from a SplittableRandom (deterministic for a seed, unlike ThreadLocalRandom). */
  static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
