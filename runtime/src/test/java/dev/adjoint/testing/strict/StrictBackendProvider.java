package dev.adjoint.testing.strict;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BackendProvider;
import dev.adjoint.tensor.Device;
import java.util.Set;

/**
 * Serves the CPU device with {@link StrictBackend} when the system property
 * {@value #PROPERTY} is {@code true} (the runtime's second surefire run sets it, so the whole
 * suite runs on the strict backend); otherwise unavailable, and the real CPU backend serves.
 * Listed in the test resources' {@code META-INF/services}, which come first on the test
 * classpath.
 */
public final class StrictBackendProvider implements BackendProvider {
  /** The switch. */
  public static final String PROPERTY = "adjoint.test.strictBackend";

  /** For {@link java.util.ServiceLoader}. */
  public StrictBackendProvider() {}

  /** Whether this run uses the strict backend for the CPU. */
  public static boolean enabled() {
    return Boolean.getBoolean(PROPERTY);
  }

  @Override
  public Set<Device.Type> deviceTypes() {
    return Set.of(Device.Type.CPU);
  }

  @Override
  public boolean isAvailable() {
    return enabled();
  }

  @Override
  public String unavailableReason() {
    return enabled() ? null : "the strict test backend is off (-D" + PROPERTY + "=true)";
  }

  @Override
  public Backend create(Device device) {
    return new StrictBackend();
  }
}
