package dev.adjoint.cuda;

import com.sun.jna.NativeLibrary;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BackendProvider;
import dev.adjoint.tensor.Device;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provides {@link CudaBackend}s; registered in
 * {@code META-INF/services/dev.adjoint.backend.BackendProvider}, so putting adjoint-native-cuda on
 * the classpath is all it takes. Availability is probed once and the reason it fails says exactly
 * why: the library was not built (nvcc was absent at build time), the platform is not
 * linux-x86_64, {@code libcuda.so.1} (the NVIDIA driver) is missing, the driver is too old for
 * the runtime linked in, or there is no CUDA device.
 */
public final class CudaBackendProvider implements BackendProvider {
  private static final Map<Integer, CudaBackend> BACKENDS = new ConcurrentHashMap<>();

  /** For {@link java.util.ServiceLoader}. */
  public CudaBackendProvider() {}

  @Override
  public Set<Device.Type> deviceTypes() {
    return Set.of(Device.Type.CUDA);
  }

  @Override
  public boolean isAvailable() {
    return Probe.REASON == null;
  }

  @Override
  public String unavailableReason() {
    return Probe.REASON;
  }

  /** How many CUDA devices this process sees (0 when CUDA is unavailable). */
  public static int deviceCount() {
    return Probe.REASON == null ? Probe.devices : 0;
  }

  @Override
  public Backend create(Device device) {
    if (!device.isCuda()) {
      throw new IllegalArgumentException("CudaBackendProvider: not a CUDA device: " + device);
    }
    if (Probe.REASON != null) {
      throw new IllegalStateException("CUDA not available: " + Probe.REASON);
    }
    if (device.index() >= Probe.devices) {
      throw new IllegalArgumentException("CudaBackendProvider: " + device + " does not exist ("
          + Probe.devices + " CUDA device" + (Probe.devices == 1 ? "" : "s") + " visible)");
    }
    return BACKENDS.computeIfAbsent(device.index(), i -> new CudaBackend(device));
  }

  /**
   * Why CUDA cannot be used in this process, or null; each step is checked in the order a user
   * would fix them.
   */
  static String probe() {
    if (!CudaLibrary.platformSupported()) {
      return "the CUDA backend is built for " + CudaLibrary.PLATFORM + ", this JVM runs on "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
    if (!CudaLibrary.resourcePresent()) {
      return "library not built: nvcc was absent at build time (" + CudaLibrary.RESOURCE
          + " is not in the adjoint-native-cuda jar)";
    }
    try {
      NativeLibrary.getInstance("libcuda.so.1");
    } catch (UnsatisfiedLinkError e) {
      // JNA's message: a heading, then what dlopen said for each way it tried.
      String dlopen = e.getMessage().lines().skip(1).findFirst().orElse(e.getMessage());
      return "libcuda.so.1 (the NVIDIA driver) not found (" + dlopen.trim() + "); install the"
          + " NVIDIA driver to use a GPU";
    }
    try {
      CudaLibrary.load();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "libadjoint_cuda.so could not be loaded: " + e.getMessage();
    }
    int abi = CudaRuntime.adj_kernels_abi_version();
    if (abi != CudaLibrary.ABI_VERSION) {
      return "libadjoint_cuda.so has kernel ABI " + abi + ", this adjoint-native-cuda expects "
          + CudaLibrary.ABI_VERSION + " (a stale library from another build?)";
    }
    int[] count = new int[1];
    int status = CudaRuntime.adj_cudaGetDeviceCount(count);
    if (status == CudaRuntime.ERROR_NO_DEVICE || (status == 0 && count[0] == 0)) {
      return "no CUDA device (the driver is installed but sees no GPU; check"
          + " CUDA_VISIBLE_DEVICES)";
    }
    if (status == CudaRuntime.ERROR_INSUFFICIENT_DRIVER) {
      int[] driver = new int[1];
      int[] runtime = new int[1];
      CudaRuntime.adj_cudaDriverGetVersion(driver);
      CudaRuntime.adj_cudaRuntimeGetVersion(runtime);
      return "the NVIDIA driver supports CUDA " + version(driver[0]) + ", older than the CUDA "
          + version(runtime[0]) + " runtime linked into libadjoint_cuda.so";
    }
    if (status != 0) {
      return "cudaGetDeviceCount failed: " + CudaStatus.name(status) + ": "
          + CudaStatus.message(status);
    }
    Probe.devices = count[0];
    return null;
  }

  private static String version(int v) {
    return v / 1000 + "." + v % 1000 / 10;
  }

  /** Probed once, on first use. */
  private static final class Probe {
    static int devices;
    static final String REASON = probe();
  }
}
