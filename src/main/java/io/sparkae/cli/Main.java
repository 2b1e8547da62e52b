package io.sparkae.cli;

import io.sparkae.bench.Benchmarks;
import io.sparkae.core.SparkErrors;
import io.sparkae.core.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The spark-submit entry point: {@code sparkae fit|transform|evaluate|report|sample|bench ...}. Commands only parse
 * options, build an estimator, fit or transform, and write outputs. {@code --config FILE} supplies option values
 * from a properties file (keys are long option names, e.g. {@code k=50}, optionally qualified by the command,
 * e.g. {@code fit.pca.k=50}); options given on the command line win. Flags are declared
 * {@code arity = "0..1", fallbackValue = "true"}: a plain picocli flag takes the opposite of its default, so
 * {@code --overwrite} over a file's {@code overwrite=true} would have turned overwriting off.
 */
@Command(name = "sparkae", mixinStandardHelpOptions = true, version = "sparkae " + Version.SPARKAE,
    description = "Representation learning on Apache Spark: every model is an autoencoder.",
    subcommands = {FitCommand.class, TransformCommand.class, EvaluateCommand.class, ReportCommand.class,
        BenchCommand.class, SampleCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = run(args);
    // Stop Spark before exiting so that spark-submit and the cluster see a clean end of the application.
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the CLI and returns its exit code: 0 success, 1 failure, 2 bad usage or bad input. */
  public static int run(String... args) {
    System.setProperty("java.awt.headless", "true");
    CommandLine cmd = new CommandLine(new Main());
    FitCommand.addFamilies(cmd.getSubcommands().get("fit"));
    // bench NAME --help is the benchmark's help: everything after NAME goes to the benchmark.
    CommandLine bench = cmd.getSubcommands().get("bench");
    bench.setStopAtPositional(true);
    bench.getCommandSpec().usageMessage().footer("%nBenchmarks:%n" + Benchmarks.list().replace("%", "%%"));
    boolean verbose = Arrays.asList(args).contains("--verbose")
        || Arrays.asList(args).contains("--verbose=true");
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable t = SparkErrors.inputError(e) != null ? SparkErrors.inputError(e) : e;
      commandLine.getErr().println("sparkae: error: " + ErrorLines.message(t, commandLine));
      if (verbose || Boolean.getBoolean("sparkae.stacktrace")) {
        e.printStackTrace(commandLine.getErr());
      }
      return t instanceof IllegalArgumentException ? 2 : 1;
    });
    // Bad usage: one line too (picocli would print the whole usage help after it).
    cmd.setParameterExceptionHandler((ex, badArgs) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("sparkae: error: " + ErrorLines.oneLine(ex.getMessage()) + " (see '"
          + c.getCommandSpec().qualifiedName() + " --help')");
      return 2;
    });
    try {
      Properties config = configFrom(args);
      if (config != null) {
        cmd.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(config));
      }
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("sparkae: error: " + e.getMessage());
      return 2;
    }
    Runnable restore = ErrorLines.quietTaskFailures(verbose);
    try {
      return cmd.execute(args);
    } finally {
      restore.run();
    }
  }

  /** The properties of {@code --config FILE} (or {@code --config=FILE}) if given. */
  static Properties configFrom(String[] args) throws IOException {
    String file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      }
    }
    if (file == null) {
      return null;
    }
    if (!Files.isReadable(Paths.get(file))) {
      throw new IllegalArgumentException("cannot read the job configuration file " + file);
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(Paths.get(file))) {
      p.load(in);
    }
    return p;
  }
}
