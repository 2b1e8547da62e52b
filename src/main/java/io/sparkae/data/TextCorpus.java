package io.sparkae.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Documents to word-count vectors, the input of a topic model (bag of words: Blei, Ng and Jordan 2003;
 * Srivastava and Sutton 2017). Three readers ({@link #documents}): {@code text}, one document per non-blank line of
 * a file or of every file in a folder (id {@code <file name>@<byte offset>}); {@code text-folder}, one document
 * per file (id = file name); {@code reuters}, the JSON arrays of {@code data/fetch reuters} (id = the record's id,
 * text = title + "\n" + body, records without a body skipped, plus a {@code topics} array of strings).
 *
 * <p>Counting ({@link #vectorize}) uses Spark ML: {@link RegexTokenizer} lowercases and keeps runs of letters
 * ({@code \p{L}+}) of at least {@value #MIN_TOKEN_LENGTH} letters (shorter ones are mostly function words, and
 * the letters left over from "U.S." or "don't"); {@link StopWordsRemover} drops Spark's English stop words; then
 * either {@link CountVectorizer} learns a vocabulary, or a fixed one is read from a file. The result has
 * {@code id}, {@code topics} (Reuters only) and {@code features}: {@link org.apache.spark.ml.linalg.SparseVector}
 * counts whose field metadata holds the vocabulary under {@link #VOCABULARY_KEY} ({@link #vocabulary} reads it).
 * The text is dropped to keep rows small; join on {@code id} with {@link #documents} to get it back. Documents with
 * no word of the vocabulary are dropped, and one INFO line says how many.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code vocabSize}</td><td>{@value #DEFAULT_VOCAB_SIZE}</td><td>keep the most frequent words (by count
 *   over the corpus); 2000 is the size ProdLDA used for 20 Newsgroups (Srivastava and Sutton 2017)</td></tr>
 * <tr><td>{@code minDF}</td><td>{@value #DEFAULT_MIN_DF}</td><td>a word must occur in at least this many
 *   documents (a fraction of the documents if below 1)</td></tr>
 * <tr><td>{@code maxDF}</td><td>{@value #DEFAULT_MAX_DF}</td><td>and in at most this fraction of them (a count
 *   if 1 or more): drops corpus-wide words such as Reuters' "said" and "reuter"; 5 and 0.5 are gensim's
 *   {@code filter_extremes} defaults</td></tr>
 * <tr><td>{@code vocabulary}</td><td>none</td><td>a file of one word per line (line i = index i): vectorize with
 *   this fixed vocabulary (a saved model's) instead of learning one; words outside it are ignored; excludes the
 *   three options above</td></tr>
 * <tr><td>{@code stopWords}</td><td>{@code english}</td><td>{@code none}, or a language of
 *   {@link StopWordsRemover#loadDefaultStopWords}</td></tr>
 * </table>
 *
 * <p>An unreadable or missing path, malformed Reuters JSON, an input without documents and an empty vocabulary
 * give {@link IllegalArgumentException}s naming the path and what was expected.
 */
public final class TextCorpus {
  private static final Logger LOG = LoggerFactory.getLogger(TextCorpus.class);

  /** Field metadata key on {@code features}: the vocabulary, a string array (entry i names count i). */
  public static final String VOCABULARY_KEY = "sparkae.vocabulary";
  public static final String ID = "id";
  public static final String TEXT = "text";
  public static final String TOPICS = "topics";
  /** The text formats, as {@link DataSources#load} names them. */
  public static final List<String> FORMATS = List.of("text", "text-folder", "reuters");

  public static final int MIN_TOKEN_LENGTH = 3;
  public static final int DEFAULT_VOCAB_SIZE = 2000;
  public static final double DEFAULT_MIN_DF = 5;
  public static final double DEFAULT_MAX_DF = 0.5;
  /** Tokens: runs of letters (any script), after lowercasing. */
  public static final String TOKEN_PATTERN = "\\p{L}+";

  private static final String TOKENS = "_tokens";
  private static final String WORDS = "_words";

  private TextCorpus() {}

  /** {@link #documents} then {@link #vectorize}: {@code id}, maybe {@code topics}, and count {@code features}. */
  public static Dataset<Row> load(SparkSession spark, String path, String format, Map<String, String> options) {
    return vectorize(documents(spark, path, format), options, format + " source " + path);
  }

  /**
   * The documents of {@code path} as {@code id}, {@code text} (and {@code topics} for {@code reuters}).
   *
   * @param format one of {@link #FORMATS}
   * @throws IllegalArgumentException for a missing path, an unknown format or malformed Reuters JSON
   */
  public static Dataset<Row> documents(SparkSession spark, String path, String format) {
    DataSources.requireExists(spark, path, format);
    return switch (format == null ? "" : format.toLowerCase(Locale.ROOT)) {
      case "text" -> TextDocuments.lines(spark, path);
      case "text-folder" -> TextDocuments.files(spark, path);
      case "reuters" -> TextDocuments.reuters(spark, path);
      default -> throw new IllegalArgumentException("unknown text format '" + format + "' for " + path
          + ": expected one of " + String.join(", ", FORMATS));
    };
  }

  /**
   * Tokenizes the {@code text} column of {@code docs} and counts words (see the class comment for the options).
   * Runs a pass to count documents (and Spark's passes to learn a vocabulary); the result is not cached, so
   * callers that read it many times should cache it or, as fits do, their blocks of it.
   *
   * @param where names the input in messages, e.g. "text source /data/news.txt"
   * @return {@code docs} without {@code text}, plus {@code features}, only documents with a vocabulary word
   */
  public static Dataset<Row> vectorize(Dataset<Row> docs, Map<String, String> options, String where) {
    Map<String, String> opts = options == null ? Map.of() : options;
    Dataset<Row> words = words(docs, opts.getOrDefault("stopWords", "english"), where);
    CountVectorizerModel model = opts.containsKey("vocabulary")
        ? fixed(docs.sparkSession(), opts, where)
        : learn(words, opts, where);
    String[] vocab = model.vocabulary();
    List<Column> keep = new ArrayList<>();
    for (String c : docs.columns()) {
      if (!c.equals(TEXT)) {
        keep.add(col(c));
      }
    }
    Dataset<Row> counted = model.setInputCol(WORDS).setOutputCol(DataSources.FEATURES).transform(words);
    keep.add(col(DataSources.FEATURES).as(DataSources.FEATURES, vocabularyMetadata(DataSources.FEATURES, vocab)));
    counted = counted.select(keep.toArray(new Column[0]));

    UserDefinedFunction nonEmpty = udf((UDF1<Vector, Boolean>) v -> v.numNonzeros() > 0, DataTypes.BooleanType);
    Row tally = counted.agg(count(lit(1)),
        sum(when(nonEmpty.apply(col(DataSources.FEATURES)), 1).otherwise(0))).first();
    long total = tally.getLong(0);
    if (total == 0) {
      throw emptyInput(where);
    }
    long kept = tally.getLong(1);
    if (kept == 0) {
      throw new IllegalArgumentException("no document of " + where + " has a word of the vocabulary of "
          + vocab.length + " words: expected at least one nonempty document, found " + total + " empty ones");
    }
    LOG.info("{}: {} documents, {} words in the vocabulary; dropped {} document(s) with no vocabulary word",
        where, total, vocab.length, total - kept);
    return counted.filter(nonEmpty.apply(col(DataSources.FEATURES)));
  }

  /** The vocabulary stored on a count column by {@link #vectorize}, if any. */
  public static Optional<String[]> vocabulary(StructField f) {
    Metadata m = f.metadata();
    return m != null && m.contains(VOCABULARY_KEY) ? Optional.of(m.getStringArray(VOCABULARY_KEY)) : Optional.empty();
  }

  /** Returns {@code df} with {@code column}'s metadata holding {@code vocabulary} (and the ML vector size). */
  public static Dataset<Row> withVocabulary(Dataset<Row> df, String column, String[] vocabulary) {
    VectorColumns.field(df, column, "the DataFrame");
    return df.withColumn(column, df.col("`" + column + "`"), vocabularyMetadata(column, vocabulary));
  }

  /**
   * Reads a vocabulary file: one word per line, line i (from 0) naming index i; trailing blank lines are ignored.
   *
   * @throws IllegalArgumentException if the file is missing or empty, or has a blank line or a repeated word
   */
  public static String[] readVocabulary(SparkSession spark, String path) {
    Path p = new Path(path);
    List<String> words = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isFile(p)) {
        throw new IllegalArgumentException("no vocabulary file at " + path + ": expected a file of one word per line");
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
        int blankAt = -1;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          String w = line.strip();
          if (w.isEmpty()) {
            blankAt = blankAt < 0 ? words.size() + 1 : blankAt;
            continue;
          }
          if (blankAt > 0) {
            throw new IllegalArgumentException("vocabulary file " + path + " has a blank line " + blankAt
                + " before word '" + w + "': expected one word per line");
          }
          Integer before = seen.putIfAbsent(w, words.size());
          if (before != null) {
            throw new IllegalArgumentException("vocabulary file " + path + " repeats '" + w + "' on lines "
                + (before + 1) + " and " + (words.size() + 1) + ": expected distinct words");
          }
          words.add(w);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read vocabulary file " + path + ": " + e.getMessage(), e);
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("vocabulary of size 0 in " + path + ": expected one word per line, found"
          + " no word");
    }
    return words.toArray(new String[0]);
  }

  /** Lowercased letter-run tokens without stop words, in column {@value #WORDS}. */
  private static Dataset<Row> words(Dataset<Row> docs, String stopWords, String where) {
    if (!Arrays.asList(docs.columns()).contains(TEXT)) {
      throw new IllegalArgumentException("no column '" + TEXT + "' in " + where + ": found columns "
          + Arrays.toString(docs.columns()));
    }
    Dataset<Row> tokens = new RegexTokenizer().setInputCol(TEXT).setOutputCol(TOKENS)
        .setPattern(TOKEN_PATTERN).setGaps(false).setToLowercase(true).setMinTokenLength(MIN_TOKEN_LENGTH)
        .transform(docs.filter(col(TEXT).isNotNull()));
    String lang = stopWords.toLowerCase(Locale.ROOT);
    if (lang.equals("none")) {
      return tokens.withColumnRenamed(TOKENS, WORDS);
    }
    String[] list;
    try {
      list = StopWordsRemover.loadDefaultStopWords(lang);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("option stopWords for " + where + " must be none or a language with a"
          + " Spark stop word list (english, french, german ...), found '" + stopWords + "'", e);
    }
    return new StopWordsRemover().setInputCol(TOKENS).setOutputCol(WORDS).setStopWords(list).setLocale("en")
        .transform(tokens).drop(TOKENS);
  }

  private static CountVectorizerModel fixed(SparkSession spark, Map<String, String> opts, String where) {
    for (String o : List.of("vocabSize", "minDF", "maxDF")) {
      if (opts.containsKey(o)) {
        throw new IllegalArgumentException("option " + o + " for " + where + " does not apply with a fixed"
            + " vocabulary (option vocabulary=" + opts.get("vocabulary") + "): give one or the other");
      }
    }
    return new CountVectorizerModel(readVocabulary(spark, opts.get("vocabulary")));
  }

  private static CountVectorizerModel learn(Dataset<Row> words, Map<String, String> opts, String where) {
    int vocabSize = (int) number(opts, "vocabSize", DEFAULT_VOCAB_SIZE, where, true);
    double minDF = number(opts, "minDF", DEFAULT_MIN_DF, where, false);
    double maxDF = number(opts, "maxDF", DEFAULT_MAX_DF, where, false);
    CountVectorizer cv = new CountVectorizer().setInputCol(WORDS).setOutputCol(DataSources.FEATURES)
        .setVocabSize(vocabSize).setMinDF(minDF).setMaxDF(maxDF);
    CountVectorizerModel model = null;
    IllegalArgumentException sparkSays = null;
    try {
      model = cv.fit(words);
    } catch (IllegalArgumentException e) {
      // Spark's "The vocabulary size should be > 0" or "maxDF must be >= minDF": say which input and why.
      sparkSays = e;
    }
    if (model != null && model.vocabulary().length > 0) {
      return model;
    }
    long docs = words.count();
    if (docs == 0) {
      throw emptyInput(where);
    }
    throw new IllegalArgumentException("vocabulary of size 0 for " + where + ": no word occurs in at least minDF = "
        + fmt(minDF) + " and at most maxDF = " + fmt(maxDF) + " of the " + docs + " documents (fractions if below"
        + " 1); expected at least one word, lower minDF or raise maxDF", sparkSays);
  }

  private static IllegalArgumentException emptyInput(String where) {
    return new IllegalArgumentException("empty input: " + where + " holds no document, expected at least one"
        + " nonblank document");
  }

  /** Spark ML's vector size attribute and {@link #VOCABULARY_KEY}. */
  private static Metadata vocabularyMetadata(String column, String[] vocabulary) {
    Metadata size = new AttributeGroup(column, vocabulary.length).toMetadata();
    return new MetadataBuilder().withMetadata(size).putStringArray(VOCABULARY_KEY, vocabulary).build();
  }

  private static String fmt(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  private static double number(Map<String, String> opts, String option, double dflt, String where,
      boolean integer) {
    String v = opts.get(option);
    if (v == null) {
      return dflt;
    }
    try {
      double x = Double.parseDouble(v.trim());
      if (x >= 0 && Double.isFinite(x) && (!integer || (x >= 1 && x == Math.rint(x) && x <= Integer.MAX_VALUE))) {
        return x;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("option " + option + " for " + where + " must be "
        + (integer ? "a positive integer" : "a nonnegative number (a count, or a fraction if below 1)")
        + ", found '" + v + "'");
  }
}
