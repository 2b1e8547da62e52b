package io.sparkae.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.Family;
import io.sparkae.testing.Project;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.connect.ml.MLUtils$;
import org.apache.spark.sql.connect.ml.Serializer$;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * sparkae's stages as the Spark Connect server of Spark 4.2.0 finds and builds them (spark-connect_2.13, package
 * org.apache.spark.sql.connect.ml), checked with the server's own code where it is public:
 *
 * <ul>
 *   <li>{@code MLUtils.loadOperators(Estimator | Transformer)} runs {@code ServiceLoader.load(type).stream()} and
 *       maps each provider's class name to its class; ServiceLoader needs a public no-argument constructor of every
 *       listed class, and one bad line throws for the whole file (Spark's own stages too);</li>
 *   <li>{@code MLUtils.getInstance} builds a named stage with {@code getConstructor(String.class)} (the uid), then
 *       {@code setInstanceParams}: a literal is set through {@code Param.dataClass()} (primitives, String and
 *       arrays of them; a Param without a data class takes a String or Boolean literal as it is; Vector and Matrix
 *       come as UDT structs);</li>
 *   <li>{@code MLUtils.loadOperator} reads a stage with its static {@code load(String)} ({@code read()} for the
 *       server's local offloading), and {@code MlCommand.Read}'s answer serialises every set Param with
 *       {@code Serializer.serializeParam} (Vector, Matrix, boxed primitives, String, arrays; anything else is
 *       {@code MlUnsupportedException}).</li>
 * </ul>
 */
class ConnectRegistryTest {
  static final String ESTIMATORS = "META-INF/services/org.apache.spark.ml.Estimator";
  static final String MODELS = "META-INF/services/org.apache.spark.ml.Transformer";

  /** The class names one of sparkae's services files lists (src/main/resources, not mllib's file of that name). */
  static List<String> listed(String file) throws IOException {
    return Files.readAllLines(Project.basedir().resolve("src/main/resources").resolve(file), StandardCharsets.UTF_8)
        .stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
  }

  /** Every public concrete class of target/classes/io/sparkae that extends {@code base}. */
  private static Set<String> concrete(Class<?> base) throws IOException, ClassNotFoundException {
    Path root = Project.basedir().resolve("target/classes");
    Set<String> out = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root.resolve("io/sparkae"))) {
      files = s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
    }
    for (Path p : files) {
      String rel = root.relativize(p).toString();
      String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
      Class<?> c = Class.forName(name, false, ConnectRegistryTest.class.getClassLoader());
      int m = c.getModifiers();
      if (base.isAssignableFrom(c) && Modifier.isPublic(m) && !Modifier.isAbstract(m) && !c.isInterface()) {
        out.add(name);
      }
    }
    return out;
  }

  @Test
  void servicesFilesListEveryConcreteEstimatorAndModel() throws Exception {
    assertEquals(concrete(AutoencoderEstimator.class), new TreeSet<>(listed(ESTIMATORS)),
        "every concrete AutoencoderEstimator, and nothing else, in " + ESTIMATORS);
    assertEquals(concrete(AutoencoderModel.class), new TreeSet<>(listed(MODELS)),
        "every concrete AutoencoderModel, and nothing else, in " + MODELS);
    Set<String> families = Family.all().stream().map(f -> f.newEstimator().getClass().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(families, new TreeSet<>(listed(ESTIMATORS)), "one estimator per family of io.sparkae.core.Family");
  }

  /** What the Connect server itself finds: its ServiceLoader map holds every sparkae stage and still Spark's. */
  @Test
  void connectServerFindsEveryStage() throws Exception {
    Map<String, Class<?>> estimators = CollectionConverters.asJava(MLUtils$.MODULE$.loadOperators(Estimator.class));
    Map<String, Class<?>> transformers =
        CollectionConverters.asJava(MLUtils$.MODULE$.loadOperators(Transformer.class));
    for (String name : listed(ESTIMATORS)) {
      assertEquals(Class.forName(name), estimators.get(name), name);
    }
    for (String name : listed(MODELS)) {
      assertEquals(Class.forName(name), transformers.get(name), name);
    }
    assertTrue(estimators.containsKey("org.apache.spark.ml.feature.PCA"), "Spark's own estimators are still found");
    assertTrue(transformers.containsKey("org.apache.spark.ml.feature.PCAModel"), "Spark's own models too");
  }

  @Test
  void everyStageHasTheConstructorsAndLoadersConnectCalls() throws Exception {
    List<String> problems = new ArrayList<>();
    for (String name : all()) {
      Class<?> c = Class.forName(name);
      try {
        Constructor<?> none = c.getConstructor();
        Constructor<?> byUid = c.getConstructor(String.class);
        Params p = (Params) byUid.newInstance("connect-uid-1");
        if (!"connect-uid-1".equals(p.uid())) {
          problems.add(name + ": (String uid) constructor gave uid " + p.uid());
        }
        Params q = (Params) none.newInstance();
        if (q.uid() == null || q.uid().isEmpty()) {
          problems.add(name + ": no-argument constructor gave no uid");
        }
      } catch (NoSuchMethodException e) {
        problems.add(name + ": missing public constructor " + e.getMessage());
      }
      try {
        Method load = c.getMethod("load", String.class);
        Method read = c.getMethod("read");
        if (!Modifier.isStatic(load.getModifiers()) || !c.isAssignableFrom(load.getReturnType())) {
          problems.add(name + ": load(String) must be static and return " + c.getSimpleName());
        }
        if (!Modifier.isStatic(read.getModifiers()) || !MLReader.class.isAssignableFrom(read.getReturnType())) {
          problems.add(name + ": read() must be static and return an MLReader");
        }
      } catch (NoSuchMethodException e) {
        problems.add(name + ": missing " + e.getMessage());
      }
    }
    assertEquals(List.of(), problems);
  }

  /** A model made by those constructors holds nothing: it says so instead of failing on a null. */
  @Test
  void emptyModelsRefuseWorkWithAClearMessage() throws Exception {
    for (String name : listed(MODELS)) {
      AutoencoderModel<?> empty = (AutoencoderModel<?>) Class.forName(name).getConstructor(String.class)
          .newInstance("empty-1");
      IllegalStateException e = assertThrows(IllegalStateException.class, empty::write, name);
      assertEquals(Class.forName(name).getSimpleName() + " empty-1 is empty (made by its no-argument or uid "
          + "constructor, which Spark Connect needs): fit an estimator or load a saved model instead", e.getMessage());
      assertThrows(IllegalStateException.class, empty::describe, name);
      assertEquals(Class.forName(name).getSimpleName() + ": uid=empty-1 (empty)", empty.toString());
    }
  }

  /**
   * Every Param of every stage goes through the server's own code in both directions: its value (the default, or
   * a sample of its data class) serialised as {@code MlCommand.Read}'s answer does, then set on a new instance by
   * {@code setInstanceParams} as a client's {@code Fit} or {@code Transform} params are; the value read back equals
   * it.
   */
  @Test
  void everyParamIsOneConnectCanSetAndSend() throws Exception {
    List<String> problems = new ArrayList<>();
    for (String name : all()) {
      Constructor<?> byUid = Class.forName(name).getConstructor(String.class);
      Params stage = (Params) byUid.newInstance("p");
      for (Param<?> param : stage.params()) {
        String where = name + "." + param.name();
        Object value = stage.hasDefault(param) ? stage.getDefault(param).get() : sample(param.dataClass());
        if (value == null) {
          problems.add(where + ": no default and no data class, so no value a client could send is known");
          continue;
        }
        try {
          Expression.Literal literal = Serializer$.MODULE$.serializeParam(value);
          Params fresh = (Params) byUid.newInstance("p");
          MLUtils$.MODULE$.setInstanceParams(fresh, MlParams.newBuilder().putParams(param.name(), literal).build());
          @SuppressWarnings("unchecked")
          Object back = fresh.getOrDefault((Param<Object>) fresh.getParam(param.name()));
          if (!fresh.isSet(fresh.getParam(param.name())) || !Objects.deepEquals(value, back)) {
            problems.add(where + ": sent " + show(value) + ", set " + show(back));
          }
        } catch (Exception e) {
          problems.add(where + " (" + param.getClass().getSimpleName() + ", data class "
              + (param.dataClass() == null ? "none" : param.dataClass().getSimpleName()) + ", value "
              + show(value) + "): " + e);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  private static List<String> all() throws IOException {
    List<String> out = new ArrayList<>(listed(ESTIMATORS));
    out.addAll(listed(MODELS));
    return out;
  }

  /** A valid value of a Param that has no default, by its data class; null when the class gives none. */
  private static Object sample(Class<?> type) {
    if (type == null) {
      return null;
    }
    Map<Class<?>, Object> samples = Map.of(Integer.TYPE, 1, Long.TYPE, 1L, Double.TYPE, 0.5, Float.TYPE, 0.5f,
        Boolean.TYPE, true, String.class, "x", String[].class, new String[] {"x"}, int[].class, new int[] {1},
        double[].class, new double[] {0.5}, double[][].class, new double[][] {{0.5}});
    return samples.get(type);
  }

  private static String show(Object v) {
    return v == null ? "null" : v.getClass().isArray() ? v.getClass().getSimpleName() + " " + deep(v)
        : v.getClass().getSimpleName() + " " + v;
  }

  private static String deep(Object array) {
    return Arrays.deepToString(new Object[] {array});
  }
}
