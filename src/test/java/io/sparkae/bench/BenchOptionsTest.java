package io.sparkae.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The benchmark harness without running anything: the registry, and the options every benchmark and demo parses. */
class BenchOptionsTest {

  @Test
  void everyRegisteredBenchmarkParsesItsDefaultsAndTheSharedMaster() {
    List<String> names = Benchmarks.names();
    assertEquals(names.size(), new HashSet<>(names).size(), names.toString());
    for (String name : names) {
      Benchmark b = Benchmarks.create(name);
      assertEquals(name, b.name());
      new CommandLine(b).parseArgs();
      assertNull(b.master.master, name);
      Benchmark c = Benchmarks.create(name);
      new CommandLine(c).parseArgs("--master", "local[1]");
      assertEquals("local[1]", c.master.master, name);
      assertTrue(Benchmarks.list().contains(name), name);
    }
    assertThrows(IllegalArgumentException.class, () -> Benchmarks.create("nope"));
  }

  @Test
  void topicsBenchBatchNormIsOnByDefaultAndNegatable() {
    TopicsBench t = new TopicsBench();
    new CommandLine(t).parseArgs();
    assertTrue(t.batchNorm);
    t = new TopicsBench();
    new CommandLine(t).parseArgs("--no-batch-norm");
    assertEquals(false, t.batchNorm);
    t = new TopicsBench();
    new CommandLine(t).parseArgs("--batch-norm", "--k", "5");
    assertTrue(t.batchNorm);
    assertEquals(5, t.k);
  }

  @Test
  void mnistDefaultsToTheFetchedSetElseTheSample() {
    PcaBench pca = new PcaBench();
    new CommandLine(pca).parseArgs();
    assertTrue(List.of(BenchOptions.MNIST, BenchOptions.MNIST_SAMPLE).contains(pca.mnist.path()));
    new CommandLine(pca).parseArgs("--mnist", "x.gz");
    assertEquals("x.gz", pca.mnist.path());
  }

  @Test
  void demosTakeTheirArgumentsAndOlshausenNamedOptionsWithConvergingDefaults() {
    OlshausenDemo o = new OlshausenDemo();
    new CommandLine(o).parseArgs();
    assertEquals("data/images", o.images);
    assertEquals(Path.of("out/olshausen"), o.out);
    assertEquals(100_000, o.patches);
    assertEquals(144, o.atoms);
    assertEquals(1.5, o.lambda);
    assertEquals(12, o.p);
    assertEquals("1/f", o.whiten);
    assertEquals(0.4, o.f0);
    assertEquals(3e-4, o.tol);
    new CommandLine(o).parseArgs("--images", "imgs", "--out", "out", "--patches", "5000", "--atoms", "16",
        "--lambda", "0.5", "--patch", "8", "--whiten", "zca", "--zca-epsilon", "0.2", "--max-rounds", "3",
        "--master", "local[2]");
    assertEquals("imgs", o.images);
    assertEquals(16, o.atoms);
    assertEquals(8, o.p);
    assertEquals("zca", o.whiten);
    assertEquals(0.2, o.zcaEpsilon);
    assertEquals(3, o.rounds);
    assertEquals("local[2]", o.master.master);

    CocktailPartyDemo c = new CocktailPartyDemo();
    new CommandLine(c).parseArgs();
    assertEquals(Path.of("data/sounds"), c.dir);
    assertEquals(Path.of("out/cocktail-party"), c.out);
    new CommandLine(c).parseArgs("s", "o");
    assertEquals(Path.of("s"), c.dir);
    assertEquals(Path.of("o"), c.out);

    VaeMnistFigure v = new VaeMnistFigure();
    new CommandLine(v).parseArgs("out/vae");
    assertEquals(Path.of("out/vae"), v.out);
    assertThrows(CommandLine.ParameterException.class, () -> new CommandLine(new VaeMnistFigure()).parseArgs());
  }
}
