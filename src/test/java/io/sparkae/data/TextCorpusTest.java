package io.sparkae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Project;
import io.sparkae.testing.SparkTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Text to word counts: the three readers, tokenizing, the vocabulary (learned, fixed, stored) and bad input. */
class TextCorpusTest {
  private static final Map<String, String> ALL_WORDS = Map.of("minDF", "1", "maxDF", "1000");
  private static SparkSession spark;
  private static Set<String> stopWords;

  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = SparkTest.session();
    stopWords = new HashSet<>(Arrays.asList(StopWordsRemover.loadDefaultStopWords("english")));
  }

  @Test
  void linesBecomeCountsThatMatchTheVocabulary() throws IOException {
    String[] lines = {"The cat sat on the mat with another cat.", "", "   ", "Dogs and cats: an ox, a dog, OX!",
        "Über naïve café dog's dog."};
    Path file = tmp.resolve("docs.txt");
    Files.writeString(file, String.join("\n", lines) + "\n");

    Dataset<Row> df = DataSources.load(spark, file.toString(), null, ALL_WORDS);
    assertEquals(List.of("id", "features"), Arrays.asList(df.columns()));
    String[] vocab = TextCorpus.vocabulary(df.schema().apply("features")).orElseThrow();
    Set<String> expectedVocab = new HashSet<>();
    for (String line : lines) {
      expectedVocab.addAll(bag(line).keySet());
    }
    assertEquals(expectedVocab, new HashSet<>(Arrays.asList(vocab)));
    assertTrue(expectedVocab.containsAll(List.of("cat", "mat", "über", "naïve", "café")), expectedVocab.toString());
    assertFalse(expectedVocab.contains("the") || expectedVocab.contains("and") || expectedVocab.contains("ox"));

    List<Row> rows = df.orderBy("id").collectAsList();
    assertEquals(3, rows.size());
    int[] lineOf = {0, 3, 4};
    for (int r = 0; r < 3; r++) {
      String line = lines[lineOf[r]];
      assertEquals("docs.txt@" + byteOffset(lines, lineOf[r]), rows.get(r).getString(0));
      assertEquals(bag(line), bag((SparseVector) rows.get(r).get(1), vocab), line);
    }

    // The vocabulary travels with the column, through Parquet too.
    String parquet = tmp.resolve("counts.parquet").toString();
    df.write().parquet(parquet);
    Dataset<Row> back = DataSources.load(spark, parquet, null, null);
    assertArrayEquals(vocab, TextCorpus.vocabulary(back.schema().apply("features")).orElseThrow());
  }

  @Test
  void foldersGiveOneDocumentPerLineOrPerFile() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("corpus"));
    Files.writeString(dir.resolve("a.txt"), "wheat wheat barley\ncocoa sugar\n");
    Files.writeString(dir.resolve("b.txt"), "\ncocoa wheat\n\n");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.writeString(dir.resolve(".hidden.txt"), "zebra zebra\n");

    Dataset<Row> perLine = DataSources.load(spark, dir.toString(), null, ALL_WORDS);
    assertEquals(List.of("a.txt@0", "a.txt@19", "b.txt@1"),
        perLine.orderBy("id").collectAsList().stream().map(r -> r.getString(0)).toList());

    Dataset<Row> perFile = DataSources.load(spark, dir.toString(), "text-folder", ALL_WORDS);
    List<Row> rows = perFile.orderBy("id").collectAsList();
    assertEquals(List.of("a.txt", "b.txt"), rows.stream().map(r -> r.getString(0)).toList());
    String[] vocab = TextCorpus.vocabulary(perFile.schema().apply("features")).orElseThrow();
    assertEquals(Map.of("wheat", 2, "barley", 1, "cocoa", 1, "sugar", 1),
        bag((SparseVector) rows.get(0).get(1), vocab));
    assertFalse(Arrays.asList(vocab).contains("zebra"), "hidden files are skipped");
  }

  @Test
  void reutersRecordsWithoutBodyAreSkippedAndTopicsKept() {
    String dir = reutersFixture();
    assertEquals("reuters", DataSources.inferFormat(spark, dir));

    List<Row> docs = TextCorpus.documents(spark, dir, "reuters").orderBy("id").collectAsList();
    assertEquals(List.of("1", "2", "5"), docs.stream().map(r -> r.getString(0)).toList());
    assertEquals("WHEAT EXPORTS FALL\nWheat exports fell as farmers held wheat stocks.\n Reuter\n",
        docs.get(1).getString(1));
    assertTrue(docs.get(2).getString(1).startsWith("Banks cut"), "no title: the body alone");

    Dataset<Row> df = DataSources.load(spark, dir, null, ALL_WORDS);
    assertEquals(List.of("id", "topics", "features"), Arrays.asList(df.columns()));
    String[] vocab = TextCorpus.vocabulary(df.schema().apply("features")).orElseThrow();
    List<Row> rows = df.orderBy("id").collectAsList();
    assertEquals(List.of(List.of("cocoa"), List.of("wheat", "grain"), List.of()),
        rows.stream().map(r -> r.getList(1)).toList());
    Map<String, Integer> first = bag((SparseVector) rows.get(0).get(2), vocab);
    assertEquals(3, first.get("cocoa"), "two in the body, one in the title");
    assertEquals(bag(docs.get(0).getString(1)), first);
  }

  @Test
  void fixedVocabularyIsHonouredAndEmptyDocumentsDropped() throws IOException {
    Path vocabFile = tmp.resolve("vocab.txt");
    Files.writeString(vocabFile, "wheat\ncocoa\nzebra\n\n");
    Dataset<Row> df = DataSources.load(spark, reutersFixture(), "reuters", Map.of("vocabulary", vocabFile.toString()));
    assertArrayEquals(new String[] {"wheat", "cocoa", "zebra"},
        TextCorpus.vocabulary(df.schema().apply("features")).orElseThrow());
    List<Row> rows = df.orderBy("id").collectAsList();
    assertEquals(List.of("1", "2"), rows.stream().map(r -> r.getString(0)).toList(), "doc 5 has no vocabulary word");
    assertEquals(new SparseVector(3, new int[] {1}, new double[] {3}), rows.get(0).get(2));
    assertEquals(new SparseVector(3, new int[] {0}, new double[] {3}), rows.get(1).get(2));

    assertMessage("option minDF for reuters source " + reutersFixture() + " does not apply with a fixed vocabulary"
        + " (option vocabulary=" + vocabFile + "): give one or the other", () -> DataSources.load(spark,
        reutersFixture(), "reuters", Map.of("vocabulary", vocabFile.toString(), "minDF", "2")));

    Path zebra = tmp.resolve("zebra.txt");
    Files.writeString(zebra, "zebra\n");
    assertMessage("no document of reuters source " + reutersFixture() + " has a word of the vocabulary of 1 words:"
        + " expected at least one nonempty document, found 3 empty ones",
        () -> DataSources.load(spark, reutersFixture(), "reuters", Map.of("vocabulary", zebra.toString())));
  }

  @Test
  void stopWordsCanBeKept() throws IOException {
    Path file = tmp.resolve("few.txt");
    Files.writeString(file, "the cat and the dog\nthe end\n");
    Map<String, String> opts = Map.of("minDF", "1", "maxDF", "1000", "stopWords", "none");
    Dataset<Row> df = DataSources.load(spark, file.toString(), "text", opts);
    String[] vocab = TextCorpus.vocabulary(df.schema().apply("features")).orElseThrow();
    assertEquals("the", vocab[0], "the most frequent word comes first");
    assertEquals(Set.of("the", "cat", "and", "dog", "end"), new HashSet<>(Arrays.asList(vocab)));

    assertMessage("option stopWords for text source " + file + " must be none or a language with a Spark stop word"
        + " list (english, french, german ...), found 'klingon'", () -> DataSources.load(spark, file.toString(),
        "text", Map.of("stopWords", "klingon")));
  }

  @Test
  void defaultsFilterRareAndCommonWords() throws IOException {
    // 10 documents: "common" in all (above maxDF = 0.5), "frequent" in 6 (above), "middle" in 5 (kept: minDF = 5,
    // 5 <= 0.5 * 10), "rare" in 4 (below minDF).
    StringBuilder text = new StringBuilder();
    for (int d = 0; d < 10; d++) {
      text.append("common").append(d < 6 ? " frequent" : "").append(d < 5 ? " middle" : "").append(d < 4 ? " rare" : "")
          .append('\n');
    }
    Path file = tmp.resolve("ten.txt");
    Files.writeString(file, text);
    Dataset<Row> df = DataSources.load(spark, file.toString(), "text", Map.of());
    assertArrayEquals(new String[] {"middle"}, TextCorpus.vocabulary(df.schema().apply("features")).orElseThrow());
    assertEquals(5, df.count(), "the five documents without 'middle' are dropped");
  }

  @Test
  void badInputSaysWhatWasExpected() throws IOException {
    Path file = tmp.resolve("small.txt");
    Files.writeString(file, "cocoa wheat\nwheat sugar\n");
    assertMessage("vocabulary of size 0 for text source " + file + ": no word occurs in at least minDF = 50 and at"
        + " most maxDF = 1000 of the 2 documents (fractions if below 1); expected at least one word, lower minDF or"
        + " raise maxDF", () -> DataSources.load(spark, file.toString(), null, Map.of("minDF", "50", "maxDF",
        "1000")));

    String missing = tmp.resolve("nope.txt").toString();
    assertMessage("no data at " + missing + " (format text): the path does not exist, expected a file or directory",
        () -> DataSources.load(spark, missing, "text", Map.of()));

    Path blank = tmp.resolve("blank.txt");
    Files.writeString(blank, "\n   \n\n");
    assertMessage("empty input: text source " + blank + " holds no document, expected at least one nonblank"
        + " document", () -> DataSources.load(spark, blank.toString(), null, ALL_WORDS));

    Path onlyStopWords = tmp.resolve("stop.txt");
    Files.writeString(onlyStopWords, "the and of\n");
    assertMessage("vocabulary of size 0 for text source " + onlyStopWords + ": no word occurs in at least minDF = 1"
        + " and at most maxDF = 1000 of the 1 documents (fractions if below 1); expected at least one word, lower"
        + " minDF or raise maxDF", () -> DataSources.load(spark, onlyStopWords.toString(), null, ALL_WORDS));

    Path badJson = Files.createDirectory(tmp.resolve("bad-reuters"));
    Files.writeString(badJson.resolve("reuters-000.json"), "[{\"id\": \"1\", \"body\": \"cocoa\"}]");
    Files.writeString(badJson.resolve("reuters-001.json"), "[{\"id\": \"2\", \"body\": \"cocoa\"");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(spark, badJson.toString(), null, ALL_WORDS));
    assertTrue(e.getMessage().matches("malformed JSON in reuters source file:.*/bad-reuters/reuters-001\\.json \\(1"
        + " bad record\\(s\\) under .*: expected a JSON array of records \\{title, body, date, topics, places, id\\}"
        + " with string fields and topics an array of strings"), e.getMessage());

    Path noReuters = Files.createDirectory(tmp.resolve("no-reuters"));
    assertMessage("no reuters-*.json files in reuters source " + noReuters + ": expected the folder written by"
        + " data/fetch reuters", () -> DataSources.load(spark, noReuters.toString(), "reuters", Map.of()));

    Path emptyVocab = tmp.resolve("empty-vocab.txt");
    Files.writeString(emptyVocab, "\n");
    assertMessage("vocabulary of size 0 in " + emptyVocab + ": expected one word per line, found no word",
        () -> DataSources.load(spark, file.toString(), null, Map.of("vocabulary", emptyVocab.toString())));
    Path gappy = tmp.resolve("gappy-vocab.txt");
    Files.writeString(gappy, "cocoa\n\nwheat\n");
    assertMessage("vocabulary file " + gappy + " has a blank line 2 before word 'wheat': expected one word per line",
        () -> TextCorpus.readVocabulary(spark, gappy.toString()));
    Path twice = tmp.resolve("twice-vocab.txt");
    Files.writeString(twice, "cocoa\nwheat\ncocoa\n");
    assertMessage("vocabulary file " + twice + " repeats 'cocoa' on lines 1 and 3: expected distinct words",
        () -> TextCorpus.readVocabulary(spark, twice.toString()));
    assertMessage("option vocabSize for text source " + file + " must be a positive integer, found '0'",
        () -> DataSources.load(spark, file.toString(), null, Map.of("vocabSize", "0")));
  }

  private static String reutersFixture() {
    return Project.basedir().resolve("src/test/resources/reuters-tiny").toString();
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  /** The test's own tokenizer: lowercase letter runs of length >= 3, minus Spark's English stop words. */
  private static Map<String, Integer> bag(String text) {
    Map<String, Integer> bag = new TreeMap<>();
    for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
      if (t.length() >= 3 && !stopWords.contains(t)) {
        bag.merge(t, 1, Integer::sum);
      }
    }
    return bag;
  }

  private static Map<String, Integer> bag(SparseVector counts, String[] vocab) {
    assertEquals(vocab.length, counts.size());
    Map<String, Integer> bag = new TreeMap<>();
    for (int p = 0; p < counts.indices().length; p++) {
      bag.put(vocab[counts.indices()[p]], (int) counts.values()[p]);
    }
    return bag;
  }

  private static long byteOffset(String[] lines, int line) {
    long offset = 0;
    for (int i = 0; i < line; i++) {
      offset += lines[i].getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return offset;
  }
}
