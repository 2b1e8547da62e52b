package io.sparkae.linear.dictionary;

import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's dictionary step from the aggregated statistics {@code A = sum_i z_i z_i^T} (m x m) and
 * {@code B = sum_i x_i z_i^T} (d x m). With the codes fixed, {@code sum_i ||x_i - Phi z_i||_2^2
 * = sum_i ||x_i||^2 - 2 tr(Phi^T B) + tr(Phi^T Phi A)}, so the data enter only through A and B.
 *
 * <ul>
 *   <li>{@link #unitNorm}: block coordinate descent over the columns with unit-norm atoms (Mairal, Bach, Ponce,
 *       Sapiro 2010, Algorithm 2): {@code u_j = phi_j + (b_j - Phi a_j) / A_jj}, {@code phi_j = u_j / ||u_j||_2}.
 *       On the sphere {@code ||phi_j|| = 1} this is the exact minimiser in phi_j of the quadratic above, so no
 *       sweep increases the objective.</li>
 *   <li>{@link #nonnegative}: hierarchical alternating least squares (Cichocki, Phan 2009):
 *       {@code phi_j = max(0, phi_j + (b_j - Phi a_j) / A_jj)}, the exact minimiser over phi_j >= 0, so no sweep
 *       increases the quadratic; after the last sweep each atom is scaled to unit norm and its norm returned, so
 *       the codes can take the scale ({@code z_j *= ||phi_j||} leaves {@code Phi z} unchanged: warm-started codes
 *       continue from the same reconstruction).</li>
 * </ul>
 * Atoms with {@code A_jj <= deadFraction * max_k A_kk} are left alone and reported as dead: no row uses them.
 */
public final class DictionaryUpdate {
  /** A_jj below this fraction of the largest A_kk marks atom j as unused. */
  public static final double DEAD_FRACTION = 1e-12;

  private DictionaryUpdate() {}

  /** Mairal et al. Algorithm 2 for {@code sweeps} passes over the columns of phi (updated in place). */
  public static List<Integer> unitNorm(DenseMatrix phi, DenseMatrix a, DenseMatrix b, int sweeps) {
    return sweep(phi, a, b, sweeps, false);
  }

  /** HALS with unit-norm nonnegative atoms for {@code sweeps} passes (phi updated in place). */
  public static List<Integer> nonnegative(DenseMatrix phi, DenseMatrix a, DenseMatrix b, int sweeps) {
    return nonnegative(phi, a, b, sweeps, new double[phi.cols]);
  }

  /**
   * HALS for {@code sweeps} passes without constraint on the norms, then each atom scaled to unit norm;
   * {@code norms[j]} receives the norm atom j had before the scaling (0 for an atom that became zero: it is
   * reported as dead, with the unused ones).
   */
  public static List<Integer> nonnegative(DenseMatrix phi, DenseMatrix a, DenseMatrix b, int sweeps,
      double[] norms) {
    List<Integer> dead = sweep(phi, a, b, sweeps, true);
    int d = phi.rows;
    for (int j = 0; j < phi.cols; j++) {
      double s = 0;
      for (int i = j * d; i < (j + 1) * d; i++) {
        s += phi.values[i] * phi.values[i];
      }
      norms[j] = Math.sqrt(s);
      if (s > 0) {
        double inv = 1 / norms[j];
        for (int i = j * d; i < (j + 1) * d; i++) {
          phi.values[i] *= inv;
        }
      } else if (!dead.contains(j)) {
        dead.add(j);
      }
    }
    return dead;
  }

  private static List<Integer> sweep(DenseMatrix phi, DenseMatrix a, DenseMatrix b, int sweeps, boolean nonneg) {
    int d = phi.rows;
    int m = phi.cols;
    if (a.rows != m || a.cols != m || b.rows != d || b.cols != m) {
      throw new IllegalArgumentException("dictionary update: Phi is " + phi.shape() + ", A is " + a.shape()
          + ", B is " + b.shape());
    }
    double maxDiag = 0;
    for (int j = 0; j < m; j++) {
      maxDiag = Math.max(maxDiag, a.get(j, j));
    }
    List<Integer> dead = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      if (!(a.get(j, j) > DEAD_FRACTION * maxDiag)) {
        dead.add(j);
      }
    }
    double[] u = new double[d];
    double[] pa = new double[d];
    for (int s = 0; s < sweeps; s++) {
      for (int j = 0; j < m; j++) {
        double ajj = a.get(j, j);
        if (!(ajj > DEAD_FRACTION * maxDiag)) {
          continue;
        }
        // pa = Phi a_j (column j of A)
        Arrays.fill(pa, 0.0);
        for (int k = 0; k < m; k++) {
          double akj = a.values[k + j * m];
          if (akj == 0) {
            continue;
          }
          int off = k * d;
          for (int i = 0; i < d; i++) {
            pa[i] += phi.values[off + i] * akj;
          }
        }
        int off = j * d;
        double norm = 0;
        for (int i = 0; i < d; i++) {
          double v = phi.values[off + i] + (b.values[off + i] - pa[i]) / ajj;
          if (nonneg && v < 0) {
            v = 0;
          }
          u[i] = v;
          norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (nonneg) {
          // HALS: the exact minimiser over phi_j >= 0; the norms are fixed after the last sweep.
          System.arraycopy(u, 0, phi.values, off, d);
        } else if (norm > 0) {
          for (int i = 0; i < d; i++) {
            phi.values[off + i] = u[i] / norm;
          }
        }
      }
    }
    return dead;
  }

  /**
   * Atoms that duplicate another live atom ({@code |phi_i^T phi_j| > threshold}): of each such pair the less used
   * one (smaller {@code A_jj}), skipping atoms already in {@code excluded} (the unused ones, about to be replaced).
   * Clearing such atoms (Aharon, Elad, Bruckstein 2006, K-SVD section IV-E) keeps two atoms from sharing one
   * direction of the data while another direction goes unrepresented.
   */
  public static List<Integer> duplicates(DenseMatrix phi, DenseMatrix a, double threshold, List<Integer> excluded) {
    DenseMatrix g = DenseMatrix.multiply(phi, true, phi, false);
    int m = phi.cols;
    boolean[] out = new boolean[m];
    for (int j : excluded) {
      out[j] = true;
    }
    List<Integer> found = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      for (int i = 0; i < j && !out[j]; i++) {
        if (!out[i] && Math.abs(g.get(i, j)) > threshold) {
          int drop = a.get(j, j) < a.get(i, i) ? j : i;
          out[drop] = true;
          found.add(drop);
        }
      }
    }
    return found;
  }

  /** Scales every nonzero column of phi to unit Euclidean norm (in place). */
  public static void normalizeColumns(DenseMatrix phi) {
    int d = phi.rows;
    for (int j = 0; j < phi.cols; j++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        s += phi.values[j * d + i] * phi.values[j * d + i];
      }
      if (s > 0) {
        double inv = 1 / Math.sqrt(s);
        for (int i = 0; i < d; i++) {
          phi.values[j * d + i] *= inv;
        }
      }
    }
  }
}
