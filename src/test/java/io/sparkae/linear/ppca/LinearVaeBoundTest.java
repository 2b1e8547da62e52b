package io.sparkae.linear.ppca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.linalg.DenseMatrix;
import io.sparkae.neural.vae.VaeAutoencoder;
import io.sparkae.neural.vae.VaeEvaluation;
import io.sparkae.neural.vae.VariationalAutoencoder;
import io.sparkae.neural.vae.VariationalAutoencoderModel;
import io.sparkae.testing.Planted;
import io.sparkae.testing.SparkTest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The linear Gaussian VAE against probabilistic PCA on planted PPCA data: its ELBO per row never exceeds PPCA's
 * maximum log-likelihood per row (up to the slack its larger family is entitled to, see below).
 */
class LinearVaeBoundTest extends SparkTest {
  private static final int D = 8;
  private static final int K = 2;
  private static final int N = 4000;

  @Test
  void linearVaeElboNeverAbovePpcaMaximumLogLikelihood() {
    long start = System.nanoTime();
    double[] scales = {3.0, 1.5};
    double[] mu = new double[D];
    for (int i = 0; i < D; i++) {
      mu[i] = 0.5 * i - 2;
    }
    // x = U diag(3, 1.5) g + mu + 0.5 e: PPCA with k = 2 and s2 = 0.25.
    double[][] rows = Planted.lowRank(N, Planted.orthonormal(D, K, 3), scales, mu, 0.5, 17);
    Dataset<Row> df = Planted.frame(spark(), rows, 2).cache();

    ProbabilisticPCAModel ppca = new ProbabilisticPCA().setK(K).fit(df);
    System.out.printf("linear VAE bound test: data and PPCA %.1f s%n", (System.nanoTime() - start) / 1e9);
    double maxLl = ppca.logLikelihoodPerRow();
    // The closed form's log-likelihood is the one its loss measures on the same rows.
    assertEquals(maxLl, -ppca.evaluate(df).meanLoss(), 1e-9 * Math.abs(maxLl));

    // No hidden layers: the encoder is linear (x -> mu(x), log sigma^2(x)) and so is the decoder (z -> the d means
    // and the d log-variances of p(x|z)). 16 samples per row make the training objective and the evaluated ELBO
    // less noisy.
    long t0 = System.nanoTime();
    VariationalAutoencoderModel vae = new VariationalAutoencoder().setLatentSize(K).setHiddenLayers()
        .setLikelihood("gaussian").setSamples(16).setEpochs(30).setBatchSize(100).setLearningRate(1e-2)
        .setAveragingFrequency(20).setSeed(7).fit(df);
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    VaeEvaluation.Result ev = vae.evaluateLikelihood(df, 64);
    System.out.printf("linear VAE bound test: evaluation %.1f s%n", (System.nanoTime() - t1) / 1e9);
    double elbo = -ev.negElbo();
    double iwLl = ev.logLikelihood();

    // Monte Carlo noise of the evaluated mean ELBO: the same parameters with 4 other noise seeds.
    VaeAutoencoder ae = vae.autoencoder();
    DenseMatrix x = new DenseMatrix(D, N);
    for (int j = 0; j < N; j++) {
      System.arraycopy(rows[j], 0, x.values, j * D, D);
    }
    double[] loss = new double[N];
    double[] means = new double[4];
    for (int s = 0; s < means.length; s++) {
      new VaeAutoencoder(ae.vae(), ae.parameters(), 1000 + s).loss(x, N, loss);
      for (double v : loss) {
        means[s] -= v / N;
      }
    }
    double avg = 0;
    for (double m : means) {
      avg += m / means.length;
    }
    double var = 0;
    for (double m : means) {
      var += (m - avg) * (m - avg) / (means.length - 1);
    }
    double mcSd = Math.sqrt(var);

    // Why ELBO <= max LL, and the slack. For any parameters theta of a model family, ELBO(x; theta, q) <=
    // log p_theta(x) (Jensen; equality iff q is the exact posterior), and the mean of log p_theta over the rows is
    // at most the family's maximum. PPCA's closed form is that maximum for the PPCA family (Tipping and Bishop
    // 1999). sparkae's Gaussian decoder is NOT exactly PPCA: p(x|z) = N(W z + b, diag exp(V z + c)) has a log-
    // variance per dimension that may also depend on z. Its family contains PPCA (V = 0, c = log s2 1) but is not
    // contained in it, so its maximum likelihood on a finite sample may exceed PPCA's. The data are drawn from
    // PPCA, so the larger family can only gain by fitting sampling noise: by Wilks (nested families, truth in the
    // smaller one) 2 n (max LL_vae-family - max LL_ppca) is about chi^2 with the extra parameters' count as
    // degrees of freedom, df = (d - 1) per-dimension variances + d k slopes of the log-variance = 7 + 16 = 23. The
    // slack allows mean + 6 standard deviations of that chi^2, divided by 2n (2.9e-3 + 5.1e-3 nats per row), plus
    // 6 Monte Carlo standard deviations of the evaluated ELBO (measured from 4 noise seeds). The encoder adds no
    // model parameters (it only picks q). The VAE is trained in float; its rounding is far below these figures.
    int df2 = (D - 1) + D * K;
    double wilks = (df2 + 6 * Math.sqrt(2.0 * df2)) / (2.0 * N);
    double slack = wilks + 6 * mcSd;
    System.out.printf("linear VAE vs PPCA (d=%d, k=%d, n=%d, fit %.1f s): PPCA max LL %.5f, VAE ELBO %.5f (gap %.5f),"
        + " VAE importance-weighted LL (K=64) %.5f, ELBO over 4 other seeds %.5f +- %.2e, slack %.2e (Wilks %.2e)"
        + " nats per row%n", D, K, N, fitSeconds, maxLl, elbo, maxLl - elbo, iwLl, avg, mcSd, slack, wilks);
    assertTrue(elbo <= maxLl + slack, "ELBO per row " + elbo + " above PPCA's maximum log-likelihood " + maxLl
        + " by more than " + slack);
    for (double m : means) {
      assertTrue(m <= maxLl + slack, "ELBO per row with another noise seed " + m + " above " + maxLl + " + " + slack);
    }
    // The importance-weighted estimate lies between the ELBO and log p_theta (in expectation, Burda et al. 2016),
    // so it obeys the same bound.
    assertTrue(iwLl <= maxLl + slack, "importance-weighted LL " + iwLl + " above " + maxLl + " + " + slack);
    // And the bound is not vacuous: the trained linear VAE comes close to PPCA. A linear VAE with a diagonal
    // posterior can reach PPCA's maximum exactly (Lucas et al. 2019, "Don't blame the ELBO!"); 30 epochs of Adam
    // got within 0.10 nats per row (measured: ELBO -8.863 against -8.763); 1 nat is a wide margin.
    assertTrue(maxLl - elbo < 1.0, "the VAE trained: ELBO " + elbo + " vs PPCA " + maxLl);
    df.unpersist();
    System.out.printf("linear VAE bound test: %.1f s%n", (System.nanoTime() - start) / 1e9);
  }
}
