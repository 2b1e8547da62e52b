package io.sparkae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Cli;
import io.sparkae.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalog of bad input (README, "Errors"): every case runs through the CLI in-process and must exit with its
 * code, print exactly one line, {@code sparkae: error: ...} holding the expected text, and leave no output and no
 * temporary folder behind. Each case's setup writes its files into the case's own folder; {@code OUT} in the
 * arguments is the output the job must not create.
 */
class ErrorCatalogTest extends SparkTest {
  private static final String SAMPLE = Cli.MNIST_SAMPLE;

  /** Builds a case's files in {@code dir} and returns the CLI arguments. */
  @FunctionalInterface
  interface Setup {
    String[] args(Path dir) throws Exception;
  }

  private static Arguments bad(String name, int code, String expected, Setup setup) {
    return Arguments.of(name, code, expected, setup);
  }

  private static String[] fitPca(Path input, Path dir, String... more) {
    List<String> a = new ArrayList<>(List.of("fit", "pca", "--input", input.toString(), "--k", "1", "--no-report",
        "--output", dir.resolve("OUT").toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  /** Rows of size d as JSON lines: row i holds i, i+1, ... (distinct rows, so PCA and k-means can fit). */
  private static Path json(Path dir, String name, int rows, int d) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      b.append("{\"features\":[");
      for (int j = 0; j < d; j++) {
        b.append(j > 0 ? "," : "").append((i * 7 + j * j) % 11 + 0.5 * j);
      }
      b.append("]}\n");
    }
    return write(dir, name, b.toString());
  }

  /** A fitted PCA on d-dimensional rows, in {@code dir/model-d}. */
  private static Path model(Path dir, int d) throws IOException {
    Path m = dir.resolve("model-" + d);
    Cli.Result r = Cli.run("fit", "pca", "--input", json(dir, "train-" + d + ".json", 20, d).toString(), "--k", "2",
        "--no-report", "--output", m.toString());
    assertEquals(0, r.code(), r.err());
    return m;
  }

  /** A tiny autoencoder fit with checkpoints in {@code dir/ck}; returns its arguments without the output. */
  private static List<String> autoencoder(Path dir, String seed) throws IOException {
    Path in = json(dir, "ae.json", 40, 4);
    return new ArrayList<>(List.of("fit", "autoencoder", "--input", in.toString(), "--layers", "4,2", "--epochs", "1",
        "--batch-size", "8", "--no-report", "--checkpoint-dir", dir.resolve("ck").toString(), "--checkpoint-every", "1",
        "--seed", seed));
  }

  static Stream<Arguments> catalog() {
    return Stream.of(
        // Outputs, checked before any data is read.
        bad("output under /proc (not writable)", 2, "cannot write the output /proc/sparkae-catalog/out",
            d -> new String[] {"fit", "pca", "--input", SAMPLE, "--k", "1", "--output", "/proc/sparkae-catalog/out"}),
        bad("output exists", 2, "already exists; pass --overwrite", d -> {
          Files.createDirectories(d.resolve("OUT"));
          Files.writeString(d.resolve("OUT/keep.txt"), "x");
          return fitPca(json(d, "in.json", 5, 3), d);
        }),
        bad("--overwrite of the folder holding the input", 2, "--overwrite would delete", d ->
            fitPca(json(d, "OUT/in/good.json", 5, 3), d, "--overwrite")),
        bad("--overwrite of the folder holding the model", 2, "which holds the model", d -> {
          Path m = model(d, 3);
          Files.move(m, Files.createDirectories(d.resolve("OUT")).resolve("m"));
          return new String[] {"transform", "--model", d.resolve("OUT/m").toString(), "--input",
              json(d, "x.json", 3, 3).toString(), "--output", d.resolve("OUT").toString(), "--overwrite"};
        }),
        bad("report --output onto the saved model", 2, "report would replace", d -> {
          Path m = model(d, 3);
          Files.move(m, d.resolve("OUT"));
          return new String[] {"report", "--model", d.resolve("OUT").toString(), "--output",
              d.resolve("OUT/model").toString()};
        }),
        bad("--checkpoint-dir inside --output", 2, "is inside --output", d -> {
          List<String> a = autoencoder(d, "1");
          a.set(a.indexOf("--checkpoint-dir") + 1, d.resolve("OUT/ck").toString());
          a.addAll(List.of("--output", d.resolve("OUT").toString()));
          return a.toArray(new String[0]);
        }),
        bad("--checkpoint-dir not writable", 2, "cannot write --checkpoint-dir /proc/sparkae-catalog/ck", d -> {
          List<String> a = autoencoder(d, "1");
          a.set(a.indexOf("--checkpoint-dir") + 1, "/proc/sparkae-catalog/ck");
          a.addAll(List.of("--output", d.resolve("OUT").toString()));
          return a.toArray(new String[0]);
        }),
        // Bad values found inside Spark tasks.
        bad("NaN in JSON", 2, "row 1 holds NaN at index 1",
            d -> fitPca(write(d, "nan.json", "{\"features\":[1,2,3]}\n{\"features\":[1,NaN,3]}\n"), d)),
        bad("mixed vector sizes", 2, "has size 2, expected 3",
            d -> fitPca(write(d, "sizes.json", "{\"features\":[1,2,3]}\n{\"features\":[1,2]}\n"), d)),
        bad("negative values for NMF", 2, "row 1 holds -2.0 at index 1: NMF needs nonnegative data",
            d -> new String[] {"fit", "nmf", "--input",
                write(d, "neg.json", "{\"features\":[1,2,3]}\n{\"features\":[1,-2,3]}\n").toString(), "--rank", "1",
                "--no-report", "--output", d.resolve("OUT").toString()}),
        bad("CSV: empty cell", 2, "neg.csv, line 3, column 2 ('b') is empty",
            d -> fitPca(write(d, "neg.csv", "a,b,c\n1,2,3\n4,,6\n"), d, "--option", "header=true")),
        bad("CSV: NaN cell", 2, "nan.csv, line 2, column 3 ('_c2') holds NaN",
            d -> fitPca(write(d, "nan.csv", "1,2,3\n4,5,NaN\n"), d)),
        bad("CSV: 'null' in a number column", 2, "null.csv, line 2, column 2 ('_c1') is empty (or null)",
            d -> fitPca(write(d, "null.csv", "1,2,3\n4,null,6\n"), d)),
        bad("CSV: header only, header=true", 2, "it holds only a header",
            d -> fitPca(write(d, "head.csv", "a,b,c\n"), d, "--option", "header=true")),
        bad("CSV: header only, no header option", 2, "it holds one line, of names",
            d -> fitPca(write(d, "head.csv", "a,b,c\n"), d)),
        bad("a 5-d model on 3-d data", 2, "the model takes rows of size 5 but", d -> new String[] {"transform",
            "--model", model(d, 5).toString(), "--input", json(d, "x3.json", 3, 3).toString(), "--output",
            d.resolve("OUT").toString()}),
        bad("evaluate: a 5-d model on 3-d data", 2, "the model takes rows of size 5 but", d -> new String[] {
            "evaluate", "--model", model(d, 5).toString(), "--input", json(d, "x3.json", 3, 3).toString()}),
        bad("a truncated model data file", 2, "corrupt model at ", d -> {
          Path m = model(d, 3);
          try (Stream<Path> files = Files.walk(m.resolve("model/data"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
              byte[] b = Files.readAllBytes(f);
              Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
            }
          }
          try (Stream<Path> crc = Files.walk(m)) {
            for (Path f : crc.filter(f -> f.getFileName().toString().endsWith(".crc")).toList()) {
              Files.delete(f);
            }
          }
          return new String[] {"transform", "--model", m.toString(), "--input", json(d, "x.json", 3, 3).toString(),
              "--output", d.resolve("OUT").toString()};
        }),
        // Inputs.
        bad("missing input", 2, "no data at", d -> fitPca(d.resolve("nope.parquet"), d)),
        bad("empty folder read as Parquet", 2, "no data in the folder", d ->
            fitPca(Files.createDirectories(d.resolve("empty.parquet")), d)),
        bad("unknown format", 2, "unknown format 'xls'", d -> fitPca(json(d, "in.json", 3, 3), d, "--format", "xls")),
        bad("truncated gzipped IDX", 2, "is truncated: header promises", d -> {
          byte[] gz = Files.readAllBytes(Path.of(SAMPLE));
          return fitPca(Files.write(d.resolve("cut-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(gz, gz.length / 2)),
              d);
        }),
        bad("no model", 2, "no model at", d -> new String[] {"transform", "--model", d.resolve("none").toString(),
            "--input", SAMPLE, "--output", d.resolve("OUT").toString()}),
        // Options.
        bad("parameter out of range", 2, "--k 0 is invalid: number of principal components (>= 1",
            d -> new String[] {"fit", "pca", "--input", SAMPLE, "--k", "0", "--output", d.resolve("OUT").toString()}),
        bad("not a number", 2, "Invalid value for option '--k': 'abc' is not an int (see 'sparkae fit pca --help')",
            d -> new String[] {"fit", "pca", "--input", SAMPLE, "--k", "abc", "--output", d.resolve("OUT").toString()}),
        bad("missing option", 2, "Missing required option: '--output=<output>'",
            d -> new String[] {"fit", "pca", "--input", SAMPLE, "--k", "2"}),
        bad("--partitions 0", 2, "--partitions 0 must be a positive integer",
            d -> fitPca(json(d, "in.json", 3, 3), d, "--partitions", "0")),
        bad("unreadable --config", 2, "cannot read the job configuration file",
            d -> new String[] {"fit", "pca", "--config", d.resolve("none.properties").toString()}),
        // Checkpoints.
        bad("--resume with another seed", 2, "it belongs to another fit: seed 1 there, 2 here", d -> {
          List<String> first = autoencoder(d, "1");
          first.addAll(List.of("--output", d.resolve("first").toString()));
          Cli.Result r = Cli.run(first.toArray(new String[0]));
          assertEquals(0, r.code(), r.err());
          deleteTree(d.resolve("first"));
          List<String> a = autoencoder(d, "2");
          a.addAll(List.of("--resume", "--output", d.resolve("OUT").toString()));
          return a.toArray(new String[0]);
        }),
        bad("truncated checkpoint", 2, "ends before its data does (truncated)", d -> {
          Files.createDirectories(d.resolve("ck"));
          Files.write(d.resolve("ck/checkpoint.bin"), new byte[] {0x53, 0x41, 0x45, 0x31, 0, 0, 0, 3, 0});
          List<String> a = autoencoder(d, "1");
          a.addAll(List.of("--resume", "--output", d.resolve("OUT").toString()));
          return a.toArray(new String[0]);
        }));
  }

  static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalog")
  void badInputGivesOneLineAndLeavesNothing(String name, int code, String expected, Setup setup, @TempDir Path dir)
      throws Exception {
    spark();
    List<Path> before;
    String[] args = setup.args(dir);
    try (Stream<Path> s = Files.walk(dir)) {
      before = s.toList();
    }
    Cli.Result r = Cli.run(args);
    String err = r.err().strip();
    assertEquals(code, r.code(), name + ": " + err);
    assertFalse(err.contains("\n"), name + ": one line expected, got:\n" + err);
    assertTrue(err.startsWith("sparkae: error: "), name + ": " + err);
    assertTrue(err.contains(expected), name + ": expected '" + expected + "' in: " + err);
    assertFalse(Files.exists(dir.resolve("OUT")) && !before.contains(dir.resolve("OUT")), name + ": output left");
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> added = s.filter(p -> !before.contains(p)).toList();
      assertTrue(added.isEmpty(), name + ": left behind " + added);
    }
  }
}
