package dev.adjoint.backend;

import dev.adjoint.tensor.Device;
import java.util.Set;

/**
 * Makes the {@link Backend} of a kind of device. {@link Backends} finds providers through
 * {@link java.util.ServiceLoader}, as layer bindings are found, so a backend plugs in by being on
 * the classpath: its jar lists the provider class in
 * {@code META-INF/services/dev.adjoint.backend.BackendProvider}. The class must be public with a
 * public no-argument constructor.
 *
 * <p>The CPU provider ships with the runtime. A CUDA provider that cannot run here (no driver, no
 * library) is still found and says why through {@link #unavailableReason()}, which becomes the
 * message of {@link dev.adjoint.tensor.CudaNotAvailableException}.
 */
public interface BackendProvider {
  /** The kinds of device this provider makes backends for. */
  Set<Device.Type> deviceTypes();

  /**
   * Whether this provider can make backends in this process. Called once per lookup; a provider
   * that probes a driver should remember the answer.
   */
  boolean isAvailable();

  /**
   * Why {@link #isAvailable()} is false, e.g. {@code "no CUDA driver (libcuda) was found"}, or
   * null when it is available.
   */
  String unavailableReason();

  /**
   * The backend of {@code device}, one of {@link #deviceTypes()}; called at most once per device
   * ({@link Backends} keeps the result). Only called when {@link #isAvailable()}.
   *
   * @throws IllegalArgumentException when this provider has no such device (e.g. a CUDA index
   *     past the devices present)
   */
  Backend create(Device device);
}
