package io.sparkae;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.testing.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of ARCHITECTURE.md, read from the source text of src/main/java (no Spark, no class loading):
 *
 * <pre>
 *   cli                        bench, report, core, data, linalg (a family only through core.Family)
 *   bench                      may use anything
 *   linear | neural | report   core, data, linalg; not each other
 *   evaluation                 core, data, linalg (the Spark ML evaluators)
 *   core                       data, linalg
 *   data                       linalg
 *   linalg                     nothing of sparkae
 * </pre>
 *
 * A dependency is an {@code import io.sparkae.X...} line or a fully qualified {@code io.sparkae.X...} name in the
 * code (comments and string literals do not count). Besides, classes are named by imports: a fully qualified class
 * name in the code ({@code java.util.Arrays.fill(...)}, {@code new org.apache.spark.ml.feature.PCA()}) fails,
 * unless its simple name is taken in that file by another class (imported, declared in the file, or a class of the
 * file's own package): two classes named {@code KMeansModel}, sparkae's and MLlib's, in one benchmark.
 */
class LayeringTest {
  /** What each top-level package under io.sparkae may import, besides itself. */
  static final Map<String, Set<String>> MAY_USE = Map.of(
      "cli", Set.of("bench", "report", "core", "data", "linalg"), // families only through core.Family
      "bench", Set.of("cli", "linear", "neural", "report", "evaluation", "core", "data", "linalg"),
      "linear", Set.of("core", "data", "linalg"),
      "neural", Set.of("core", "data", "linalg"),
      "report", Set.of("core", "data", "linalg"),
      "evaluation", Set.of("core", "data", "linalg"),
      "core", Set.of("data", "linalg"),
      "data", Set.of("linalg"),
      "linalg", Set.of());

  private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;");
  private static final Pattern SPARKAE = Pattern.compile("(?<![\\w.])io\\.sparkae\\.([a-z]\\w*)");
  /** A qualified class name: a package path, then a capitalised name (or Spark SQL's class {@code functions}). */
  private static final Pattern QUALIFIED = Pattern.compile(
      "(?<![\\w.])((?:io\\.sparkae|javax?|org|com|dev|scala|picocli)(?:\\.[a-z_][a-z0-9_]*)*?)\\.([A-Z]\\w*|functions\\b)");
  private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");

  private static final Path MAIN = Project.basedir().resolve("src/main/java");
  private static final Path ROOT = MAIN.resolve("io/sparkae");

  @Test
  void noPackageUsesOneAboveItOrASiblingItMustNot() {
    List<String> problems = new ArrayList<>();
    for (Path file : sources()) {
      String layer = layer(file);
      Set<String> allowed = MAY_USE.get(layer);
      if (allowed == null) {
        problems.add(name(file) + ": package io.sparkae." + layer + " has no layer (add it to LayeringTest and "
            + "ARCHITECTURE.md)");
        continue;
      }
      List<String> code = code(file);
      for (int i = 0; i < code.size(); i++) {
        Matcher m = SPARKAE.matcher(code.get(i));
        while (m.find()) {
          String target = m.group(1);
          if (!target.equals(layer) && !allowed.contains(target)) {
            problems.add(name(file) + ":" + (i + 1) + ": " + layer + " uses io.sparkae." + target
                + " (" + layer + " may use only " + (allowed.isEmpty() ? "itself" : String.join(", ",
                new TreeSet<>(allowed))) + ")");
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> message(problems, "layering"));
  }

  @Test
  void classesAreNamedByImportsNotInFull() {
    List<String> problems = new ArrayList<>();
    for (Path file : sources()) {
      List<String> code = code(file);
      Map<String, String> imported = new HashMap<>();
      Set<String> taken = new HashSet<>(siblings(file));
      String pkg = "";
      for (String line : code) {
        if (line.strip().startsWith("package ")) {
          pkg = line.strip().substring(8).replace(";", "").strip();
        }
        Matcher im = IMPORT.matcher(line.strip());
        if (im.find()) {
          String q = im.group(1);
          imported.put(q.substring(q.lastIndexOf('.') + 1), q);
        }
        Matcher d = DECLARED.matcher(line);
        while (d.find()) {
          taken.add(d.group(1));
        }
      }
      for (int i = 0; i < code.size(); i++) {
        String line = code.get(i).strip();
        if (line.startsWith("import ") || line.startsWith("package ")) {
          continue;
        }
        Matcher m = QUALIFIED.matcher(line);
        while (m.find()) {
          String simple = m.group(2);
          String full = m.group(1) + "." + simple;
          String other = imported.get(simple);
          boolean clash = (other != null && !other.equals(full))
              || (taken.contains(simple) && !m.group(1).equals(pkg));
          if (!clash) {
            problems.add(name(file) + ":" + (i + 1) + ": " + full + " in full; import it");
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> message(problems, "full class names"));
  }

  @Test
  void theCheckSeesWhatItShould() {
    List<String> stripped = strip("int a = 1; // java.util.List\nString s = \"org.x.Y\"; /* io.sparkae.cli.Main\n"
        + "*/ char c = '\"'; java.util.Arrays.fill(v, 0);\n");
    assertTrue(stripped.size() == 4, stripped.toString()); // three lines and the empty one after the last newline
    assertTrue(!QUALIFIED.matcher(stripped.get(0)).find() && !QUALIFIED.matcher(stripped.get(1)).find(),
        stripped.toString());
    Matcher m = QUALIFIED.matcher(stripped.get(2));
    assertTrue(m.find() && (m.group(1) + "." + m.group(2)).equals("java.util.Arrays"), stripped.get(2));
    Matcher f = QUALIFIED.matcher("x = org.apache.spark.sql.functions.col(\"a\");");
    assertTrue(f.find() && f.group(2).equals("functions"));
    assertTrue(!QUALIFIED.matcher("a.java.util.List b").find());
    assertTrue(sources().size() > 100, "read " + sources().size() + " files under " + ROOT);
  }

  private static String message(List<String> problems, String what) {
    return problems.size() + " " + what + " problem(s) in src/main/java (see ARCHITECTURE.md):\n  "
        + String.join("\n  ", problems);
  }

  private static List<Path> sources() {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The top-level package under io.sparkae: io/sparkae/linear/kmeans/KMeans.java is in "linear". */
  private static String layer(Path file) {
    Path rel = ROOT.relativize(file);
    return rel.getNameCount() < 2 ? "" : rel.getName(0).toString();
  }

  private static String name(Path file) {
    return MAIN.relativize(file).toString();
  }

  /** The simple names of the classes in the file's own package (they shadow imports of the same name). */
  private static Set<String> siblings(Path file) {
    try (Stream<Path> s = Files.list(file.getParent())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
          .map(n -> n.substring(0, n.length() - 5)).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> code(Path file) {
    try {
      return strip(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The source's lines with comments, string and character literals (text blocks included) blanked out, so that
   * line numbers stay those of the file.
   */
  static List<String> strip(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
        while (i < n && src.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        newlines(src, i, end, out);
        i = end;
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        end = end < 0 ? n : end + 3;
        newlines(src, i, end, out);
        out.append("\"\"");
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        out.append(c).append(c);
        i = Math.min(n, j + 1);
      } else {
        out.append(c);
        i++;
      }
    }
    return List.of(out.toString().split("\n", -1));
  }

  private static void newlines(String src, int from, int to, StringBuilder out) {
    for (int k = from; k < to; k++) {
      if (src.charAt(k) == '\n') {
        out.append('\n');
      }
    }
  }
}
