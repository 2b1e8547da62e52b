package io.sparkae.cluster;

import io.sparkae.testing.Project;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on loopback for tests, started the way jobs/cluster starts one: a master and N
 * workers, each its own JVM, from the jars on the test classpath (symlinked into SPARK_HOME/jars, where a worker
 * takes its executors' classpath from), with the module options of conf/spark-defaults.conf in every JVM. Drivers
 * are submitted with {@code org.apache.spark.deploy.SparkSubmit}. {@link #close} (also run by a shutdown hook)
 * stops every process it started and their descendants (the executors).
 */
final class StandaloneCluster implements AutoCloseable {
  /**
   * For every JVM of a test cluster: the quick JIT only and the serial collector. Short runs on small data spend
   * most of their CPU compiling Spark with C2 (measured: about half of a trivial app's CPU time); results do not
   * depend on the JIT (Java floating point is strict), and BLAS is native where the system has it.
   */
  static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final Path dir;
  private final Path sparkHome;
  private final List<String> moduleOptions;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::destroyAll, "stop-standalone-cluster");
  private String masterUrl;
  private int webUiPort;

  private StandaloneCluster(Path dir) {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.moduleOptions = moduleOptions();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a master and {@code workers} workers (1 core and {@code workerMemory} each) and waits for them. */
  static StandaloneCluster start(Path dir, int workers, String workerMemory, Duration timeout) {
    StandaloneCluster c = new StandaloneCluster(dir);
    try {
      c.startAll(workers, workerMemory, timeout);
      return c;
    } catch (RuntimeException | Error e) {
      String logs = c.logTails();
      c.close();
      throw new IllegalStateException("the standalone cluster did not start: " + e.getMessage() + "\n" + logs, e);
    }
  }

  private void startAll(int workerCount, String workerMemory, Duration timeout) {
    try {
      Path jars = Files.createDirectories(sparkHome.resolve("jars"));
      for (Path jar : classpathJars()) {
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, jar);
        }
      }
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int masterPort = freePort();
    webUiPort = freePort();
    masterUrl = "spark://127.0.0.1:" + masterPort;
    Process master = launch("master", List.of("-Dspark.master.rest.enabled=false",
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(masterPort),
        "--webui-port", Integer.toString(webUiPort)));
    long deadline = System.nanoTime() + timeout.toNanos();
    awaitAliveWorkers(0, deadline, List.of(master));
    for (int i = 1; i <= workerCount; i++) {
      Path work = dir.resolve("work-" + i);
      workers.add(launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", masterUrl,
          "--host", "127.0.0.1", "--webui-port", Integer.toString(freePort()), "--cores", "1",
          "--memory", workerMemory, "--work-dir", work.toString())));
    }
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    awaitAliveWorkers(workerCount, deadline, all);
  }

  String masterUrl() {
    return masterUrl;
  }

  List<Long> workerPids() {
    return workers.stream().map(Process::pid).collect(Collectors.toList());
  }

  /**
   * Starts a driver: {@code SparkSubmit --master URL --properties-file conf/spark-defaults.conf --class main jar
   * args}, logging to {@code log}; the driver's and the executors' JVMs get the module options and the test
   * logging configuration. The app jar is the driver's only source of sparkae classes.
   */
  Process submit(Path appJar, String mainClass, List<String> conf, List<String> args, Path log) {
    Path base = basedir();
    String logConfig = "-Dlog4j.configurationFile=" + base.resolve("conf/log4j2-test.properties");
    String javaOpts = String.join(" ", moduleOptions) + " " + QUICK_JVM + " " + logConfig;
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx768m"));
    cmd.addAll(moduleOptions);
    cmd.addAll(Arrays.asList(QUICK_JVM.split(" ")));
    cmd.addAll(List.of(logConfig, "-cp", sparkHome.resolve("jars") + File.separator + "*",
        "org.apache.spark.deploy.SparkSubmit", "--master", masterUrl,
        "--properties-file", base.resolve("conf/spark-defaults.conf").toString(),
        "--conf", "spark.driver.extraJavaOptions=" + javaOpts,
        "--conf", "spark.executor.extraJavaOptions=" + javaOpts,
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1"));
    for (String c : conf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    cmd.addAll(List.of("--class", mainClass, appJar.toString()));
    cmd.addAll(args);
    return start(cmd, log);
  }

  /** This cluster's executor JVMs (descendants of its workers) of the application {@code appId}. */
  List<ProcessHandle> executors(String appId) {
    return workers.stream().flatMap(Process::descendants)
        .filter(p -> {
          String c = p.info().commandLine().orElse("");
          return c.contains("CoarseGrainedExecutorBackend") && c.contains(appId);
        })
        .collect(Collectors.toList());
  }

  /** The executor JVM with Spark executor id {@code executorId} of {@code appId}, if it runs. */
  Optional<ProcessHandle> executor(String appId, String executorId) {
    return executors(appId).stream().filter(p -> {
      List<String> a = Arrays.asList(p.info().arguments().orElse(new String[0]));
      int i = a.indexOf("--executor-id");
      return i >= 0 && i + 1 < a.size() && a.get(i + 1).equals(executorId);
    }).findFirst();
  }

  /** The last lines of every log: the daemons', the drivers' and the executors' (stdout and stderr). */
  String logTails() {
    List<Path> all = new ArrayList<>(logs);
    try (Stream<Path> s = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
      s.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("work-"))
          .sorted().forEach(all::add);
    } catch (IOException e) {
      // diagnostics only
    }
    StringBuilder b = new StringBuilder();
    for (Path p : all) {
      b.append("---- ").append(p).append('\n');
      try {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> b.append(l).append('\n'));
      } catch (IOException | UncheckedIOException e) {
        b.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  /**
   * Stops drivers, workers and master (newest first) with TERM, so that a worker stops its executors; whatever
   * is left of them or their descendants after 10 s is killed.
   */
  private synchronized void destroyAll() {
    List<ProcessHandle> everything = new ArrayList<>();
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      everything.add(p.toHandle());
      p.descendants().forEach(everything::add);
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : everything) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        // killed below
      }
    }
    for (ProcessHandle h : everything) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : everything) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // nothing more to do
      }
    }
    processes.clear();
  }

  private Process launch(String name, List<String> mainAndArgs) {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m"));
    cmd.addAll(Arrays.asList(QUICK_JVM.split(" ")));
    cmd.addAll(moduleOptions);
    cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + File.separator + "*"));
    cmd.addAll(mainAndArgs);
    return start(cmd, dir.resolve("logs").resolve(name + ".log"));
  }

  private synchronized Process start(List<String> cmd, Path log) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    env.remove("SPARK_CONF_DIR");
    try {
      Process p = pb.start();
      processes.add(p);
      logs.add(log);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd.get(0), e);
    }
  }

  private void awaitAliveWorkers(int n, long deadline, List<Process> mustLive) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
        .timeout(Duration.ofSeconds(3)).build();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : mustLive) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a daemon exited (pid " + p.pid() + ", exit " + p.exitValue() + ")");
        }
      }
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        Matcher m = ALIVE_WORKERS.matcher(r.body());
        if (r.statusCode() == 200 && m.find()) {
          last = m.group(0);
          if (Integer.parseInt(m.group(1)) >= n) {
            return;
          }
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("timed out waiting for " + n + " workers to register (master's JSON: " + last
        + ")");
  }

  /** The repository root (surefire passes it; else the working directory). */
  static Path basedir() {
    return Project.basedir();
  }

  /**
   * The jars of the test classpath (Spark included: it is provided scope). Surefire puts the whole test
   * classpath in the system property {@code surefire.test.class.path} even when the JVM itself runs from a
   * manifest-only jar; outside surefire, {@code java.class.path}.
   */
  static List<Path> classpathJars() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isEmpty()) {
      cp = System.getProperty("java.class.path");
    }
    List<Path> jars = new ArrayList<>();
    for (String e : cp.split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (e.endsWith(".jar") && Files.isRegularFile(p) && !p.getFileName().toString().startsWith("surefire")) {
        jars.add(p.toAbsolutePath());
      }
    }
    if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("spark-core_2.13-"))) {
      throw new IllegalStateException("no spark-core_2.13 jar on the test classpath: " + cp);
    }
    return jars;
  }

  /**
   * spark.executor.extraJavaOptions of conf/spark-defaults.conf: the module options every JVM needs, plus the test
   * JVM's netlib switches (mvn test -Dsparkae.javaBlas), so that every JVM of a cluster test runs the same BLAS.
   */
  static List<String> moduleOptions() {
    Path conf = basedir().resolve("conf/spark-defaults.conf");
    try {
      for (String line : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
        if (line.startsWith("spark.executor.extraJavaOptions")) {
          String v = line.substring("spark.executor.extraJavaOptions".length()).trim();
          List<String> opts = new ArrayList<>(Arrays.asList(v.split("\\s+")));
          for (String key : new String[] {"dev.ludovic.netlib.blas.allowNative",
              "dev.ludovic.netlib.lapack.allowNative"}) {
            String value = System.getProperty(key);
            if (value != null) {
              opts.add("-D" + key + "=" + value);
            }
          }
          return opts;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(conf + " has no spark.executor.extraJavaOptions line");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
