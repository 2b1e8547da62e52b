package io.sparkae.cluster;

import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * The test-only application the cluster tests submit with SparkSubmit: waits for its executors, records who they
 * are (pid, parent pid, command line, where they loaded sparkae from), fits PCA on {@link ClusterData} and saves the
 * model. With {@code --kill-hook true}, the executor that first generates the last partition during the fit names
 * itself in {@code DIR/kill-me} and waits to be killed (see {@link ClusterData#frame(SparkSession,
 * ClusterData.Spec, String)}).
 *
 * <pre>
 * PcaClusterApp --data P,R,D,K,NOISE,SEED --k K --solver exact|randomized --power-iterations Q --executors N
 *               --out DIR [--kill-hook true]
 * </pre>
 *
 * Writes DIR/model (the PCAModel) and DIR/result.properties.
 */
public final class PcaClusterApp {
  private PcaClusterApp() {}

  public static void main(String[] args) throws Exception {
    long mainStart = System.currentTimeMillis();
    Args a = new Args(args);
    Path out = Path.of(a.get("--out"));
    Files.createDirectories(out);
    SparkSession spark = SparkSession.builder().appName("sparkae-cluster-test").getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Properties result = new Properties();
      result.setProperty("appId", jsc.sc().applicationId());
      result.setProperty("driverPid", Long.toString(ProcessHandle.current().pid()));
      result.setProperty("master", jsc.master());

      int executors = Integer.parseInt(a.get("--executors"));
      long sessionUp = System.currentTimeMillis();
      awaitExecutors(jsc, executors, 90);
      long executorsUp = System.currentTimeMillis();
      List<String> seen = executorJvms(jsc, executors);
      for (int i = 0; i < seen.size(); i++) {
        result.setProperty("executor." + i, seen.get(i));
      }
      result.setProperty("executors", Integer.toString(seen.size()));
      result.setProperty("timings", String.format(java.util.Locale.ROOT,
          "session %.1f s, executors registered %.1f s later, executor probe %.1f s",
          (sessionUp - mainStart) / 1e3, (executorsUp - sessionUp) / 1e3,
          (System.currentTimeMillis() - executorsUp) / 1e3));

      Watcher watcher = new Watcher();
      jsc.sc().addSparkListener(watcher);

      PCA pca = new PCA().setK(Integer.parseInt(a.get("--k"))).setSolver(a.get("--solver"))
          .setPowerIterations(Integer.parseInt(a.get("--power-iterations"))).setSeed(42);
      boolean killHook = a.has("--kill-hook") && Boolean.parseBoolean(a.get("--kill-hook"));
      var data = ClusterData.frame(spark, ClusterData.Spec.parse(a.get("--data")), killHook ? out.toString() : null);
      long fitStart = System.currentTimeMillis();
      watcher.fitStarted = true;
      PCAModel model = pca.fit(data);
      long fitEnd = System.currentTimeMillis();
      model.write().save(out.resolve("model").toString());
      if (a.has("--families") && Boolean.parseBoolean(a.get("--families"))) {
        // The other families on the same data and partitions: k-means, sparse coding, a neural autoencoder.
        for (var e : OtherFamilies.fit(data).entrySet()) {
          e.getValue().write().save(out.resolve(e.getKey()).toString());
        }
      }
      // Listener events arrive asynchronously; give a removal a moment to be reported.
      long deadline = System.currentTimeMillis() + 5000;
      while (killHook && watcher.removed.get() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      result.setProperty("fitStartMillis", Long.toString(fitStart));
      result.setProperty("fitEndMillis", Long.toString(fitEnd));
      result.setProperty("jobsInFit", Integer.toString(watcher.jobs.get()));
      result.setProperty("executorsAdded", Integer.toString(watcher.added.get()));
      result.setProperty("executorsRemoved", Integer.toString(watcher.removed.get()));
      result.setProperty("executorRemovedMillis", Long.toString(watcher.removedAt.get()));
      result.setProperty("failedTasks", Integer.toString(watcher.failedTasks.get()));
      result.setProperty("failureReasons", String.join(" | ", watcher.reasons));
      Path tmp = out.resolve("result.properties.tmp");
      try (OutputStream os = Files.newOutputStream(tmp)) {
        result.store(os, "PcaClusterApp");
      }
      Files.move(tmp, out.resolve("result.properties"), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      spark.stop();
    }
  }

  /** Waits until {@code n} executors (not counting the driver) have registered. */
  private static void awaitExecutors(JavaSparkContext jsc, int n, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      SparkExecutorInfo[] infos = jsc.sc().statusTracker().getExecutorInfos();
      if (infos.length >= n + 1) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + (infos.length - 1) + " of " + n + " executors registered within "
            + seconds + " s");
      }
      Thread.sleep(100);
    }
  }

  /**
   * What each executor JVM says about itself, one line per executor: id, pid, parent pid, whether its command line
   * is Spark's CoarseGrainedExecutorBackend, whether it got the module options and the quick JIT, its log4j
   * configuration, and where it loaded sparkae's PCA class from. Slow tasks (300 ms)
   * spread over the registered executors; repeated until all of them answered.
   */
  private static List<String> executorJvms(JavaSparkContext jsc, int n) {
    List<Integer> tasks = new ArrayList<>();
    for (int i = 0; i < 2 * n; i++) {
      tasks.add(i);
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      List<String> lines = jsc.parallelize(tasks, tasks.size()).map(i -> {
        Thread.sleep(300);
        return describeJvm();
      }).collect();
      TreeSet<String> distinct = new TreeSet<>(lines);
      if (distinct.size() >= n) {
        return new ArrayList<>(distinct);
      }
    }
    throw new IllegalStateException("the executors did not all take tasks");
  }

  private static String describeJvm() {
    ProcessHandle self = ProcessHandle.current();
    String cmd = self.info().commandLine().orElse("");
    String codeSource = PCA.class.getProtectionDomain().getCodeSource().getLocation().toString();
    List<String> jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    return "id=" + SparkEnv.get().executorId() + ";pid=" + self.pid() + ";ppid="
        + self.parent().map(ProcessHandle::pid).orElse(-1L) + ";coarseGrained="
        + cmd.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
        + ";moduleOptions=" + jvmArgs.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
        + ";quickJit=" + jvmArgs.contains("-XX:TieredStopAtLevel=1")
        + ";log4j=" + System.getProperty("log4j.configurationFile") + ";pca=" + codeSource;
  }

  /** Counts jobs, failed tasks and executors added or removed during the fit. */
  static final class Watcher extends SparkListener {
    volatile boolean fitStarted;
    final AtomicInteger jobs = new AtomicInteger();
    final AtomicInteger added = new AtomicInteger();
    final AtomicInteger removed = new AtomicInteger();
    final AtomicLong removedAt = new AtomicLong();
    final AtomicInteger failedTasks = new AtomicInteger();
    final List<String> reasons = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      if (fitStarted) {
        jobs.incrementAndGet();
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      if (e.reason() instanceof TaskFailedReason f) {
        failedTasks.incrementAndGet();
        reasons.add(f.toErrorString().lines().findFirst().orElse(""));
      }
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded e) {
      added.incrementAndGet();
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      if (fitStarted) {
        removed.incrementAndGet();
        removedAt.compareAndSet(0, e.time());
      }
    }
  }

  /** "--name value" pairs. */
  private static final class Args {
    private final java.util.Map<String, String> values = new java.util.HashMap<>();

    Args(String[] args) {
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
        }
        values.put(args[i], args[i + 1]);
      }
    }

    boolean has(String name) {
      return values.containsKey(name);
    }

    String get(String name) {
      String v = values.get(name);
      if (v == null) {
        throw new IllegalArgumentException("missing " + name);
      }
      return v;
    }
  }
}
