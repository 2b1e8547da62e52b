package io.sparkae.cli;

import io.sparkae.core.CheckpointedFit;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.ParamPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fingerprint of a checkpointed fit, {@code DIR/fingerprint.properties} beside {@code DIR/checkpoint.bin}: the
 * model, every estimator parameter that changes what is trained (seed included; not the epochs, which may be raised
 * to train further, nor where checkpoints go), the input and validation paths with their sizes in bytes and files,
 * and the partitions asked for. {@code --resume} refuses a checkpoint whose fingerprint differs, naming the fields,
 * and says so when the checkpoint is already complete. A fit that does not resume starts a new fingerprint (and
 * removes the old checkpoint, which its first round would overwrite anyway).
 */
final class Resume {
  private static final Logger LOG = LoggerFactory.getLogger(Resume.class);
  static final String FILE = "fingerprint.properties";

  /** Parameters that do not change what is trained. */
  private static final Set<String> IGNORED = Set.of("checkpointDir", "checkpointInterval", "resume", "epochs",
      "outputCol", "reconstructionCol", "lossCol", "predictionCol");

  private Resume() {}

  static Map<String, String> fingerprint(CheckpointedFit est, String model, InputOptions in, FitOptions out,
      Configuration conf) {
    Map<String, String> fp = new TreeMap<>();
    fp.put("model", model);
    for (ParamPair<?> p : est.extractParamMap().toList()) {
      String name = p.param().name();
      if (!IGNORED.contains(name)) {
        Object v = p.value();
        String shown = v != null && v.getClass().isArray() ? Arrays.deepToString(new Object[] {v}) : null;
        fp.put("param." + name, shown != null ? shown.substring(1, shown.length() - 1) : String.valueOf(v));
      }
    }
    putInput(fp, "input", in.input, conf);
    if (out.validation != null) {
      putInput(fp, "validation", out.validation, conf);
    }
    fp.put("format", in.format);
    fp.put("inputCol", in.inputCol);
    fp.put("partitions", String.valueOf(in.partitions));
    new TreeMap<>(in.options).forEach((k, v) -> fp.put("option." + k, v));
    return fp;
  }

  private static void putInput(Map<String, String> fp, String key, String path, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      fp.put(key, fs.makeQualified(p).toString());
      var summary = fs.getContentSummary(p);
      fp.put(key + ".bytes", String.valueOf(summary.getLength()));
      fp.put(key + ".files", String.valueOf(summary.getFileCount()));
    } catch (IOException | RuntimeException e) {
      fp.put(key, path); // a glob or an unreadable path: the loader names the problem
    }
  }

  /**
   * Before a checkpointed fit reads its data: with {@code --resume} and a checkpoint present, refuses a different
   * fingerprint and logs one line if the checkpoint is complete; otherwise records this fit's fingerprint.
   */
  static void check(CheckpointedFit est, String model, InputOptions in, FitOptions out, Configuration conf) {
    String dir = est.getCheckpointDir();
    Map<String, String> now = fingerprint(est, model, in, out, conf);
    Path file = new Path(dir, FILE);
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (est.getResume() && est.hasCheckpoint(conf)) {
        int[] progress = est.checkpointProgress(conf);
        if (!fs.exists(file)) {
          LOG.warn("the checkpoint in {} has no fingerprint (written by an older sparkae): resuming it unchecked",
              dir);
          return;
        }
        Map<String, String> then = read(fs, file);
        List<String> diff = new ArrayList<>();
        for (String k : union(then, now)) {
          String a = then.get(k);
          String b = now.get(k);
          if (!Objects.equals(a, b)) {
            diff.add(k.replaceFirst("^param\\.", "") + " " + (a == null ? "unset" : a) + " there, "
                + (b == null ? "unset" : b) + " here");
          }
        }
        if (!diff.isEmpty()) {
          throw new IllegalArgumentException("cannot resume from the checkpoint in " + dir + " (round " + progress[0]
              + "): it belongs to another fit: " + String.join("; ", diff)
              + "; drop --resume to start afresh, or use another --checkpoint-dir");
        }
        long rounds = (long) est.getEpochs() * progress[1];
        if (progress[0] == rounds) {
          LOG.warn("the checkpoint in {} is already complete (round {} of {}, {} epochs): writing its model without "
              + "further training; raise --epochs to train on", dir, progress[0], rounds, est.getEpochs());
        }
        return;
      }
      if (est.hasCheckpoint(conf)) {
        LOG.info("starting afresh: removing the checkpoint in {} (pass --resume to continue it)", dir);
        est.deleteCheckpoint(conf);
      }
      // One key per line in name order (Properties.store would write them in hash order).
      StringBuilder text = new StringBuilder("# sparkae checkpoint fingerprint: --resume refuses a fit that differs\n");
      for (Map.Entry<String, String> e : now.entrySet()) {
        Properties one = new Properties();
        one.setProperty(e.getKey(), e.getValue());
        StringWriter w = new StringWriter();
        one.store(w, null);
        w.toString().lines().filter(l -> !l.startsWith("#")).forEach(l -> text.append(l).append('\n'));
      }
      try (OutputStream o = fs.create(file, true)) {
        o.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> read(FileSystem fs, Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream i = fs.open(file)) {
      p.load(new InputStreamReader(i, StandardCharsets.UTF_8));
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  private static Set<String> union(Map<String, String> a, Map<String, String> b) {
    Set<String> s = new TreeSet<>(a.keySet());
    s.addAll(b.keySet());
    return s;
  }
}
