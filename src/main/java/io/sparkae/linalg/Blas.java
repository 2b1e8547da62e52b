package io.sparkae.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/**
 * The one place sparkae reaches BLAS and LAPACK: {@code dev.ludovic.netlib} 3.2.0, the same artifacts Spark 4.2
 * ships. {@link BLAS#getInstance()} picks native OpenBLAS through JNI where the system has {@code libblas.so.3},
 * else the Vector API implementation (needs {@code --add-modules jdk.incubator.vector}), else pure Java.
 */
public final class Blas {
  private Blas() {}

  /** The process-wide BLAS instance. */
  public static BLAS blas() {
    return BLAS.getInstance();
  }

  /** The process-wide LAPACK instance. */
  public static LAPACK lapack() {
    return LAPACK.getInstance();
  }

  /** The name of the BLAS implementation in use, for logs and benchmark reports. */
  public static String implementation() {
    return blas().getClass().getSimpleName();
  }
}
