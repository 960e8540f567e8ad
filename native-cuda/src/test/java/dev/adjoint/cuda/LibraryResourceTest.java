package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged library: present exactly when nvcc was present at build time (Maven's cuda profile
 * says so through {@code adjoint.cuda.built}), loadable without a GPU or driver, exporting every
 * function the Java bindings name (so a binding typo fails here, not on the first GPU run), and
 * giving the CUDA runtime's status names.
 */
class LibraryResourceTest {
  private static final boolean BUILT = Boolean.getBoolean("adjoint.cuda.built");

  @Test
  void theResourceIsPresentExactlyWhenNvccWas() {
    boolean present = CudaLibrary.class.getClassLoader().getResource(CudaLibrary.RESOURCE) != null;
    assertEquals(BUILT, present, "adjoint.cuda.built=" + BUILT + " but " + CudaLibrary.RESOURCE
        + (present ? " is" : " is not") + " on the classpath");
  }

  private static List<String> natives(Class<?> c) {
    List<String> out = new ArrayList<>();
    for (Method m : c.getDeclaredMethods()) {
      if (Modifier.isNative(m.getModifiers())) {
        out.add(m.getName());
      }
    }
    return out;
  }

  @Test
  void everyBoundFunctionIsExported() {
    org.junit.jupiter.api.Assumptions.assumeTrue(BUILT,
        "skipped: the library was not built (nvcc absent at build time)");
    NativeLibrary lib = CudaLibrary.load();
    List<String> names = new ArrayList<>(natives(Kernels.class));
    names.addAll(natives(CudaRuntime.class));
    names.addAll(natives(HostKernels.class));
    assertTrue(names.size() > 130, "only " + names.size() + " bindings found");
    List<String> missing = new ArrayList<>();
    for (String n : names) {
      try {
        assertNotNull(lib.getFunction(n));
      } catch (UnsatisfiedLinkError e) {
        missing.add(n);
      }
    }
    assertEquals(List.of(), missing, "bound but not exported by libadjoint_cuda.so");
    // The static runtime's own symbols stay hidden: only the adj_ wrappers leave the library.
    org.junit.jupiter.api.Assertions.assertThrows(UnsatisfiedLinkError.class,
        () -> lib.getFunction("cudaMalloc"));
  }

  @Test
  void statusNamesComeFromTheLinkedRuntime() {
    org.junit.jupiter.api.Assumptions.assumeTrue(BUILT,
        "skipped: the library was not built (nvcc absent at build time)");
    CudaLibrary.load();
    assertEquals(CudaLibrary.ABI_VERSION, CudaRuntime.adj_kernels_abi_version());
    assertEquals("cudaErrorIllegalAddress", CudaStatus.name(700));
    assertEquals("cudaErrorMemoryAllocation", CudaStatus.name(2));
    CudaException fatal = CudaStatus.error(700, "max_pool2d_f32");
    assertInstanceOf(CudaFatalException.class, fatal);
    assertTrue(fatal.getMessage().startsWith("max_pool2d_f32 failed: cudaErrorIllegalAddress"
        + " (700): "), fatal.getMessage());
    assertTrue(fatal.getMessage().contains("illegal memory access"), fatal.getMessage());
    CudaException oom = CudaStatus.error(2, "cudaMalloc(64 bytes)");
    assertFalse(oom instanceof CudaFatalException);
    assertEquals("cudaMalloc(64 bytes)", oom.call());
    assertEquals(2, oom.status());
    CudaException rank = CudaStatus.error(CudaStatus.BAD_RANK, "copy_f32_f32");
    assertTrue(rank.getMessage().contains("at most") || rank.getMessage().contains("16"),
        rank.getMessage());
  }

  @Test
  void directMappingRegistersAndEntryPointsCheckTheirArgumentsAndLaunches() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(BUILT,
        "skipped: the library was not built (nvcc absent at build time)");
    org.junit.jupiter.api.Assumptions.assumeFalse(dev.adjoint.backend.Backends.cudaAvailable(),
        "skipped: a GPU is usable here; these calls pass null device pointers");
    // Registering every native method checks each Java signature maps to a C type.
    Class.forName("dev.adjoint.cuda.Kernels", true, getClass().getClassLoader());
    Class.forName("dev.adjoint.cuda.CudaRuntime", true, getClass().getClassLoader());
    // Arguments the kernels cannot take are refused before any launch.
    long[] rank17 = new long[2 + 2 * 17];
    rank17[0] = 17;
    assertEquals(CudaStatus.BAD_RANK, Kernels.fill_f32(0, rank17, 1.0, 0));
    long[] vector = LayoutCodec.encode(dev.adjoint.backend.Layout.contiguous(4));
    assertEquals(CudaStatus.BAD_ARGUMENT, Kernels.index_select_f32(0, vector, 3, 0, 2, 0, 0));
    assertEquals(CudaStatus.BAD_ARGUMENT, Kernels.adam_f32(49, new long[49], new long[49],
        new long[49], new long[49], new long[49], 1e-3, 0.9, 0.999, 1e-8, 0, 0, 1, 0));
    // Empty work launches nothing and succeeds.
    assertEquals(0, Kernels.fill_f32(0, LayoutCodec.encode(
        dev.adjoint.backend.Layout.contiguous(0)), 1.0, 0));
    // A real launch without a usable GPU fails with the runtime's own initialisation error,
    // checked at the launch (the same status cudaGetDeviceCount reports), never silently.
    int[] count = new int[1];
    int init = CudaRuntime.adj_cudaGetDeviceCount(count);
    assertTrue(init != 0, "cudaGetDeviceCount succeeded without a usable GPU?");
    assertEquals(init, Kernels.fill_f32(0, vector, 1.0, 0));
    CudaException e = org.junit.jupiter.api.Assertions.assertThrows(CudaException.class,
        () -> CudaStatus.check(Kernels.fill_f32(0, vector, 1.0, 0), "fill_f32"));
    assertTrue(e.getMessage().startsWith("fill_f32 failed: cudaError"), e.getMessage());
  }
}
