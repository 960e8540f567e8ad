package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BackendProvider;
import dev.adjoint.tensor.Device;
import java.util.Set;

/**
 * Provides the pure-Java {@link CpuBackend}; registered in
 * {@code META-INF/services/dev.adjoint.backend.BackendProvider} and always available.
 */
public final class CpuBackendProvider implements BackendProvider {
  /** For {@link java.util.ServiceLoader}. */
  public CpuBackendProvider() {}

  @Override
  public Set<Device.Type> deviceTypes() {
    return Set.of(Device.Type.CPU);
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public String unavailableReason() {
    return null;
  }

  @Override
  public Backend create(Device device) {
    if (!device.isCpu()) {
      throw new IllegalArgumentException("CpuBackendProvider: not a CPU device: " + device);
    }
    return CpuBackend.INSTANCE;
  }
}
