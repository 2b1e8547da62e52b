package io.sparkae.testing;

import java.nio.file.Path;

/** Where the tests find the project's files. */
public final class Project {
  private Project() {}

  /** The project directory: surefire passes it as {@code sparkae.basedir}; else the working directory. */
  public static Path basedir() {
    return Path.of(System.getProperty("sparkae.basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** The shipped MNIST sample folder (10,000 training digits and labels, gzipped IDX). */
  public static Path mnistSample() {
    return basedir().resolve("data").resolve("mnist-sample");
  }
}
