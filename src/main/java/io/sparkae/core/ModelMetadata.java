package io.sparkae.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkBuildInfo;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The {@code metadata/part-00000} file of a saved stage: one JSON line in the layout of Spark's own
 * DefaultParamsWriter (class, timestamp, sparkVersion, uid, paramMap, defaultParamMap), so that Spark's Pipeline
 * reader can find our stages, plus a {@code sparkae} object with the model format version and the provenance.
 */
public final class ModelMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelMetadata() {}

  /** The JSON line for {@code stage}; {@code provenance} may be null (estimators). */
  public static String toJson(Params stage, Provenance provenance) {
    ObjectNode root = JSON.createObjectNode();
    root.put("class", stage.getClass().getName());
    root.put("timestamp", System.currentTimeMillis());
    root.put("sparkVersion", SparkBuildInfo.spark_version());
    root.put("uid", stage.uid());
    ObjectNode set = root.putObject("paramMap");
    ObjectNode defaults = root.putObject("defaultParamMap");
    for (Param<?> p : stage.params()) {
      @SuppressWarnings("unchecked")
      Param<Object> param = (Param<Object>) p;
      if (stage.isSet(param)) {
        set.set(param.name(), parse(param.jsonEncode(stage.getOrDefault(param))));
      } else if (stage.hasDefault(param)) {
        defaults.set(param.name(), parse(param.jsonEncode(stage.getOrDefault(param))));
      }
    }
    ObjectNode ours = root.putObject("sparkae");
    ours.put("formatVersion", Version.MODEL_FORMAT);
    ours.put("version", Version.SPARKAE);
    if (provenance != null) {
      ObjectNode p = ours.putObject("provenance");
      p.put("estimator", provenance.estimator());
      ObjectNode ps = p.putObject("params");
      provenance.params().forEach((k, v) -> ps.set(k, parse(v)));
      p.put("inputCol", provenance.inputCol());
      p.put("rows", provenance.rows());
      p.put("features", provenance.features());
      p.put("imageHeight", provenance.imageHeight());
      p.put("imageWidth", provenance.imageWidth());
      p.put("fitSeconds", provenance.fitSeconds());
      p.put("created", provenance.created());
      p.put("sparkaeVersion", provenance.sparkaeVersion());
      p.put("sparkVersion", provenance.sparkVersion());
    }
    return root.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("param encoded to invalid JSON: " + json, e);
    }
  }

  public static void write(Params stage, Provenance provenance, Path dir, Configuration conf) throws IOException {
    Path file = new Path(new Path(dir, "metadata"), "part-00000");
    FileSystem fs = file.getFileSystem(conf);
    try (OutputStream out = fs.create(file, false)) {
      out.write((toJson(stage, provenance) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Parsed metadata of a saved stage, checked: it exists, parses, names the expected class and a known format. */
  public record Loaded(String className, String uid, Map<String, JsonNode> paramMap,
      Map<String, JsonNode> defaultParamMap, int formatVersion, Provenance provenance) {}

  public static Loaded read(String path, Class<?> expected, Configuration conf) {
    Path dir = new Path(path);
    Path metaDir = new Path(dir, "metadata");
    JsonNode root;
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        throw new IllegalArgumentException("no model at " + path + ": the path does not exist");
      }
      if (!fs.exists(metaDir)) {
        throw new IllegalArgumentException("not a sparkae model directory: " + path + " has no metadata/ folder");
      }
      Path file = null;
      for (FileStatus st : fs.listStatus(metaDir)) {
        if (st.getPath().getName().startsWith("part-")) {
          file = st.getPath();
          break;
        }
      }
      if (file == null) {
        throw new IllegalArgumentException("corrupt model at " + path + ": metadata/ holds no part-00000 file");
      }
      try (InputStream in = fs.open(file)) {
        root = JSON.readTree(in);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("corrupt model at " + path + ": metadata is not valid JSON ("
          + e.getOriginalMessage() + ")", e);
    } catch (ChecksumException e) {
      throw new IllegalArgumentException("corrupt model at " + path + ": metadata fails its checksum (was it edited"
          + " or damaged?)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the model at " + path + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.hasNonNull("class") || !root.hasNonNull("uid")) {
      throw new IllegalArgumentException("corrupt model at " + path + ": metadata lacks 'class' or 'uid'");
    }
    String cls = root.get("class").asText();
    if (expected != null && !expected.getName().equals(cls)) {
      throw new IllegalArgumentException("the model at " + path + " is a " + cls + ", expected a "
          + expected.getName());
    }
    JsonNode ours = root.get("sparkae");
    if (ours == null || !ours.has("formatVersion")) {
      throw new IllegalArgumentException("not a sparkae model: metadata of " + path + " has no sparkae section");
    }
    int format = ours.get("formatVersion").asInt(-1);
    if (format < 1 || format > Version.MODEL_FORMAT) {
      throw new IllegalArgumentException("the model at " + path + " has format version " + format
          + ", this sparkae " + Version.SPARKAE + " reads versions 1 to " + Version.MODEL_FORMAT
          + " (was it saved by a newer sparkae?)");
    }
    Provenance prov = null;
    JsonNode p = ours.get("provenance");
    if (p != null) {
      Map<String, String> params = new LinkedHashMap<>();
      p.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().toString()));
      prov = new Provenance(p.path("estimator").asText(), params, p.path("inputCol").asText(),
          p.path("rows").asLong(), p.path("features").asInt(), p.path("imageHeight").asInt(),
          p.path("imageWidth").asInt(), p.path("fitSeconds").asDouble(), p.path("created").asText(),
          p.path("sparkaeVersion").asText(), p.path("sparkVersion").asText());
    }
    return new Loaded(cls, root.get("uid").asText(), fields(root.get("paramMap")), fields(root.get("defaultParamMap")),
        format, prov);
  }

  private static Map<String, JsonNode> fields(JsonNode node) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (node != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Sets the saved params on a freshly constructed stage (unknown names are ignored: a newer writer's extras). */
  public static void applyParams(Params stage, Loaded meta) {
    meta.defaultParamMap().forEach((name, value) -> {
      if (stage.hasParam(name)) {
        Param<Object> p = paramOf(stage, name);
        stage.setDefault(p, p.jsonDecode(value.toString()));
      }
    });
    meta.paramMap().forEach((name, value) -> {
      if (stage.hasParam(name)) {
        Param<Object> p = paramOf(stage, name);
        stage.set(p, p.jsonDecode(value.toString()));
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static Param<Object> paramOf(Params stage, String name) {
    return (Param<Object>) stage.getParam(name);
  }
}
