package io.sparkae.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.testing.SparkTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCA fit through SparkSubmit on a real standalone cluster on loopback (a master and two workers, executors in
 * JVMs of their own) gives the model a local fit gives, also when an executor is killed in the middle of the fit.
 * One cluster serves both tests; every process it starts is stopped afterwards.
 */
@Tag("cluster")
class PcaOnClusterTest extends SparkTest {
  private static final int EXECUTORS = 2;
  /**
   * Local equals cluster exactly: the same blocks, seeds and merge order (partition order, see RoundLoop), the same
   * BLAS in every JVM (the test JVM passes its BLAS switches and OPENBLAS_NUM_THREADS to the cluster's).
   */
  private static final double TOL = 0;

  @TempDir
  static Path dir;
  private static StandaloneCluster cluster;
  private static Path appJar;

  @BeforeAll
  static void startCluster() {
    long t0 = System.nanoTime();
    Path base = StandaloneCluster.basedir();
    appJar = AppJar.write(dir.resolve("sparkae-cluster-test-app.jar"),
        List.of(base.resolve("target/classes"), base.resolve("target/test-classes")));
    cluster = StandaloneCluster.start(dir.resolve("cluster"), EXECUTORS, "1g", Duration.ofSeconds(90));
    System.out.printf("cluster started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void exactFitOnClusterEqualsLocalFitAndRunsInExecutorJvms() throws Exception {
    ClusterData.Spec spec = new ClusterData.Spec(4, 5000, 40, 5, 0.5, 11);
    Path out = dir.resolve("exact");
    long t0 = System.nanoTime();
    Process driver = submit(spec, "exact", 3, out, List.of("--families", "true"));
    Properties r = awaitResult(driver, out, 180);

    assertEquals(driver.pid(), Long.parseLong(r.getProperty("driverPid")), "the app ran in the submitted driver JVM");
    assertExecutorsAreWorkerJvms(r, driver.pid());

    long t1 = System.nanoTime();
    PCAModel local = pca("exact", 3).fit(ClusterData.frame(spark(), spec));
    PCAModel onCluster = PCAModel.load(out.resolve("model").toString());
    System.out.printf("exact test: cluster run %.1f s (%s; fit %d ms), local fit %.1f s%n", (t1 - t0) / 1e9,
        r.getProperty("timings"), fitMillis(r), (System.nanoTime() - t1) / 1e9);
    assertSameModel(local, onCluster);

    // k-means, sparse coding and the neural autoencoder: the cluster fit equals the local fit for the same
    // partitioning (the same blocks, seeds and merge order), bit for bit.
    var locals = OtherFamilies.fit(ClusterData.frame(spark(), spec));
    var km = io.sparkae.linear.kmeans.KMeansModel.load(out.resolve("kmeans").toString());
    assertTrue(km.centers().maxAbsDiff(((io.sparkae.linear.kmeans.KMeansModel) locals.get("kmeans")).centers())
        <= TOL, "k-means centres on the cluster equal the local ones");
    var sc = io.sparkae.linear.dictionary.SparseCodingModel.load(out.resolve("sparse-coding").toString());
    assertTrue(sc.dictionary().maxAbsDiff(((io.sparkae.linear.dictionary.SparseCodingModel) locals.get(
        "sparse-coding")).dictionary()) <= TOL, "sparse-coding dictionary on the cluster equals the local one");
    float[] p = io.sparkae.neural.NeuralAutoencoderModel.load(out.resolve("autoencoder").toString()).autoencoder()
        .parameters();
    float[] q = ((io.sparkae.neural.NeuralAutoencoderModel) locals.get("autoencoder")).autoencoder().parameters();
    assertEquals(q.length, p.length);
    for (int i = 0; i < p.length; i++) {
      assertEquals(q[i], p[i], 0f, "autoencoder parameter " + i);
    }
    // The Gaussian mixture (k-means init, then 5 EM rounds on cached blocks, statistics merged in partition order)
    // and probabilistic PCA (closed form from PCA's exact solver; EM with missing entries): the same model, within
    // TOL (0: bit for bit).
    var gmm = io.sparkae.linear.gmm.GaussianMixtureModel.load(out.resolve("gmm").toString());
    var gmmLocal = (io.sparkae.linear.gmm.GaussianMixtureModel) locals.get("gmm");
    assertEquals(3, gmm.k(), "gmm components");
    assertArrayClose(gmmLocal.weights(), gmm.weights(), "gmm weights");
    assertArrayClose(gmmLocal.means().values, gmm.means().values, "gmm means");
    assertArrayClose(gmmLocal.autoencoder().covariances().values, gmm.autoencoder().covariances().values,
        "gmm covariances");
    assertArrayClose(gmmLocal.history().values(), gmm.history().values(), "gmm log-likelihood history");
    assertEquals(gmmLocal.logLikelihood(), gmm.logLikelihood(), TOL * Math.abs(gmmLocal.logLikelihood()),
        "gmm log-likelihood");
    for (String name : new String[] {"ppca", "ppca-missing"}) {
      var c = io.sparkae.linear.ppca.ProbabilisticPCAModel.load(out.resolve(name).toString());
      var l = (io.sparkae.linear.ppca.ProbabilisticPCAModel) locals.get(name);
      assertEquals(3, c.k(), name + " k");
      assertArrayClose(l.mean(), c.mean(), name + " mean");
      assertArrayClose(l.loadings().values, c.loadings().values, name + " loadings");
      assertEquals(l.noiseVariance(), c.noiseVariance(), TOL * l.noiseVariance(), name + " noise variance");
      assertEquals(l.logLikelihoodPerRow(), c.logLikelihoodPerRow(), TOL * Math.abs(l.logLikelihoodPerRow()),
          name + " log-likelihood per row");
      assertArrayClose(l.history().values(), c.history().values(), name + " history");
    }
    long nan = OtherFamilies.withMissing(ClusterData.frame(spark(), spec)).toJavaRDD()
        .filter(row -> Arrays.stream(((org.apache.spark.ml.linalg.Vector) row.getAs("features")).toArray())
            .anyMatch(Double::isNaN)).count();
    System.out.printf("ppca-missing: %d of %d rows miss an entry%n", nan, 4L * 5000);
    assertTrue(nan > 1000, "the missing-entry data has rows with NaN: " + nan);
    assertEquals(5, ((io.sparkae.linear.ppca.ProbabilisticPCAModel) locals.get("ppca-missing")).history().values()
        .length, "ppca-missing ran its 5 EM rounds (so the comparison covers EM, not only the start)");
    // The VAE and the topic model (same trainer, seeded reparameterisation noise): identical parameters.
    for (String name : new String[] {"vae", "topics"}) {
      float[] c = ((io.sparkae.neural.vae.VariationalModel<?>) io.sparkae.core.Models.load(spark(),
          out.resolve(name).toString())).autoencoder().parameters();
      float[] l = ((io.sparkae.neural.vae.VariationalModel<?>) locals.get(name)).autoencoder().parameters();
      assertEquals(l.length, c.length);
      for (int i = 0; i < c.length; i++) {
        assertEquals(l[i], c[i], 0f, name + " parameter " + i);
      }
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void fitSurvivesAnExecutorKilledMidFit() throws Exception {
    // Randomized solver: a pass for count and mean that also caches the rows as blocks, then powerIterations + 1
    // product rounds over the cached blocks. The task that first generates the last partition (in the first pass,
    // after its executor cached another partition) waits for this test to kill its executor: the task fails and
    // is retried elsewhere, the cached blocks of the dead executor are recomputed from the lineage.
    ClusterData.Spec spec = new ClusterData.Spec(4, 5000, 200, 5, 0.5, 13);
    int powerIterations = 8;
    Path out = dir.resolve("kill");
    long t0 = System.nanoTime();
    Process driver = submit(spec, "randomized", powerIterations, out, List.of("--kill-hook", "true"));

    Path killFile = out.resolve("kill-me");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    while (!Files.exists(killFile)) {
      if (!driver.isAlive()) {
        fail("the driver exited (" + driver.exitValue() + ") before an executor asked to be killed\n"
            + diagnostics());
      }
      if (System.nanoTime() > deadline) {
        fail("no executor asked to be killed within 150 s\n" + diagnostics());
      }
      Thread.sleep(50);
    }
    String[] appAndExecutor = Files.readString(killFile, StandardCharsets.UTF_8).trim().split(" ");
    ProcessHandle victim = cluster.executor(appAndExecutor[0], appAndExecutor[1]).orElseThrow(() ->
        new AssertionError("no executor JVM with id " + appAndExecutor[1] + " of " + appAndExecutor[0]
            + " among the workers' descendants\n" + diagnostics()));
    assertTrue(victim.destroyForcibly(), "kill -9 of executor pid " + victim.pid());
    long killedAt = System.currentTimeMillis();
    victim.onExit().get(30, TimeUnit.SECONDS);

    Properties r = awaitResult(driver, out, 200);
    long fitStart = Long.parseLong(r.getProperty("fitStartMillis"));
    long fitEnd = Long.parseLong(r.getProperty("fitEndMillis"));
    assertTrue(fitStart <= killedAt && killedAt <= fitEnd,
        "the executor was killed during the fit: fit " + fitStart + ".." + fitEnd + ", kill at " + killedAt);
    assertTrue(Integer.parseInt(r.getProperty("executorsRemoved")) >= 1, "the driver saw the executor go: " + r);
    assertTrue(Integer.parseInt(r.getProperty("failedTasks")) >= 1
        && r.getProperty("failureReasons").contains("ExecutorLostFailure"),
        "the running task failed with its executor and was retried: " + r);
    System.out.printf("kill test: executor %s (pid %d) killed %.1f s into a %.1f s fit; failed tasks %s (%s); "
        + "executors added after the start %s; jobs in the fit %s%n", appAndExecutor[1], victim.pid(),
        (killedAt - fitStart) / 1e3, (fitEnd - fitStart) / 1e3, r.getProperty("failedTasks"),
        r.getProperty("failureReasons"), r.getProperty("executorsAdded"), r.getProperty("jobsInFit"));

    long t1 = System.nanoTime();
    PCAModel local = pca("randomized", powerIterations).fit(ClusterData.frame(spark(), spec));
    PCAModel onCluster = PCAModel.load(out.resolve("model").toString());
    System.out.printf("kill test: cluster run %.1f s (%s; fit %d ms), local fit %.1f s%n", (t1 - t0) / 1e9,
        r.getProperty("timings"), fitMillis(r), (System.nanoTime() - t1) / 1e9);
    assertSameModel(local, onCluster);
  }

  private static long fitMillis(Properties r) {
    return Long.parseLong(r.getProperty("fitEndMillis")) - Long.parseLong(r.getProperty("fitStartMillis"));
  }

  private static PCA pca(String solver, int powerIterations) {
    return new PCA().setK(5).setSolver(solver).setPowerIterations(powerIterations).setSeed(42);
  }

  private static Process submit(ClusterData.Spec spec, String solver, int powerIterations, Path out,
      List<String> extra) throws IOException {
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("--data", spec.format(), "--k", "5", "--solver", solver,
        "--power-iterations", Integer.toString(powerIterations), "--executors", Integer.toString(EXECUTORS),
        "--out", out.toString()));
    args.addAll(extra);
    return cluster.submit(appJar, PcaClusterApp.class.getName(),
        List.of("spark.executor.memory=768m", "spark.app.name=sparkae-cluster-test-" + out.getFileName()),
        args, out.resolve("driver.log"));
  }

  private static Properties awaitResult(Process driver, Path out, int seconds) throws Exception {
    if (!driver.waitFor(seconds, TimeUnit.SECONDS)) {
      driver.destroyForcibly();
      fail("the driver did not finish within " + seconds + " s\n" + diagnostics());
    }
    if (driver.exitValue() != 0) {
      fail("the driver failed with exit code " + driver.exitValue() + "\n" + diagnostics());
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(out.resolve("result.properties"))) {
      p.load(in);
    }
    return p;
  }

  /**
   * Each executor said it is a CoarseGrainedExecutorBackend JVM, other than the driver and this test, started by
   * one of the cluster's workers (one executor per worker), that loaded sparkae from the submitted app jar.
   */
  private static void assertExecutorsAreWorkerJvms(Properties r, long driverPid) {
    int n = Integer.parseInt(r.getProperty("executors"));
    assertEquals(EXECUTORS, n, "executors that ran tasks: " + r);
    Set<String> ids = new HashSet<>();
    Set<Long> pids = new HashSet<>();
    Set<Long> parents = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> e = fields(r.getProperty("executor." + i));
      ids.add(e.get("id"));
      long pid = Long.parseLong(e.get("pid"));
      pids.add(pid);
      parents.add(Long.parseLong(e.get("ppid")));
      assertNotEquals(driverPid, pid, "executor in the driver JVM: " + e);
      assertNotEquals(ProcessHandle.current().pid(), pid, "executor in the test JVM: " + e);
      assertEquals("true", e.get("coarseGrained"), "not a CoarseGrainedExecutorBackend JVM: " + e);
      assertEquals("true", e.get("moduleOptions"), "the executor JVM got the module options: " + e);
      assertTrue(e.get("pca").endsWith("/" + appJar.getFileName()) && !e.get("pca").contains("target/classes"),
          "the executor loaded sparkae from the app jar the driver shipped, not from " + e.get("pca"));
    }
    assertEquals(EXECUTORS, ids.size(), "distinct executor ids " + ids);
    assertEquals(EXECUTORS, pids.size(), "distinct executor JVMs " + pids);
    assertEquals(new HashSet<>(cluster.workerPids()), parents, "one executor started by each worker");
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> m = new HashMap<>();
    for (String kv : line.split(";")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }

  private static void assertSameModel(PCAModel expected, PCAModel actual) {
    assertEquals(expected.k(), actual.k(), "k");
    assertArrayClose(expected.mean(), actual.mean(), "mean");
    assertArrayClose(expected.explainedVariance(), actual.explainedVariance(), "explained variance");
    assertEquals(expected.totalVariance(), actual.totalVariance(),
        TOL * Math.max(1, Math.abs(expected.totalVariance())), "total variance");
    double diff = expected.components().maxAbsDiff(actual.components());
    assertTrue(diff <= TOL, "components differ by " + diff);
    double varianceDiff = 0;
    for (int i = 0; i < expected.k(); i++) {
      varianceDiff = Math.max(varianceDiff, Math.abs(expected.explainedVariance()[i] - actual.explainedVariance()[i])
          / Math.abs(expected.explainedVariance()[i]));
    }
    System.out.printf("cluster vs local: components differ by at most %.2e, variances by %.2e (relative)%n", diff,
        varianceDiff);
  }

  private static void assertArrayClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      double tol = TOL * Math.max(1, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
    }
  }

  private static String diagnostics() {
    return cluster == null ? "" : cluster.logTails();
  }
}
