package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.BackendProvider;
import dev.adjoint.backend.Backends;
import dev.adjoint.tensor.CudaNotAvailableException;
import dev.adjoint.tensor.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Without a GPU, the provider is found and says exactly why CUDA is unavailable, and the runtime
 * passes that reason on ({@code Device.cuda(0)} fails with it, {@code Device.best()} is the CPU).
 * The expected reason is derived independently: from the build (was the library built?) and
 * from the file system (is libcuda.so.1 in the loader's folders?).
 */
class CudaAvailabilityTest {
  private static final List<String> DRIVER_DIRS = List.of("/usr/lib/x86_64-linux-gnu",
      "/usr/lib64", "/lib/x86_64-linux-gnu", "/lib64", "/usr/lib", "/usr/local/nvidia/lib64",
      "/usr/local/nvidia/lib", "/usr/lib/wsl/lib");

  /** Whether libcuda.so.1 lies in a folder the dynamic loader searches. */
  private static boolean driverInstalled() {
    List<String> dirs = new ArrayList<>(DRIVER_DIRS);
    String ld = System.getenv("LD_LIBRARY_PATH");
    if (ld != null) {
      dirs.addAll(List.of(ld.split(":")));
    }
    for (String d : dirs) {
      if (!d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theProviderIsFoundThroughTheServiceLoader() {
    boolean found = false;
    for (BackendProvider p : Backends.providers()) {
      found |= p instanceof CudaBackendProvider;
    }
    assertTrue(found, "CudaBackendProvider is not among " + Backends.providers());
  }

  @Test
  void theReasonNamesWhatIsMissing() {
    boolean built = Boolean.getBoolean("adjoint.cuda.built");
    Assumptions.assumeFalse(built && driverInstalled() && Backends.cudaAvailable(),
        "skipped: CUDA is available here (a GPU machine); CudaBackendTest covers it");
    String reason = new CudaBackendProvider().unavailableReason();
    if (!built) {
      assertTrue(reason.startsWith("library not built: nvcc was absent at build time"), reason);
    } else if (!driverInstalled()) {
      assertTrue(reason.startsWith("libcuda.so.1 (the NVIDIA driver) not found"), reason);
    } else {
      assertTrue(reason.startsWith("no CUDA device") || reason.contains("driver supports CUDA"),
          reason);
    }
    assertFalse(new CudaBackendProvider().isAvailable());
    assertFalse(Backends.cudaAvailable());
    assertEquals(reason, Backends.cudaUnavailableReason());
    CudaNotAvailableException e = assertThrows(CudaNotAvailableException.class,
        () -> Backends.of(Device.cuda(0)));
    assertEquals("CUDA not available: " + reason, e.getMessage());
    assertEquals(Device.cpu(), Device.best());
  }
}
