package dev.adjoint.backend;

import dev.adjoint.backend.cpu.CpuBackend;
import dev.adjoint.tensor.CudaNotAvailableException;
import dev.adjoint.tensor.Device;

/** Finds the backend for a device. */
public final class Backends {
  private static final String CUDA_REASON =
      "this build of Adjoint has no CUDA backend yet (it runs on the CPU only)";

  private Backends() {}

  /** The pure-Java CPU backend. */
  public static Backend cpu() {
    return CpuBackend.INSTANCE;
  }

  /**
   * The backend for {@code device}.
   *
   * @throws CudaNotAvailableException for a CUDA device when CUDA cannot be used
   */
  public static Backend of(Device device) {
    if (device.isCpu()) {
      return CpuBackend.INSTANCE;
    }
    throw new CudaNotAvailableException(CUDA_REASON);
  }

  /** Whether CUDA is usable in this process. */
  public static boolean cudaAvailable() {
    return false;
  }

  /** Why CUDA is not usable, or null when it is. */
  public static String cudaUnavailableReason() {
    return CUDA_REASON;
  }
}
