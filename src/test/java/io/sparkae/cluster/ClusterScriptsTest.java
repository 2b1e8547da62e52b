package io.sparkae.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/cluster and jobs/submit as a user runs them: start a two-worker cluster (twice: the second start only
 * prints the URL), submit an application to it without naming the master, check that its executors were the
 * workers' children, stop the cluster and find every process gone. The scripts get the test classpath
 * (SPARKAE_CLASSPATH) and a test application jar (SPARKAE_APP_JAR, SPARKAE_MAIN_CLASS) instead of Maven's.
 */
@Tag("cluster")
class ClusterScriptsTest {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void clusterAndSubmitScriptsRunAnApplicationOnLoopback() throws Exception {
    Path base = StandaloneCluster.basedir();
    Path state = dir.resolve("state");
    Path appJar = AppJar.write(dir.resolve("sparkae-scripts-test-app.jar"),
        List.of(base.resolve("target/classes"), base.resolve("target/test-classes")));
    int port = freePort();
    int webUi = freePortRun(3);
    Map<String, String> env = Map.of(
        "SPARKAE_CLUSTER_DIR", state.toString(),
        "SPARKAE_MASTER_PORT", Integer.toString(port),
        "SPARKAE_MASTER_WEBUI_PORT", Integer.toString(webUi),
        "SPARKAE_CLASSPATH", StandaloneCluster.classpathJars().stream().map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)),
        "SPARKAE_APP_JAR", appJar.toString(),
        "SPARKAE_MAIN_CLASS", PcaClusterApp.class.getName(),
        "SPARKAE_DRIVER_MEMORY", "768m");
    String url = "spark://127.0.0.1:" + port;
    List<Long> daemons = new ArrayList<>();
    try {
      Run start = run(env, 120, "jobs/cluster", "start", "--workers", "2", "--memory", "1g");
      assertEquals(0, start.exit, start.toString());
      assertEquals(url, start.stdout.trim(), "start prints the master URL, and only that, on stdout");
      daemons.addAll(pids(state));
      assertEquals(3, daemons.size(), "a master and two workers: " + daemons);

      Run again = run(env, 60, "jobs/cluster", "start");
      assertEquals(0, again.exit, again.toString());
      assertEquals(url, again.stdout.trim(), "a second start prints the URL of the running cluster");
      assertEquals(daemons, pids(state), "a second start starts nothing");

      Run status = run(env, 60, "jobs/cluster", "status");
      assertEquals(0, status.exit, status.toString());
      assertTrue(status.stdout.contains("workers registered: 2"), status.toString());

      Path out = dir.resolve("out");
      // User JVM options are appended to the module options, not replacing them.
      String quick = "spark.executor.extraJavaOptions=" + StandaloneCluster.QUICK_JVM;
      String quickDriver = "spark.driver.extraJavaOptions=" + StandaloneCluster.QUICK_JVM;
      Run submit = run(env, 200, "jobs/submit", "--executor-memory", "512m", "--conf", quick, "--conf", quickDriver,
          "--", "--data", "2,2000,10,3,0.5,5",
          "--k", "3", "--solver", "exact", "--power-iterations", "1", "--executors", "2", "--out", out.toString());
      assertEquals(0, submit.exit, submit + "\n" + logs(state));
      assertTrue(submit.stderr.contains("--master " + url + " (from jobs/cluster)"), submit.toString());
      Properties r = new Properties();
      try (InputStream in = Files.newInputStream(out.resolve("result.properties"))) {
        r.load(in);
      }
      Set<Long> parents = new HashSet<>();
      for (int i = 0; i < Integer.parseInt(r.getProperty("executors")); i++) {
        String line = r.getProperty("executor." + i);
        assertTrue(line.contains("coarseGrained=true") && line.contains("moduleOptions=true")
            && line.contains("quickJit=true"), "module options and the user's options: " + line);
        assertTrue(line.contains("log4j=" + base.resolve("conf/log4j2.properties") + ";"), "log4j config: " + line);
        parents.add(Long.parseLong(line.replaceAll(".*;ppid=(\\d+);.*", "$1")));
      }
      assertEquals(new HashSet<>(daemons.subList(1, 3)), parents, "one executor under each worker: " + r);
      assertTrue(Files.isDirectory(out.resolve("model").resolve("metadata")), "the model was saved");
    } finally {
      Run stop = run(env, 60, "jobs/cluster", "stop");
      for (long pid : daemons) {
        ProcessHandle.of(pid).ifPresent(p -> {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        });
      }
      assertEquals(0, stop.exit, stop.toString());
    }
    // The daemons were orphans (their parent, the script, exited): give init a moment to reap them.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (long pid : daemons) {
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " stopped");
    }
    Run status = run(env, 60, "jobs/cluster", "status");
    assertEquals(3, status.exit, "status after stop: " + status);
  }

  private record Run(int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private Run run(Map<String, String> env, int seconds, String script, String... args) throws Exception {
    Path base = StandaloneCluster.basedir();
    List<String> cmd = new ArrayList<>(List.of("bash", base.resolve(script).toString()));
    cmd.addAll(List.of(args));
    Path so = Files.createTempFile(dir, "stdout", ".txt");
    Path se = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(so.toFile())
        .redirectError(se.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail(script + " " + String.join(" ", args) + " did not finish within " + seconds + " s\n"
          + Files.readString(se));
    }
    return new Run(p.exitValue(), Files.readString(so, StandardCharsets.UTF_8),
        Files.readString(se, StandardCharsets.UTF_8));
  }

  /** The pids jobs/cluster recorded: master first, then the workers. */
  private static List<Long> pids(Path state) throws IOException {
    List<Long> out = new ArrayList<>();
    Path pids = state.resolve("pids");
    out.add(Long.parseLong(Files.readString(pids.resolve("master.pid")).trim()));
    try (Stream<Path> s = Files.list(pids)) {
      for (Path p : s.filter(f -> f.getFileName().toString().startsWith("worker-")).sorted().toList()) {
        out.add(Long.parseLong(Files.readString(p).trim()));
      }
    }
    return out;
  }

  private static String logs(Path state) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.walk(state)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr"))
          .sorted().toList()) {
        List<String> lines = Files.readAllLines(p);
        b.append("---- ").append(p).append('\n');
        lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> b.append(l).append('\n'));
      }
    }
    return b.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The first of {@code n} consecutive free ports (the master's web UI, then one per worker). */
  private static int freePortRun(int n) {
    SplittableRandom r = new SplittableRandom();
    for (int attempt = 0; attempt < 100; attempt++) {
      // Below Linux's ephemeral range (32768-60999), so that no outgoing connection takes one meanwhile.
      int first = 20000 + r.nextInt(12000);
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          held.add(new ServerSocket(first + i, 1, InetAddress.getLoopbackAddress()));
        }
        return first;
      } catch (IOException busy) {
        // try another run
      } finally {
        for (ServerSocket s : held) {
          try {
            s.close();
          } catch (IOException e) {
            // ignore
          }
        }
      }
    }
    throw new IllegalStateException("no run of " + n + " free ports found");
  }
}
