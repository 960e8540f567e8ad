package dev.adjoint.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.adjoint.tensor.CudaNotAvailableException;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.strict.StrictBackendProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backends come from {@link BackendProvider} services, and say why CUDA is missing. */
class BackendsTest {
  private static final String CPU_PROVIDER = "dev.adjoint.backend.cpu.CpuBackendProvider";

  @Test
  void theCpuProviderIsFoundThroughServiceLoader() {
    List<String> names = Backends.providers().stream().map(p -> p.getClass().getName()).toList();
    assertTrue(names.contains(CPU_PROVIDER), names.toString());
    BackendProvider cpu = Backends.providers().get(names.indexOf(CPU_PROVIDER));
    assertEquals(Set.of(Device.Type.CPU), cpu.deviceTypes());
    assertTrue(cpu.isAvailable());
    assertNull(cpu.unavailableReason());
    // Under the strict test backend (which comes first on the test classpath when switched on)
    // the CPU is served by it instead; otherwise by the runtime's own provider.
    assertSame(StrictBackendProvider.enabled() ? Backends.of(Device.cpu())
        : cpu.create(Device.cpu()), Backends.of(Device.cpu()));
    assertEquals(StrictBackendProvider.enabled(),
        Backends.of(Device.cpu()).getClass().getSimpleName().equals("StrictBackend"));
    assertSame(Backends.cpu(), Backends.of(Device.cpu()));
    assertEquals(Device.cpu(), Backends.cpu().device());
    assertEquals(Device.cpu(), Tensor.ones(2).device());
  }

  @Test
  void backendsNamesNoImplementation() throws IOException {
    // The class file's constant pool holds every class it refers to; none may be a backend.
    String pool;
    try (InputStream in = Backends.class.getResourceAsStream("Backends.class")) {
      pool = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    assertTrue(pool.contains("dev/adjoint/backend/BackendProvider"), "sanity: pool readable");
    assertFalse(pool.contains("dev/adjoint/backend/cpu"), "Backends refers to backend.cpu");
    assertFalse(pool.contains("CpuBackend"), "Backends refers to CpuBackend");
  }

  @Test
  void withoutACudaProviderCudaSaysNoneIsOnTheClasspath() {
    assumeFalse(Backends.cudaAvailable(), "a CUDA backend is on this classpath");
    CudaNotAvailableException e =
        assertThrows(CudaNotAvailableException.class, () -> Backends.of(Device.cuda(0)));
    assertEquals("CUDA not available: " + Backends.NO_CUDA_PROVIDER, e.getMessage());
    assertTrue(e.getMessage().contains("no CUDA backend is on the classpath"), e.getMessage());
    assertEquals(Backends.NO_CUDA_PROVIDER, Backends.cudaUnavailableReason());
    CudaNotAvailableException viaTensor =
        assertThrows(CudaNotAvailableException.class, () -> Tensor.ones(2).to(Device.cuda(1)));
    assertEquals(e.getMessage(), viaTensor.getMessage());
  }

  @Test
  void aProviderThatIsUnavailableGivesItsOwnReason() {
    List<BackendProvider> providers = List.of(new UnavailableCuda());
    assertEquals("test: no driver here", Backends.unavailableReason(Device.Type.CUDA, providers));
    CudaNotAvailableException e = assertThrows(CudaNotAvailableException.class,
        () -> Backends.resolve(Device.cuda(0), providers));
    assertEquals("CUDA not available: test: no driver here", e.getMessage());
  }

  @Test
  void aMissingCpuProviderIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Backends.resolve(Device.cpu(), List.of(new UnavailableCuda())));
    assertTrue(e.getMessage().startsWith("No backend for cpu: no cpu backend is on the classpath"),
        e.getMessage());
  }

  @Test
  void aProviderRegisteredThroughAClassLoaderIsPickedUp(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(BackendProvider.class.getName()),
        "# a test backend\n" + FakeCuda.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        BackendsTest.class.getClassLoader())) {
      List<BackendProvider> found = Backends.load(loader);
      List<String> names = found.stream().map(p -> p.getClass().getName()).toList();
      assertTrue(names.contains(FakeCuda.class.getName()), names.toString());
      assertTrue(names.contains(CPU_PROVIDER), names.toString());
      assertNull(Backends.unavailableReason(Device.Type.CUDA, found));
      Backend b = Backends.resolve(Device.cuda(1), found);
      assertEquals(Device.cuda(1), b.device());
      assertEquals("cpu", Backends.resolve(Device.cpu(), found).device().toString());
    }
    // Without the extra loader the fake is not there.
    assertFalse(Backends.load(BackendsTest.class.getClassLoader()).stream()
        .anyMatch(p -> p instanceof FakeCuda));
  }

  /** A CUDA provider that is present but cannot run. */
  static final class UnavailableCuda implements BackendProvider {
    @Override
    public Set<Device.Type> deviceTypes() {
      return Set.of(Device.Type.CUDA);
    }

    @Override
    public boolean isAvailable() {
      return false;
    }

    @Override
    public String unavailableReason() {
      return "test: no driver here";
    }

    @Override
    public Backend create(Device device) {
      throw new AssertionError("create called on an unavailable provider");
    }
  }

  /** A CUDA provider found through a services file; its backend only knows its device. */
  public static final class FakeCuda implements BackendProvider {
    /** For ServiceLoader. */
    public FakeCuda() {}

    @Override
    public Set<Device.Type> deviceTypes() {
      return Set.of(Device.Type.CUDA);
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
      return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
          new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            if (method.getName().equals("device")) {
              return device;
            }
            throw new UnsupportedOperationException(method.getName());
          });
    }
  }
}
