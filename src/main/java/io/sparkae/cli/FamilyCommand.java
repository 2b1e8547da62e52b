package io.sparkae.cli;

import io.sparkae.core.AutoencoderEstimator;
import io.sparkae.core.Family;
import io.sparkae.core.Family.Option;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code sparkae fit NAME}, built from a {@link Family}: the shared options (Spark, input, output and, when the
 * family has them, the trainer's) and the family's own, each typed by the Param it sets and showing that Param's
 * default. Options not given leave their Params at the estimator's defaults; the seed comes from {@code --seed}.
 */
final class FamilyCommand implements Callable<Integer> {
  private final Family family;
  private final SparkOptions spark = new SparkOptions();
  private final InputOptions input = new InputOptions();
  private final FitOptions output = new FitOptions();
  private final List<Bound> bound = new ArrayList<>();

  /** A family option and the picocli option holding its value. */
  private record Bound(Option option, OptionSpec spec) {}

  private FamilyCommand(Family family) {
    this.family = family;
  }

  /** The subcommand of {@code family}. */
  static CommandSpec of(Family family) {
    FamilyCommand c = new FamilyCommand(family);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(c);
    spec.name(family.name());
    spec.mixinStandardHelpOptions(true);
    spec.usageMessage().description(family.description());
    spec.addMixin("spark", CommandSpec.forAnnotatedObject(c.spark));
    spec.addMixin("input", CommandSpec.forAnnotatedObject(c.input));
    spec.addMixin("output", CommandSpec.forAnnotatedObject(c.output));
    List<Option> options = new ArrayList<>(family.options());
    if (family.uses().contains(Family.Uses.SGD_TRAINER)) {
      options.addAll(TrainingOptions.OPTIONS);
    }
    if (family.uses().contains(Family.Uses.VARIATIONAL)) {
      options.addAll(VariationalOptions.OPTIONS);
    }
    AutoencoderEstimator<?, ?> defaults = family.newEstimator();
    for (Option o : options) {
      OptionSpec os = optionSpec(o, defaults);
      spec.addOption(os);
      c.bound.add(new Bound(o, os));
    }
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    AutoencoderEstimator<?, ?> est = family.newEstimator();
    for (Bound b : bound) {
      Object value = b.spec().getValue();
      if (value == null) {
        continue;
      }
      if (b.option().parser() != null) {
        b.option().parser().params((String) value).forEach((name, v) -> set(est, name, v));
      } else {
        set(est, b.option().param(), value);
      }
    }
    est.setSeed(output.seed);
    return FitRunner.fit(family.name(), spark, input, output, est);
  }

  @SuppressWarnings("unchecked")
  private static void set(Params est, String param, Object value) {
    est.set((Param<Object>) est.getParam(param), value);
  }

  private static OptionSpec optionSpec(Option o, Params defaults) {
    Param<?> param = o.param() == null ? null : defaults.getParam(o.param());
    Class<?> type = o.parser() != null ? String.class : typeOf(param);
    String label = Arrays.stream(o.name().replaceFirst("^-+", "").split("-"))
        .map(w -> w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1))
        .collect(Collectors.joining());
    OptionSpec.Builder b = OptionSpec.builder(o.name()).type(type).required(o.required()).userObject(o)
        .paramLabel("<" + Character.toLowerCase(label.charAt(0)) + label.substring(1) + ">")
        .description(o.description() + (o.required() || o.description().contains("(default") ? ""
            : shownDefault(defaults, param)));
    if (type == Boolean.class) {
      boolean on = param != null && defaults.hasDefault(param) && (Boolean) defaults.getOrDefault(param);
      b.arity("0..1").fallbackValue("true").negatable(on);
    } else if (type == int[].class) {
      b.splitRegex(",");
    }
    return b.build();
  }

  /** The option type of a Param. */
  private static Class<?> typeOf(Param<?> p) {
    if (p instanceof IntParam) {
      return Integer.class;
    } else if (p instanceof LongParam) {
      return Long.class;
    } else if (p instanceof DoubleParam) {
      return Double.class;
    } else if (p instanceof BooleanParam) {
      return Boolean.class;
    } else if (p instanceof IntArrayParam) {
      return int[].class;
    } else if (p != null && p.getClass() == Param.class) {
      return String.class;
    }
    throw new IllegalStateException("no command-line type for param " + (p == null ? null : p.name()));
  }

  /** " (default: V)" from the estimator's default, or nothing when the default is empty or false. */
  private static String shownDefault(Params est, Param<?> p) {
    if (p == null || !est.hasDefault(p)) {
      return "";
    }
    Object v = est.getOrDefault(p);
    String shown;
    if (v instanceof Double d && d != 0 && Math.abs(d) < 1e-3) {
      String[] mantissaExponent = Double.toString(d).split("E");
      shown = mantissaExponent[0].replaceFirst("\\.0$", "") + "e" + mantissaExponent[1];
    } else if (v instanceof Double d) {
      shown = BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    } else if (v instanceof int[] a) {
      shown = a.length == 0 ? "" : Arrays.stream(a).mapToObj(String::valueOf).collect(Collectors.joining(","));
    } else if (Boolean.FALSE.equals(v)) {
      shown = "";
    } else {
      shown = String.valueOf(v);
    }
    return shown.isEmpty() ? "" : " (default: " + shown + ")";
  }

  /** The option of {@code spec} that sets {@code param}, or null when it has none. */
  static String optionFor(CommandSpec spec, String param) {
    for (OptionSpec os : spec.options()) {
      if (os.userObject() instanceof Option o && param.equals(o.param())) {
        return o.name();
      }
    }
    return null;
  }

  /** The documentation of {@code param} in the family estimator {@code uid} belongs to, or null. */
  static String paramDoc(String uid, String param) {
    int cut = uid.lastIndexOf('_');
    String prefix = cut > 0 ? uid.substring(0, cut) : uid;
    for (Family f : Family.all()) {
      Params p = f.newEstimator();
      if (p.uid().substring(0, p.uid().lastIndexOf('_')).equals(prefix) && p.hasParam(param)) {
        return p.getParam(param).doc();
      }
    }
    return null;
  }

  /** Every family's subcommand, for {@code fit}. */
  static Map<String, CommandSpec> all() {
    return Family.all().stream().collect(Collectors.toMap(Family::name, FamilyCommand::of, (a, b) -> {
      throw new IllegalStateException("two model families named " + a.name());
    }, LinkedHashMap::new));
  }
}
