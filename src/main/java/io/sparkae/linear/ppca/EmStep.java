package io.sparkae.linear.ppca;

import io.sparkae.linalg.Blas;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Iterator;
import org.netlib.util.intW;

/**
 * One EM round of probabilistic PCA with missing entries (Tipping and Bishop 1999, appendix; Roweis 1998; the
 * observed-data form of Ilin and Raiko 2010, JMLR 11, section 3.2). For row n with observed entries O_n, with
 * {@code zh = [z; 1]} and {@code wh_i = [w_i; mu_i]} (row i of W and the mean, shifted by a fixed centre c so that
 * sums of squares do not cancel):
 * <pre>
 *   E-step   M_n = W_O^T W_O + s2 I,  E[z] = M_n^-1 W_O^T (x_O - mu_O),  Cov[z] = s2 M_n^-1
 *            log p(x_O) = -(|O| log 2 pi + (|O| - k) log s2 + log det M_n + (||r_O||^2 - p^T M_n^-1 p) / s2) / 2
 *   M-step   wh_i = A_i^-1 b_i,  A_i = sum_{n: i in O_n} E[zh zh^T],  b_i = sum_{n: i in O_n} x_ni E[zh]
 *            s2 = (sum_{observed} x_ni^2 - sum_i wh_i^T b_i) / (number of observed entries)
 * </pre>
 * The complete data are (x_O, z), so the observed-data log-likelihood never decreases. Per block: one gemm for
 * {@code P = W^T R}, one for {@code b += X Zh^T}, one for {@code sum E[zh] E[zh]^T}; rows with missing entries
 * get their own k x k Cholesky factor ({@code M_n = M - W_miss^T W_miss}), and {@code A_i} is the sum over all rows
 * minus the rows where i is missing, accumulated by entry ({@code (k+1)^2} values per missing entry). The M-step
 * is parameter-expanded (see {@link #maximization}).
 */
final class EmStep {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private EmStep() {}

  /** The broadcast parameters: centre c, loadings W (d x k), mean offset mu - c, noise variance s2. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] centre;
    final DenseMatrix w;
    final double[] offset;
    final double s2;

    State(double[] centre, DenseMatrix w, double[] offset, double s2) {
      this.centre = centre;
      this.w = w;
      this.offset = offset;
      this.s2 = s2;
    }

    double[] mean() {
      double[] m = centre.clone();
      for (int i = 0; i < m.length; i++) {
        m[i] += offset[i];
      }
      return m;
    }
  }

  /** A partition's sufficient statistics and the log-likelihood of its observed entries under the state. */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    double observed;
    double sumSquares;
    double logLikelihood;
    /** sum_n E[zh zh^T] over all rows, (k+1) x (k+1). */
    final DenseMatrix all;
    /** Column i: sum of vec(E[zh zh^T]) over the rows where entry i is missing, (k+1)^2 x d. */
    final DenseMatrix missing;
    /** b_i as row i: sum_n x_ni E[zh]^T over observed entries, d x (k+1). */
    final DenseMatrix b;

    Stats(int d, int k) {
      all = new DenseMatrix(k + 1, k + 1);
      missing = new DenseMatrix((k + 1) * (k + 1), d);
      b = new DenseMatrix(d, k + 1);
    }

