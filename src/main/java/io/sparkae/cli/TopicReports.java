package io.sparkae.cli;

import io.sparkae.neural.topics.TopicModelModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The topic model's part of the fit's outputs: each topic's top words with its NPMI coherence on the training
 * corpus (metrics.json and a readable topics.txt), and the vocabulary (vocabulary.txt, one word per line, for
 * vectorising new documents with {@code --option vocabulary=...}).
 */
final class TopicReports {
  static final int TOP_WORDS = 10;

  private TopicReports() {}

  static Map<String, Object> summary(TopicModelModel m, Dataset<Row> corpus) {
    String[][] words = m.describeTopics(TOP_WORDS);
    double[] npmi = m.coherence(corpus, Math.min(TOP_WORDS, m.vae().inputSize()));
    double mean = 0;
    List<Map<String, Object>> topics = new ArrayList<>();
    for (int t = 0; t < words.length; t++) {
      Map<String, Object> topic = new LinkedHashMap<>();
      topic.put("topic", t);
      topic.put("npmi", npmi[t]);
      topic.put("words", words[t]);
      topics.add(topic);
      mean += npmi[t] / words.length;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("meanNpmi", mean);
    out.put("topics", topics);
    return out;
  }

  /** topics.txt: one line per topic, its coherence and top words. */
  static String topicsText(TopicModelModel m, Map<String, Object> summary) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "# %d topics, top %d words by decoder weight; NPMI on the training corpus "
        + "(mean %.4f)%n", m.k(), TOP_WORDS, (Double) summary.get("meanNpmi")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> topics = (List<Map<String, Object>>) summary.get("topics");
    for (Map<String, Object> t : topics) {
      sb.append(String.format(Locale.ROOT, "%3d  %+.3f  %s%n", (Integer) t.get("topic"), (Double) t.get("npmi"),
          String.join(" ", (String[]) t.get("words"))));
    }
    return sb.toString();
  }
}
