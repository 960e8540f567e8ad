package dev.adjoint.cuda;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds and loads {@code libadjoint_cuda.so}: the kernels and the statically linked CUDA runtime,
 * packaged in this module's jar under {@link #RESOURCE} when nvcc was present at build time, and
 * extracted to a temporary file on first use ({@code -Dadjoint.cuda.library=/path/lib.so} loads
 * another copy instead). Loading needs no GPU and no driver: the runtime looks for
 * {@code libcuda.so.1} only when a CUDA call first needs it.
 */
public final class CudaLibrary {
  /** The platform this build targets: the resource folder's name. */
  public static final String PLATFORM = "linux-x86_64";

  /** Where the library lies among the jar's resources. */
  public static final String RESOURCE = "dev/adjoint/cuda/" + PLATFORM + "/libadjoint_cuda.so";

  /** The kernel ABI this Java code was written against ({@code adj_kernels_abi_version()}). */
  static final int ABI_VERSION = 1;

  private static volatile NativeLibrary library;

  private CudaLibrary() {}

  /** Whether this JVM runs on the platform the library is built for. */
  public static boolean platformSupported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** Whether the library is among the resources (nvcc was present when this jar was built). */
  public static boolean resourcePresent() {
    return System.getProperty("adjoint.cuda.library") != null
        || CudaLibrary.class.getClassLoader().getResource(RESOURCE) != null;
  }

  /** Whether {@link #load()} has succeeded in this process. */
  public static boolean isLoaded() {
    return library != null;
  }

  /**
   * The loaded library, extracting it on first use.
   *
   * @throws IllegalStateException when the library is not packaged (nvcc was absent at build
   *     time) or cannot be extracted
   * @throws UnsatisfiedLinkError when it cannot be loaded
   */
  public static NativeLibrary load() {
    NativeLibrary l = library;
    if (l != null) {
      return l;
    }
    synchronized (CudaLibrary.class) {
      if (library == null) {
        library = NativeLibrary.getInstance(extract().toString());
      }
      return library;
    }
  }

  private static Path extract() {
    String explicit = System.getProperty("adjoint.cuda.library");
    if (explicit != null) {
      return Path.of(explicit).toAbsolutePath();
    }
    try (InputStream in = CudaLibrary.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("library not built: " + RESOURCE + " is not on the"
            + " classpath (nvcc was absent when adjoint-native-cuda was built)");
      }
      Path dir = Files.createTempDirectory("adjoint-cuda");
      Path file = dir.resolve("libadjoint_cuda.so");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not extract " + RESOURCE, e);
    }
  }
}
