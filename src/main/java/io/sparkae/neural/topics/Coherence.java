package io.sparkae.neural.topics;

import io.sparkae.core.InputColumn;
import io.sparkae.core.RoundLoop;
import io.sparkae.data.RowCursor;
import io.sparkae.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Topic coherence by normalized pointwise mutual information (NPMI; Bouma 2009), the measure that agrees best with
 * human judgements of topic quality (Lau, Newman and Baldwin 2014) and the one ProdLDA reports (Srivastava and
 * Sutton 2017). For a topic with top words w_1 .. w_N (N >= 2),
 *
 * <pre>
 *   C = (2 / (N (N - 1))) sum_{i &lt; j} NPMI(w_i, w_j),
 *   NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / (-log P(a, b)),
 * </pre>
 *
 * with P(a) = D(a) / D and P(a, b) = D(a, b) / D, where D(a) is the number of documents of the reference corpus
 * that contain a (count &gt; 0), D(a, b) the number that contain both, and D the number of documents (non-null
 * rows). NPMI lies in [-1, 1]: -1 for words that never co-occur, 0 for independent words, 1 for words that always
 * occur together. Conventions at the edges: NPMI := -1 when D(a, b) = 0 (its limit; this also covers a word absent
 * from the corpus), and NPMI := 1 when D(a, b) = D (both words in every document, where the formula is 0/0).
 *
 * <p>One pass over the data: the topics' word lists are broadcast, and each partition counts, per document,
 * the document frequencies of those words and the co-occurrences of the pairs within each topic only (K N (N-1)/2
 * counters, not V^2); the counts are merged as in every fit ({@link RoundLoop}).
 */
public final class Coherence {
  private Coherence() {}

  /**
   * The indices of the {@code n} largest entries of each column of a V x K topic-word matrix (column k = topic k's
   * weights over the vocabulary), largest first, ties broken by the lower index.
   *
   * @return K rows of n word indices
   * @throws IllegalArgumentException if n is not in [1, V] or a weight is NaN
   */
  public static int[][] topWords(DenseMatrix topicWord, int n) {
    int v = topicWord.rows;
    if (n < 1 || n > v) {
      throw new IllegalArgumentException("topWords needs 1 <= n <= V = " + v + " (the rows of the " + topicWord.shape()
          + " topic-word matrix), found n = " + n);
    }
    int[][] top = new int[topicWord.cols][];
    double[] best = new double[n];
    for (int k = 0; k < topicWord.cols; k++) {
      int[] idx = new int[n];
      int filled = 0;
      int offset = k * v;
      for (int i = 0; i < v; i++) {
        double w = topicWord.values[offset + i];
        if (Double.isNaN(w)) {
          throw new IllegalArgumentException("topic " + k + " has a NaN weight for word " + i);
        }
        if (filled == n && w <= best[n - 1]) {
          continue;
        }
        // Insert after every entry >= w, so that an equal weight seen later (a higher index) ranks lower.
        int p = filled == n ? n - 1 : filled++;
        while (p > 0 && best[p - 1] < w) {
          best[p] = best[p - 1];
          idx[p] = idx[p - 1];
          p--;
        }
        best[p] = w;
        idx[p] = i;
      }
      top[k] = idx;
    }
    return top;
  }

  /**
   * The NPMI coherence of each topic over a reference corpus (see the class comment); callers usually report the
   * mean over topics.
   *
   * @param data the reference corpus, one document per row
   * @param countsCol a vector column of word counts (or any nonnegative weights: only count &gt; 0 matters)
   * @param topWords per topic, its top word indices (at least 2, distinct), e.g. from {@link #topWords}
   * @return per topic, the mean NPMI over its word pairs
   * @throws IllegalArgumentException for an empty corpus, a bad column, or a word list that is too short, repeats a
   *     word or names a word outside the vectors
   */
  public static double[] npmi(Dataset<?> data, String countsCol, int[][] topWords) {
    InputColumn.requireVector(data.schema(), countsCol);
    int vocab = InputColumn.dimension(data, countsCol);
    Pairs pairs = Pairs.of(topWords, vocab, countsCol);
    RoundLoop<InternalRow, Pairs, Counts> loop = new RoundLoop<>(InputColumn.internalRows(data, countsCol), 0L,
        (state, rows, ctx) -> state.count(rows), Counts::add);
    Counts c = loop.round(pairs, 1);
    return pairs.coherence(c);
  }

  /** NPMI of two words from document counts: {@code docs} documents, {@code da}, {@code db} and {@code dab}. */
  static double npmi(long docs, long da, long db, long dab) {
    if (dab == 0) {
      return -1.0;
    }
    if (dab == docs) {
      return 1.0;
    }
    double logN = Math.log(docs);
    double logAb = Math.log(dab);
    return (logAb + logN - Math.log(da) - Math.log(db)) / (logN - logAb);
  }

  /** The broadcast state: each topic word's slot among the distinct words, and each topic's slots in order. */
  static final class Pairs implements Serializable {
    private static final long serialVersionUID = 1L;
    /** slot of word i, or -1 for a word in no topic; length = largest topic word + 1. */
    final int[] slotOf;
    /** topics' word slots. */
    final int[][] topics;
    /** where topic t's pair counters start. */
    final int[] pairOffset;
    final int slots;
    final int pairs;

