package io.sparkae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.data.ImagePatches;
import io.sparkae.linear.dictionary.SparseCodingModel;
import io.sparkae.testing.SparkTest;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fit sparse-coding, nmf and ica through the CLI on a small parquet of image patches: models, metrics, figures. */
class DictionaryCliTest extends SparkTest {

  @Test
  void fitsTheDictionaryFamiliesAndDrawsTheirFigures(@TempDir Path dir) throws Exception {
    BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        int g = (int) (127 + 120 * Math.sin(x * 0.7 + Math.cos(y * 0.3) * 3));
        img.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    Path images = Files.createDirectories(dir.resolve("images"));
    ImageIO.write(img, "png", images.resolve("waves.png").toFile());
    String patches = dir.resolve("patches.parquet").toString();
    ImagePatches.load(spark(), images.toString(), 6, 300, "none", 1, 2).write().parquet(patches);
    // Shifted copy for NMF: grey levels are nonnegative.
    String raw = dir.resolve("raw.parquet").toString();
    spark().read().parquet(patches).selectExpr("features").write().parquet(raw);

    Path sc = dir.resolve("sc");
    assertEquals(0, Main.run("fit", "sparse-coding", "--input", patches, "--atoms", "12", "--lambda", "0.05",
        "--max-iter", "3", "--output", sc.toString()));
    for (String f : new String[] {"atoms.png", "objective.png", "nonzeros.png"}) {
      assertTrue(Files.size(sc.resolve("figures/" + f)) > 500, f);
    }
    assertTrue(Files.readString(sc.resolve("metrics.json")).contains("\"objectiveHistory\""));
    assertEquals(3, SparseCodingModel.load(sc.resolve("model").toString()).history().values().length);

    Path ica = dir.resolve("ica");
    assertEquals(0, Main.run("fit", "ica", "--input", patches, "--k", "4", "--max-iter", "5", "--output",
        ica.toString()));
    assertTrue(Files.size(ica.resolve("figures/filters.png")) > 500);
    assertTrue(Files.size(ica.resolve("figures/convergence.png")) > 500);

    Path nmf = dir.resolve("nmf");
    assertTrue(Main.run("fit", "nmf", "--input", raw, "--rank", "3", "--max-iter", "2", "--output",
        nmf.toString()) != 0, "centred patches hold negative values: NMF refuses them");
    double[][] grey = new double[200][];
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < grey.length; i++) {
      grey[i] = new double[10];
      for (int j = 0; j < 10; j++) {
        grey[i][j] = r.nextDouble();
      }
    }
    String nonnegative = dir.resolve("nonnegative.parquet").toString();
    io.sparkae.data.DataSources.withImageShape(io.sparkae.testing.Planted.frame(spark(), grey, 2), "features", 2, 5)
        .write().parquet(nonnegative);
    assertEquals(0, Main.run("fit", "nmf", "--input", nonnegative, "--rank", "3", "--max-iter", "3", "--output",
        nmf.toString(), "--overwrite"));
    assertTrue(Files.size(nmf.resolve("figures/atoms.png")) > 500);
  }
}
