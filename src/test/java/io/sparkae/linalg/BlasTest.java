package io.sparkae.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BlasTest {

  @Test
  void theProbeAgreesWithWhatNetlibLoaded() {
    // Unless a switch was set by hand (mvn test -Dsparkae.javaBlas), netlib loads the native BLAS exactly when the
    // probe finds libblas.so.3; when it does not, the probe switched native off, so netlib never tried dlopen.
    String forced = System.getProperty(Blas.BLAS_SWITCH);
    boolean nativeBlas = Blas.isNative();
    if (!Blas.found("libblas.so.3")) {
      assertFalse(nativeBlas);
      assertEquals("false", System.getProperty(Blas.BLAS_SWITCH));
    } else if (!"false".equals(forced)) {
      assertTrue(nativeBlas, "libblas.so.3 is there, so netlib should load it: " + Blas.describe());
    } else {
      assertFalse(nativeBlas);
    }
    String line = Blas.describe();
    assertTrue(line.startsWith("BLAS: " + (nativeBlas ? "native " : "Java ")), line);
    boolean nativeLapack = Blas.lapack() instanceof dev.ludovic.netlib.lapack.NativeLAPACK;
    assertEquals(!(nativeBlas && nativeLapack), line.contains("apt-get install libopenblas0-pthread"), line);
  }

  @Test
  void findsALibraryOnlyWhereTheLinkerWouldLook() throws Exception {
    assertFalse(Blas.found("libsparkae-no-such-library.so.9"));
    assertTrue(Blas.found("libc.so.6"), "glibc is in the ld.so cache of every Linux system");
    Path dir = Files.createTempDirectory("blas-probe");
    Files.createFile(dir.resolve("libsparkae-probe.so.1"));
    assertFalse(Blas.found("libsparkae-probe.so.1"), "a folder not on LD_LIBRARY_PATH is not searched");
  }
}