    private Pairs(int[] slotOf, int[][] topics, int slots) {
      this.slotOf = slotOf;
      this.topics = topics;
      this.slots = slots;
      this.pairOffset = new int[topics.length];
      int total = 0;
      for (int t = 0; t < topics.length; t++) {
        pairOffset[t] = total;
        total += topics[t].length * (topics[t].length - 1) / 2;
      }
      this.pairs = total;
    }

    static Pairs of(int[][] topWords, int vocab, String column) {
      if (topWords == null || topWords.length == 0) {
        throw new IllegalArgumentException("no topics given: expected at least one list of top words");
      }
      int[] slotOf = new int[vocab];
      Arrays.fill(slotOf, -1);
      int slots = 0;
      int[][] topics = new int[topWords.length][];
      for (int t = 0; t < topWords.length; t++) {
        int[] words = topWords[t];
        if (words == null || words.length < 2) {
          throw new IllegalArgumentException("topic " + t + " has " + (words == null ? 0 : words.length)
              + " top words: NPMI needs at least 2");
        }
        topics[t] = new int[words.length];
        for (int a = 0; a < words.length; a++) {
          int w = words[a];
          if (w < 0 || w >= vocab) {
            throw new IllegalArgumentException("topic " + t + " names word " + w + ", outside the vocabulary of"
                + " column '" + column + "' (vectors of size " + vocab + ")");
          }
          for (int b = 0; b < a; b++) {
            if (words[b] == w) {
              throw new IllegalArgumentException("topic " + t + " lists word " + w + " twice (positions " + b
                  + " and " + a + "): expected distinct top words");
            }
          }
          if (slotOf[w] < 0) {
            slotOf[w] = slots++;
          }
          topics[t][a] = slotOf[w];
        }
      }
      int last = slotOf.length - 1;
      while (last >= 0 && slotOf[last] < 0) {
        last--;
      }
      return new Pairs(Arrays.copyOf(slotOf, last + 1), topics, slots);
    }

    /** One partition's counts: a document stamps the slots of its words, then each topic counts its pairs. */
    Counts count(Iterator<InternalRow> rows) {
      Counts c = new Counts(slots, pairs);
      int[] stamp = new int[slots];
      int[] present = new int[maxTopicLength()];
      RowCursor cursor = RowCursor.ofInternalRows(rows);
      int doc = 0;
      while (cursor.advance()) {
        if (cursor.isNull()) {
          continue;
        }
        doc++;
        c.docs++;
        for (int p = 0, n = cursor.stored(); p < n; p++) {
          int i = cursor.index(p);
          if (i < slotOf.length && slotOf[i] >= 0 && cursor.value(p) > 0 && stamp[slotOf[i]] != doc) {
            stamp[slotOf[i]] = doc;
            c.df[slotOf[i]]++;
          }
        }
        for (int t = 0; t < topics.length; t++) {
          int[] words = topics[t];
          int m = 0;
          for (int a = 0; a < words.length; a++) {
            if (stamp[words[a]] == doc) {
              present[m++] = a;
            }
          }
          for (int x = 0; x < m; x++) {
            for (int y = x + 1; y < m; y++) {
              c.co[pairOffset[t] + pairIndex(present[x], present[y], words.length)]++;
            }
          }
        }
      }
      return c;
    }

    double[] coherence(Counts c) {
      double[] out = new double[topics.length];
      if (c == null) {
        throw new IllegalArgumentException("empty data: no document to compute coherence over");
      }
      for (int t = 0; t < topics.length; t++) {
        int[] words = topics[t];
        double sum = 0;
        for (int a = 0; a < words.length; a++) {
          for (int b = a + 1; b < words.length; b++) {
            long dab = c.co[pairOffset[t] + pairIndex(a, b, words.length)];
            sum += npmi(c.docs, c.df[words[a]], c.df[words[b]], dab);
          }
        }
        out[t] = 2 * sum / (words.length * (words.length - 1.0));
      }
      return out;
    }

    private int maxTopicLength() {
      int m = 0;
      for (int[] t : topics) {
        m = Math.max(m, t.length);
      }
      return m;
    }

    /** Position of pair (a, b), a &lt; b, among the n (n - 1) / 2 pairs of n words in row-major order. */
    static int pairIndex(int a, int b, int n) {
      return a * n - a * (a + 1) / 2 + (b - a - 1);
    }
  }

  /** Document count, document frequencies per word slot and co-occurrence counts per topic pair. */
  static final class Counts implements Serializable {
    private static final long serialVersionUID = 1L;
    long docs;
    final long[] df;
    final long[] co;

    Counts(int slots, int pairs) {
      df = new long[slots];
      co = new long[pairs];
    }

    static Counts add(Counts a, Counts b) {
      a.docs += b.docs;
      for (int i = 0; i < a.df.length; i++) {
        a.df[i] += b.df[i];
      }
      for (int i = 0; i < a.co.length; i++) {
        a.co[i] += b.co[i];
      }
      return a;
    }
  }
}
