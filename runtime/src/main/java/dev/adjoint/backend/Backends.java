package dev.adjoint.backend;

import dev.adjoint.tensor.CudaNotAvailableException;
import dev.adjoint.tensor.Device;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the backend for a device among the {@link BackendProvider}s on the classpath
 * ({@link ServiceLoader}, looked up once) and keeps one backend per device. Names no
 * implementation: the CPU backend is found the same way a CUDA one would be.
 */
public final class Backends {
  /** Why CUDA is unusable when no provider serves it. */
  static final String NO_CUDA_PROVIDER = "no CUDA backend is on the classpath (this build of"
      + " Adjoint runs on the CPU only; a CUDA backend plugs in as a"
      + " dev.adjoint.backend.BackendProvider service)";

  private static final Map<Device, Backend> BY_DEVICE = new ConcurrentHashMap<>();
  // Tensor.backend() asks for the CPU backend on every op: one field read, no map lookup.
  private static volatile Backend cpu;

  private Backends() {}

  /** The pure-Java CPU backend. */
  public static Backend cpu() {
    Backend b = cpu;
    return b != null ? b : of(Device.cpu());
  }

  /**
   * The backend for {@code device}, made by the first available provider of its type on first
   * use and kept.
   *
   * @throws CudaNotAvailableException for a CUDA device when no available provider serves CUDA;
   *     the message says why ("CUDA not available: no CUDA backend is on the classpath ..." or
   *     the reason the provider gave)
   * @throws IllegalStateException for another device type no provider serves
   */
  public static Backend of(Device device) {
    if (device.isCpu()) {
      Backend b = cpu;
      if (b != null) {
        return b;
      }
    }
    Backend b = BY_DEVICE.get(device);
    if (b == null) {
      b = BY_DEVICE.computeIfAbsent(device, d -> resolve(d, Providers.ALL));
      if (device.isCpu()) {
        cpu = b;
      }
    }
    return b;
  }

  /** Whether CUDA is usable in this process: some available provider serves it. */
  public static boolean cudaAvailable() {
    return unavailableReason(Device.Type.CUDA, Providers.ALL) == null;
  }

  /** Why CUDA is not usable, or null when it is. */
  public static String cudaUnavailableReason() {
    return unavailableReason(Device.Type.CUDA, Providers.ALL);
  }

  /** The providers found on the classpath, in the order they are consulted. */
  public static List<BackendProvider> providers() {
    return Providers.ALL;
  }

  /** A new backend for {@code device} from the first available provider of its type. */
  static Backend resolve(Device device, List<BackendProvider> providers) {
    Device.Type type = device.type();
    for (BackendProvider p : providers) {
      if (p.deviceTypes().contains(type) && p.isAvailable()) {
        return Objects.requireNonNull(p.create(device),
            () -> p.getClass().getName() + ".create(" + device + ") returned null");
      }
    }
    String reason = unavailableReason(type, providers);
    if (type == Device.Type.CUDA) {
      throw new CudaNotAvailableException(reason);
    }
    throw new IllegalStateException("No backend for " + device + ": " + reason);
  }

  /**
   * Null when an available provider serves {@code type}; else the reasons of the providers that
   * serve it but are unavailable, or that none is on the classpath.
   */
  static String unavailableReason(Device.Type type, List<BackendProvider> providers) {
    List<String> reasons = new ArrayList<>();
    for (BackendProvider p : providers) {
      if (p.deviceTypes().contains(type)) {
        if (p.isAvailable()) {
          return null;
        }
        String r = p.unavailableReason();
        reasons.add(r != null ? r : p.getClass().getName() + " reports itself unavailable");
      }
    }
    if (!reasons.isEmpty()) {
      return String.join("; ", reasons);
    }
    return type == Device.Type.CUDA ? NO_CUDA_PROVIDER
        : "no " + type.name().toLowerCase(java.util.Locale.ROOT) + " backend is on the classpath"
            + " (dev.adjoint.backend.BackendProvider service missing from the runtime jar?)";
  }

  /**
   * Every provider visible to {@code loaders}, each class once, in loader order (as
   * {@code nn.Bindings} finds layer bindings: the given loader, then this class's, then the
   * thread's context loader).
   */
  static List<BackendProvider> load(ClassLoader... loaders) {
    Map<Class<?>, Boolean> seen = new IdentityHashMap<>();
    List<BackendProvider> out = new ArrayList<>();
    for (ClassLoader cl : loaders) {
      if (cl == null) {
        continue;
      }
      for (BackendProvider p : ServiceLoader.load(BackendProvider.class, cl)) {
        if (seen.put(p.getClass(), Boolean.TRUE) == null) {
          out.add(p);
        }
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Loaded on first use only. */
  private static final class Providers {
    static final List<BackendProvider> ALL = load(Backends.class.getClassLoader(),
        Thread.currentThread().getContextClassLoader());
  }
}
