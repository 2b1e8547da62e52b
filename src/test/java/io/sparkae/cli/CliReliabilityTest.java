package io.sparkae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.data.DataSources;
import io.sparkae.neural.NeuralAutoencoderModel;
import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --resume's fingerprint, --verbose, the help texts and the truncated-gzip byte count. */
class CliReliabilityTest extends SparkTest {

  private static Path rows(Path dir, String name, int n, int d, int salt) throws Exception {
    StringBuilder b = new StringBuilder();
    java.util.Random rnd = new java.util.Random(salt);
    for (int i = 0; i < n; i++) {
      b.append("{\"features\":[");
      for (int j = 0; j < d; j++) {
        b.append(j > 0 ? "," : "").append(String.format(java.util.Locale.ROOT, "%.2f", rnd.nextDouble()));
      }
      b.append("]}\n");
    }
    Path p = dir.resolve(name);
    Files.writeString(p, b);
    return p;
  }

  private static List<String> ae(Path in, Path ck, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("fit", "autoencoder", "--input", in.toString(), "--layers", "4,2",
        "--epochs", "2", "--batch-size", "8", "--no-report", "--checkpoint-dir", ck.toString(), "--checkpoint-every",
        "1", "--output", out.toString()));
    a.addAll(List.of(more));
    return a;
  }

  private static Cli.Result run(List<String> args) {
    return Cli.run(args.toArray(new String[0]));
  }

  @Test
  void resumeRefusesAnotherFitAndFinishesACompleteOne(@TempDir Path dir) throws Exception {
    Path in = rows(dir, "a.json", 40, 4, 1);
    Path ck = dir.resolve("ck");
    Cli.Result r = run(ae(in, ck, dir.resolve("first")));
    assertEquals(0, r.code(), r.err());
    String fp = Files.readString(ck.resolve(Resume.FILE));
    assertTrue(fp.contains("param.seed=42") && fp.contains("input.bytes="), fp);

    // Another learning rate, other data of the same shape: refused, the differing fields named.
    r = run(ae(in, ck, dir.resolve("o1"), "--resume", "--lr", "0.01"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("belongs to another fit: learningRate 0.001 there, 0.01 here"), r.err());
    Path other = rows(dir, "b.json", 40, 4, 2);
    r = run(ae(other, ck, dir.resolve("o2"), "--resume"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("input file:" + in + " there, file:" + other + " here"), r.err());

    // The same fit resumed from its complete checkpoint writes the same parameters (no further rounds).
    r = run(ae(in, ck, dir.resolve("again"), "--resume"));
    assertEquals(0, r.code(), r.err());
    float[] a = ((io.sparkae.neural.NetworkAutoencoder) NeuralAutoencoderModel.load(dir.resolve("first/model")
        .toString()).autoencoder()).parameters();
    float[] b = ((io.sparkae.neural.NetworkAutoencoder) NeuralAutoencoderModel.load(dir.resolve("again/model")
        .toString()).autoencoder()).parameters();
    assertTrue(java.util.Arrays.equals(a, b));

    // Without --resume a fit starts afresh and records its own fingerprint.
    r = run(ae(in, ck, dir.resolve("fresh"), "--seed", "7"));
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.readString(ck.resolve(Resume.FILE)).contains("param.seed=7"));
  }

  @Test
  void verboseShowsTheStackTrace(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("nan.json");
    Files.writeString(in, "{\"features\":[1,2,3]}\n{\"features\":[1,NaN,3]}\n");
    Cli.Result r = Cli.run("fit", "pca", "--input", in.toString(), "--k", "1", "--output", dir.resolve("o")
        .toString(), "--verbose");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("sparkae: error: file " + in + ", column 'features', partition 0, row 1 holds "
        + "NaN"), r.err());
    assertTrue(r.err().lines().count() > 5 && r.err().contains("\tat "), r.err());
  }

  @Test
  void everyFormatHelpListsEveryFormat() {
    assertEquals(String.join(", ", DataSources.FORMATS), InputOptions.FORMAT_LIST);
    for (String[] cmd : new String[][] {{"fit", "pca"}, {"fit", "topics"}, {"transform"}, {"evaluate"}}) {
      List<String> a = new ArrayList<>(List.of(cmd));
      a.add("--help");
      Cli.Result r = Cli.run(a.toArray(new String[0]));
      assertEquals(0, r.code(), r.err());
      String help = r.out().replaceAll("\\s+", " ");
      for (String f : DataSources.FORMATS) {
        assertTrue(help.contains(f), String.join(" ", cmd) + " --help lacks " + f + ":\n" + r.out());
      }
    }
    assertEquals(0, Cli.run("bench", "--help").code());
  }

  @Test
  void aTruncatedGzippedIdxSaysHowManyBytesItHeld(@TempDir Path dir) throws Exception {
    byte[] gz = Files.readAllBytes(Path.of(Cli.MNIST_SAMPLE));
    byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 3);
    Path f = dir.resolve("cut-images-idx3-ubyte.gz");
    Files.write(f, cut);
    // What the cut stream decompresses to before it ends, read a byte array at a time.
    long held = 0;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(cut))) {
      byte[] buf = new byte[512];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        held += n;
      }
    } catch (java.io.EOFException e) {
      // the end of the cut
    }
    assertTrue(held > 1_000_000, "a third of the sample decompresses to megabytes: " + held);
    Cli.Result r = Cli.run("fit", "pca", "--input", f.toString(), "--k", "1", "--output", dir.resolve("o")
        .toString());
    assertEquals(2, r.code(), r.err());
    // The 16 header bytes are not pixels; the byte array reader above may stop up to one buffer short.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("found (\\d+)").matcher(r.err());
    assertTrue(m.find(), r.err());
    long found = Long.parseLong(m.group(1));
    assertTrue(Math.abs(found - (held - 16)) <= 512, "found " + found + ", decompressed " + held + ": " + r.err());
  }
}
