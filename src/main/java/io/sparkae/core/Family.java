package io.sparkae.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A model family as the command line sees it: its name ({@code sparkae fit NAME}), one line of description, a
 * factory for its estimator, its options as plain data, each naming the Param it sets, and which shared option
 * groups it takes. The CLI builds one {@code fit} subcommand per family registered in
 * {@code META-INF/services/io.sparkae.core.Family}, and takes each option's type and default from its Param; an
 * option not given leaves the Param at the estimator's default.
 */
public interface Family {
  /** The subcommand name, e.g. {@code pca}. */
  String name();

  /** One line for {@code --help}. */
  String description();

  /** A new estimator with default params. */
  AutoencoderEstimator<?, ?> newEstimator();

  /** The family's own options, beyond the shared input and output options and the groups of {@link #uses}. */
  List<Option> options();

  /** The shared option groups the family takes. */
  Set<Uses> uses();

  /** Shared option groups. */
  enum Uses {
    /** The minibatch SGD trainer's options: epochs, batch size, learning rate, checkpoints, ... */
    SGD_TRAINER,
    /** The variational estimators' options: hidden sizes, samples, KL weight and warm-up, latent dropout. */
    VARIATIONAL
  }

  /** Every family on the class path, in the order of the service files. */
  static List<Family> all() {
    List<Family> out = new ArrayList<>();
    ServiceLoader.load(Family.class, Family.class.getClassLoader()).forEach(out::add);
    return out;
  }

  /**
   * Turns an option's text into Param values by name, for options that are not one Param's plain value (e.g.
   * {@code --denoise dropout:0.2}); throws IllegalArgumentException with the option's message for bad text.
   */
  @FunctionalInterface
  interface Parser {
    Map<String, Object> params(String text);
  }

  /**
   * One command-line option: its name (e.g. {@code --max-iter}), the Param it sets (its type gives the option's; an
   * int array is a comma list), the help text (the Param's default is added to it), whether it is required, and for
   * a value that is not the Param's plain value a parser (the option then takes text).
   */
  record Option(String name, String param, String description, boolean required, Parser parser) {
    /** An option setting {@code param} to its value. */
    public static Option of(String name, String param, String description) {
      return new Option(name, param, description, false, null);
    }

    /** An option whose text {@code parser} turns into Param values; {@code param} gives the default shown. */
    public static Option parsed(String name, String param, String description, Parser parser) {
      return new Option(name, param, description, false, parser);
    }

    /**
     * Options from a table, one a line: {@code --name | param | description}, a {@code *} after the name for a
     * required option.
     */
    public static List<Option> table(String text) {
      List<Option> out = new ArrayList<>();
      for (String line : text.strip().split("\n")) {
        String[] cells = line.split("\\|", 3);
        if (cells.length != 3) {
          throw new IllegalArgumentException("option table line '" + line + "': expected --name | param | text");
        }
        String name = cells[0].strip();
        boolean required = name.endsWith("*");
        out.add(new Option(required ? name.substring(0, name.length() - 1) : name, cells[1].strip(),
            cells[2].strip(), required, null));
      }
      return out;
    }
  }

  /** A family given by its data: what a family's class extends. */
  abstract class Of implements Family {
    private final String name;
    private final String description;
    private final Supplier<? extends AutoencoderEstimator<?, ?>> factory;
    private final Set<Uses> uses;
    private final List<Option> options;

    /** A family with the options of {@code table} ({@link Option#table}) and {@code more}. */
    protected Of(String name, String description, Supplier<? extends AutoencoderEstimator<?, ?>> factory,
        Set<Uses> uses, String table, Option... more) {
      this.name = name;
      this.description = description;
      this.factory = factory;
      this.uses = uses.isEmpty() ? EnumSet.noneOf(Uses.class) : EnumSet.copyOf(uses);
      List<Option> all = new ArrayList<>(Option.table(table));
      all.addAll(Arrays.asList(more));
      this.options = List.copyOf(all);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public AutoencoderEstimator<?, ?> newEstimator() {
      return factory.get();
    }

    @Override
    public List<Option> options() {
      return options;
    }

    @Override
    public Set<Uses> uses() {
      return uses;
    }
  }
}
