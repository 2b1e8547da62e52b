package io.sparkae.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Writes an application jar for spark-submit from compiled class folders (target/classes, target/test-classes). */
final class AppJar {
  private AppJar() {}

  static Path write(Path jar, List<Path> classDirs) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest)) {
      java.util.Set<String> written = new java.util.HashSet<>();
      for (Path dir : classDirs) {
        if (!Files.isDirectory(dir)) {
          throw new IllegalStateException(dir + " is not a folder; compile first (mvn test-compile)");
        }
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : (Iterable<Path>) files.sorted()::iterator) {
            String name = dir.relativize(f).toString().replace('\\', '/');
            if (name.isEmpty() || name.startsWith("META-INF/MANIFEST.MF")) {
              continue;
            }
            if (Files.isDirectory(f)) {
              name += "/";
            }
            if (!written.add(name)) {
              continue;
            }
            out.putNextEntry(new JarEntry(name));
            if (!Files.isDirectory(f)) {
              Files.copy(f, out);
            }
            out.closeEntry();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + jar, e);
    }
    return jar;
  }
}
