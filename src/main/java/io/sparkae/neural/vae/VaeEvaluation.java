package io.sparkae.neural.vae;

import io.sparkae.core.InputColumn;
import io.sparkae.core.RoundLoop;
import io.sparkae.core.SparkErrors;
import io.sparkae.data.Block;
import io.sparkae.data.Blocker;
import io.sparkae.data.RowCursor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Distributed evaluation of a VAE on a dataset, in one pass: per-row -ELBO and its two terms (reconstruction
 * -E_q log p(x|z) and KL(q || p)), and, with K &gt; 0, the importance-weighted estimate of log p(x) with K samples.
 * Each partition blocks its rows, evaluates them in minibatches (samples drawn in chunks of at most about 8,192
 * decoder columns) and returns sums; per-row noise is keyed by the row's values, so the figures do not depend on
 * the partitioning. Rows outside the decoder's support fail with the row named.
 */
public final class VaeEvaluation {
  private static final int BATCH = 128;
  private static final int COLUMNS = 8192;

  private VaeEvaluation() {}

  /** Means per row (nats): -ELBO, reconstruction, KL, log p(x) (NaN without K), and the totals behind them. */
  public record Result(long rows, double negElbo, double reconstruction, double kl, double logLikelihood,
      int importanceSamples, double tokens) {
    /** exp(sum -ELBO / sum of counts): the perplexity bound of a multinomial decoder (NaN otherwise). */
    public double perplexity() {
      return tokens > 0 ? Math.exp(negElbo * rows / tokens) : Double.NaN;
    }

    /** exp(-sum log p / sum of counts) from the importance-weighted estimate (NaN without it). */
    public double importanceWeightedPerplexity() {
      return tokens > 0 && !Double.isNaN(logLikelihood) ? Math.exp(-logLikelihood * rows / tokens) : Double.NaN;
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("negElbo", negElbo);
      m.put("elbo", -negElbo);
      m.put("reconstruction", reconstruction);
      m.put("kl", kl);
      if (importanceSamples > 0) {
        m.put("importanceSamples", importanceSamples);
        m.put("logLikelihood", logLikelihood);
      }
      if (tokens > 0) {
        m.put("tokens", tokens);
        m.put("perplexity", perplexity());
        if (importanceSamples > 0) {
          m.put("importanceWeightedPerplexity", importanceWeightedPerplexity());
        }
      }
      return m;
    }
  }

  /** Evaluates {@code ae} on the vectors of {@code column}; K = 0 skips the importance-weighted estimate. */
  public static Result evaluate(Dataset<?> data, String column, VaeAutoencoder ae, int importanceSamples) {
    if (importanceSamples < 0) {
      throw new IllegalArgumentException("importance samples K = " + importanceSamples + " must be >= 0");
    }
    InputColumn.requireVector(data.schema(), column);
    int d = ae.inputSize();
    try {
      RoundLoop<InternalRow, VaeAutoencoder, double[]> loop = new RoundLoop<>(InputColumn.internalRows(data, column),
          0L, (state, rows, ctx) -> partition(state, rows, new Blocker(column, d, BATCH, false, ctx.partition()),
              importanceSamples, column, ctx.partition()),
          (a, b) -> {
            for (int i = 0; i < a.length; i++) {
              a[i] += b[i];
            }
            return a;
          });
      double[] s = loop.round(ae, 1);
      if (s == null || s[0] == 0) {
        throw new IllegalArgumentException("empty data: input column '" + column + "' has no rows");
      }
      double n = s[0];
      return new Result((long) n, (s[1] + s[2]) / n, s[1] / n, s[2] / n,
          importanceSamples > 0 ? s[3] / n : Double.NaN, importanceSamples, s[4]);
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      throw SparkErrors.rethrow(e);
    }
  }

  /** [rows, sum reconstruction, sum KL, sum log p, sum of values] of one partition. */
  private static double[] partition(VaeAutoencoder ae, Iterator<InternalRow> rows, Blocker blocker, int kSamples,
      String column, int partition) {
    Iterator<Block> blocks = blocker.blocks(RowCursor.ofInternalRows(rows), true);
    if (!blocks.hasNext()) {
      return null;
    }
    Vae vae = ae.vae();
    int d = vae.inputSize();
    Vae.Buffers elbo = vae.evaluator(BATCH, vae.samples());
    Vae.Buffers iw = kSamples > 0 ? vae.evaluator(BATCH, Math.max(1, Math.min(kSamples, COLUMNS / BATCH))) : null;
    double[] parts = new double[2 * BATCH];
    double[] out = new double[5];
    long position = 0;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      int n = b.size;
      double[] v = b.dense.values;
      float[] in = elbo.input();
      for (int i = 0; i < d * n; i++) {
        float x = (float) v[i];
        String why = vae.likelihood().invalid(x);
        if (why != null) {
          throw new IllegalArgumentException(InputCheck.outside(column, partition, position + i / d, i % d, x, why));
        }
        in[i] = x;
        out[4] += x;
      }
      if (iw != null) {
        System.arraycopy(in, 0, iw.input(), 0, d * n);
      }
      elbo.negElbo(ae.params(), n, ae.seed(), null, parts);
      for (int j = 0; j < n; j++) {
        out[1] += parts[2 * j];
        out[2] += parts[2 * j + 1];
      }
      if (iw != null) {
        out[3] += iw.logLikelihood(ae.params(), n, kSamples, ae.seed(), null);
      }
      out[0] += n;
      position += n;
    }
    if (vae.likelihood() != Likelihood.MULTINOMIAL) {
      out[4] = 0;
    }
    return out;
  }
}
