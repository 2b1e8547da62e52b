package io.sparkae.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import dev.ludovic.netlib.lapack.JavaLAPACK;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place sparkae reaches BLAS and LAPACK: {@code dev.ludovic.netlib} 3.2.0, the same artifacts Spark 4.2
 * ships. {@link BLAS#getInstance()} picks native OpenBLAS through JNI where the system has {@code libblas.so.3},
 * else the Vector API implementation (needs {@code --add-modules jdk.incubator.vector}), else pure Java.
 *
 * <p>netlib's JNI glue prints {@code netlib-blas: JNI_OnLoad: dlopen(libblas.so.3) failed} to stderr from native
 * code when the library is missing, which no logger can silence. So before netlib's first use this class looks
 * for {@code libblas.so.3} and {@code liblapack.so.3} where the dynamic linker would (LD_LIBRARY_PATH, the
 * ld.so cache, the usual library folders) and, where one is absent, sets netlib's switch
 * ({@code dev.ludovic.netlib.blas.allowNative=false}, resp. lapack) so that netlib goes straight to its Java
 * implementation. A switch the user set is left as it is.
 */
public final class Blas {
  static final String BLAS_SWITCH = "dev.ludovic.netlib.blas.allowNative";
  static final String LAPACK_SWITCH = "dev.ludovic.netlib.lapack.allowNative";

  static {
    avoidMissingNative(BLAS_SWITCH, "libblas.so.3");
    avoidMissingNative(LAPACK_SWITCH, "liblapack.so.3");
  }

  private Blas() {}

  /** The process-wide BLAS instance. */
  public static BLAS blas() {
    return BLAS.getInstance();
  }

  /**
   * netlib's Java BLAS (its Vector API implementation where {@code jdk.incubator.vector} is present, else plain
   * Java), for level-1 operations on short vectors in hot loops: a JNI call costs more than a 144-element
   * {@code daxpy}, and C2 does not vectorize the plain loop {@code y[i] += a x[i]} at two offsets into two arrays.
   * Measured on this project's 2-core machine, 144 elements: 36 to 41 ns per daxpy here, 73 to 101 ns native, 79
   * to 96 ns the plain Java loop.
   */
  public static BLAS vectorBlas() {
    return JavaBLAS.getInstance();
  }

  /** The process-wide LAPACK instance. */
  public static LAPACK lapack() {
    return LAPACK.getInstance();
  }

  /**
   * netlib's pure-Java LAPACK, for the small factorizations on the driver (thin QR of a d x l basis, eigenpairs
   * of an l x l matrix). Native LAPACK reads Java arrays in place, and OpenBLAS's kernels group their sums by
   * the arrays' alignment in the heap, which differs from one run to the next: the same seed gave components
   * differing by 7e-16. These matrices cost microseconds in Java, so determinism costs nothing here.
   */
  public static LAPACK reproducibleLapack() {
    return JavaLAPACK.getInstance();
  }

  /** The name of the BLAS implementation in use, for logs and benchmark reports. */
  public static String implementation() {
    return blas().getClass().getSimpleName();
  }

  /** Whether BLAS runs natively (through JNI). */
  public static boolean isNative() {
    return blas() instanceof NativeBLAS;
  }

  /**
   * One line for the log at start: the BLAS and LAPACK in use and, when either is the Java one, how to get the
   * native one. E.g. {@code BLAS: native JNIBLAS (/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3);
   * LAPACK: native JNILAPACK (...)}.
   */
  public static String describe() {
    boolean nativeBlas = isNative();
    boolean nativeLapack = lapack() instanceof NativeLAPACK;
    String line = String.format(Locale.ROOT, "BLAS: %s; LAPACK: %s",
        describe(nativeBlas, blas().getClass().getSimpleName(), "libblas.so"),
        describe(nativeLapack, lapack().getClass().getSimpleName(), "liblapack.so"));
    if (!nativeBlas || !nativeLapack) {
      line += ". Native OpenBLAS is several times faster: on Debian or Ubuntu `apt-get install "
          + "libopenblas0-pthread` (it provides libblas.so.3 and liblapack.so.3)";
      if ("false".equals(System.getProperty(BLAS_SWITCH)) && found("libblas.so.3")) {
        line += "; here it is installed but " + BLAS_SWITCH + "=false keeps it off";
      }
    }
    return line;
  }

  private static String describe(boolean isNative, String impl, String library) {
    if (!isNative) {
      return "Java " + impl;
    }
    String path = mappedLibrary(library);
    return "native " + impl + (path == null ? "" : " (" + path + ")");
  }

  /** The resolved path of the loaded library whose file name starts with {@code prefix}, from /proc/self/maps. */
  private static String mappedLibrary(String prefix) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
        int slash = line.indexOf('/');
        if (slash >= 0) {
          Path p = Path.of(line.substring(slash));
          if (p.getFileName() != null && p.getFileName().toString().startsWith(prefix)) {
            return p.toString();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: say nothing about the path
    }
    return null;
  }

  private static void avoidMissingNative(String key, String library) {
    if (System.getProperty(key) == null && isLinux() && !found(library)) {
      System.setProperty(key, "false");
    }
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  }

  /**
   * Whether the dynamic linker would find {@code library}: in a folder of LD_LIBRARY_PATH, in the ld.so cache
   * (/etc/ld.so.cache lists every library name it knows as a NUL-terminated string) or in a usual folder.
   */
  static boolean found(String library) {
    String ld = System.getenv("LD_LIBRARY_PATH");
    if (ld != null) {
      for (String dir : ld.split(":")) {
        if (!dir.isEmpty() && Files.exists(Path.of(dir, library))) {
          return true;
        }
      }
    }
    try {
      byte[] cache = Files.readAllBytes(Path.of("/etc/ld.so.cache"));
      if (new String(cache, StandardCharsets.ISO_8859_1).contains(library + '\0')) {
        return true;
      }
    } catch (IOException | RuntimeException e) {
      // no cache: look in the usual folders below
    }
    String arch = System.getProperty("os.arch", "").equals("amd64") ? "x86_64" : System.getProperty("os.arch", "");
    for (String dir : new String[] {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib",
        "/lib/" + arch + "-linux-gnu", "/usr/lib/" + arch + "-linux-gnu"}) {
      if (Files.exists(Path.of(dir, library))) {
        return true;
      }
    }
    return false;
  }
}