    Stats merge(Stats o) {
      rows += o.rows;
      observed += o.observed;
      sumSquares += o.sumSquares;
      logLikelihood += o.logLikelihood;
      all.addScaled(1.0, o.all);
      missing.addScaled(1.0, o.missing);
      b.addScaled(1.0, o.b);
      return this;
    }
  }

  /** The E-step over a partition's blocks: statistics and log-likelihood under {@code s}; null when empty. */
  static Stats expectation(State s, Iterator<MissingBlocks.Rows> blocks) {
    if (!blocks.hasNext()) {
      return null;
    }
    int d = s.w.rows;
    int k = s.w.cols;
    int k1 = k + 1;
    double s2 = s.s2;
    double[] w = s.w.values;
    // The shared M = W^T W + s2 I, its factor and inverse, for rows without missing entries.
    double[] mFull = DenseMatrix.multiply(s.w, true, s.w, false).values;
    for (int i = 0; i < k; i++) {
      mFull[i * k + i] += s2;
    }
    double[] cholFull = mFull.clone();
    double logDetFull = factor(cholFull, k);
    double[] invFull = cholFull.clone();
    invert(invFull, k);
    Stats st = new Stats(d, k);
    double[] mn = new double[k * k];
    double[] zz = new double[k1 * k1];
    int[] miss = new int[d];
    double[] pj = new double[k];
    intW info = new intW(0);
    DenseMatrix xb = null;
    DenseMatrix rb = null;
    DenseMatrix zh = null;
    double[] p = null;
    double[] covSum = new double[k * k];
    long complete = 0;
    while (blocks.hasNext()) {
      MissingBlocks.Rows blk = blocks.next();
      int n = blk.size;
      if (xb == null || xb.cols < n) {
        xb = new DenseMatrix(d, n);
        rb = new DenseMatrix(d, n);
        zh = new DenseMatrix(k1, n);
        p = new double[k * n];
      }
      double[] x = blk.x.values;
      // X := x - c (0 where missing), R := X - offset (0 where missing).
      for (int j = 0; j < n; j++) {
        int o = j * d;
        for (int i = 0; i < d; i++) {
          double v = x[o + i];
          if (Double.isNaN(v)) {
            xb.values[o + i] = 0;
            rb.values[o + i] = 0;
          } else {
            double xc = v - s.centre[i];
            xb.values[o + i] = xc;
            rb.values[o + i] = xc - s.offset[i];
            st.sumSquares += xc * xc;
          }
        }
      }
      if (k > 0) {
        Blas.blas().dgemm("T", "N", k, n, d, 1.0, w, d, rb.values, d, 0.0, p, k);
      }
      for (int j = 0; j < n; j++) {
        int o = j * d;
        int nm = 0;
        double rr = 0;
        for (int i = 0; i < d; i++) {
          if (Double.isNaN(x[o + i])) {
            miss[nm++] = i;
          } else {
            rr += rb.values[o + i] * rb.values[o + i];
          }
        }
        int obs = d - nm;
        double logDet;
        double[] chol;
        if (nm == 0) {
          chol = cholFull;
          logDet = logDetFull;
        } else {
          // M_n = M - sum over missing i of w_i w_i^T (w_i the i-th row of W).
          System.arraycopy(mFull, 0, mn, 0, k * k);
          for (int q = 0; q < nm; q++) {
            int i = miss[q];
            for (int b = 0; b < k; b++) {
              double wb = w[b * d + i];
              for (int a = 0; a < k; a++) {
                mn[b * k + a] -= w[a * d + i] * wb;
              }
            }
          }
          chol = mn;
          logDet = factor(mn, k);
        }
        // E[z] = M_n^-1 p (in place in p, column j); p^T M_n^-1 p.
        double quad = 0;
        if (k > 0) {
          System.arraycopy(p, j * k, pj, 0, k);
          Blas.reproducibleLapack().dpotrs("U", k, 1, chol, 0, k, p, j * k, k, info);
          for (int a = 0; a < k; a++) {
            quad += pj[a] * p[j * k + a];
          }
        }
        st.logLikelihood -= 0.5 * (obs * LOG_2PI + (obs - k) * Math.log(s2) + logDet
            + Math.max(0, rr - quad) / s2);
        st.observed += obs;
        for (int a = 0; a < k; a++) {
          zh.values[j * k1 + a] = p[j * k + a];
        }
        zh.values[j * k1 + k] = 1;
        if (nm == 0) {
          complete++;
          continue;
        }
        // Cov[z] = s2 M_n^-1 into covSum; E[zh zh^T] into the missing entries' columns.
        invert(mn, k);
        for (int a = 0; a < k * k; a++) {
          covSum[a] += mn[a];
        }
        for (int b = 0; b < k1; b++) {
          double eb = zh.values[j * k1 + b];
          for (int a = 0; a < k1; a++) {
            double v = zh.values[j * k1 + a] * eb;
            if (a < k && b < k) {
              v += s2 * mn[b * k + a];
            }
            zz[b * k1 + a] = v;
          }
        }
        double[] mv = st.missing.values;
        int len = k1 * k1;
        for (int q = 0; q < nm; q++) {
          int off = miss[q] * len;
          for (int a = 0; a < len; a++) {
            mv[off + a] += zz[a];
          }
        }
      }
      // sum_n E[zh] E[zh]^T and b += X Zh^T.
      Blas.blas().dgemm("N", "T", k1, k1, n, 1.0, zh.values, k1, zh.values, k1, 1.0, st.all.values, k1);
      Blas.blas().dgemm("N", "T", d, k1, n, 1.0, xb.values, d, zh.values, k1, 1.0, st.b.values, d);
      st.rows += n;
    }
    for (int b = 0; b < k; b++) {
      for (int a = 0; a < k; a++) {
        st.all.values[b * k1 + a] += s2 * (covSum[b * k + a] + complete * invFull[b * k + a]);
      }
    }
    return st;
  }

  /**
   * The M-step from the merged statistics: the next state, same centre.
   *
   * @throws IllegalArgumentException naming the feature whose A_i is singular (too few observed values)
   */
  static State maximization(State s, Stats st) {
    int d = s.w.rows;
    int k = s.w.cols;
    int k1 = k + 1;
    DenseMatrix w = new DenseMatrix(d, k);
    double[] offset = new double[d];
    double[] a = new double[k1 * k1];
    double[] bi = new double[k1];
    double explained = 0;
    int len = k1 * k1;
    for (int i = 0; i < d; i++) {
      for (int q = 0; q < len; q++) {
        a[q] = st.all.values[q] - st.missing.values[i * len + q];
      }
      for (int q = 0; q < k1; q++) {
        bi[q] = st.b.values[q * d + i];
      }
      double[] rhs = bi.clone();
      intW info = new intW(0);
      Blas.reproducibleLapack().dposv("U", k1, 1, a, k1, rhs, k1, info);
      if (info.val != 0) {
        throw new IllegalArgumentException("probabilistic PCA (missing=true): feature " + i + " has too few "
            + "observed values to estimate its loading and mean (the " + k1 + " x " + k1 + " system of its "
            + "observed rows is singular); drop the feature or lower k");
      }
      for (int q = 0; q < k; q++) {
        w.values[q * d + i] = rhs[q];
      }
      offset[i] = rhs[k];
      for (int q = 0; q < k1; q++) {
        explained += rhs[q] * bi[q];
      }
    }
    // Parameter expansion (PX-EM, Liu, Rubin and Wu 1998, Biometrika 85(4); Section 4 treats factor analysis):
    // in the expanded model z ~ N(eta, S), eta and S are the posterior moments over all rows; mapping back,
    // mu := mu + W eta and W := W L with L L^T = S. This removes the slow mode of plain EM (a shift of mu along W
    // traded against a mean of z: rate near 0.99 per round on planted data, 0.04 with the expansion). The
    // likelihood still never decreases: it is EM on the expanded model.
    double[] eta = new double[k];
    double[] cov = new double[k * k];
    for (int u = 0; u < k; u++) {
      eta[u] = st.all.values[k * k1 + u] / st.rows;
    }
    for (int v = 0; v < k; v++) {
      for (int u = 0; u < k; u++) {
        cov[v * k + u] = st.all.values[v * k1 + u] / st.rows - eta[u] * eta[v];
      }
    }
    if (k > 0) {
      intW info = new intW(0);
      Blas.reproducibleLapack().dpotrf("L", k, cov, k, info);
      if (info.val == 0) {
        for (int v = 0; v < k; v++) {
          for (int u = 0; u < v; u++) {
            cov[v * k + u] = 0;
          }
        }
        double[] we = w.multiply(eta);
        for (int i = 0; i < d; i++) {
          offset[i] += we[i];
        }
        w = DenseMatrix.multiply(w, false, new DenseMatrix(k, k, cov), false);
      }
    }
    double s2 = (st.sumSquares - explained) / st.observed;
    if (!(s2 > 0)) {
      throw new IllegalArgumentException("probabilistic PCA (missing=true): the noise variance reached " + s2
          + "; the observed entries fit a rank-" + k + " model exactly: lower k");
    }
    return new State(s.centre, w, offset, s2);
  }

  /** Cholesky factor (upper, in place) of the k x k matrix a; returns log det. */
  private static double factor(double[] a, int k) {
    if (k == 0) {
      return 0;
    }
    intW info = new intW(0);
    Blas.reproducibleLapack().dpotrf("U", k, a, k, info);
    if (info.val != 0) {
      throw new IllegalArgumentException("probabilistic PCA: M = W^T W + s2 I is not positive definite (LAPACK "
          + "dpotrf info " + info.val + ")");
    }
    double logDet = 0;
    for (int i = 0; i < k; i++) {
      logDet += 2 * Math.log(a[i * k + i]);
    }
    return logDet;
  }

  /** The full inverse (both triangles) from the upper Cholesky factor in a, in place. */
  private static void invert(double[] a, int k) {
    if (k == 0) {
      return;
    }
    intW info = new intW(0);
    Blas.reproducibleLapack().dpotri("U", k, a, k, info);
    for (int b = 0; b < k; b++) {
      for (int i = b + 1; i < k; i++) {
        a[b * k + i] = a[i * k + b];
      }
    }
  }
}
