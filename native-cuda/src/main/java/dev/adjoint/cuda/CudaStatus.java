package dev.adjoint.cuda;

import java.util.Map;

/**
 * Turns status codes into exceptions: {@code cudaError_t} (names and messages from the runtime
 * linked into the library when it is loaded, from a small table otherwise), the kernel library's
 * own codes, and {@code cublasStatus_t}.
 */
public final class CudaStatus {
  /** A layout of more rank than the kernels take (strided.cuh's kMaxDims). */
  public static final int BAD_RANK = 100001;
  /** A pointwise program beyond the interpreter's limits (pointwise.cuh). */
  public static final int BAD_PROGRAM = 100002;
  /** Another argument a kernel cannot take. */
  public static final int BAD_ARGUMENT = 100003;

  // cudaError_t values after which the context is unusable (CUDA's "sticky" errors).
  private static final int[] STICKY = {
    700, // cudaErrorIllegalAddress
    702, // cudaErrorLaunchTimeout
    710, // cudaErrorAssert
    714, // cudaErrorHardwareStackError
    715, // cudaErrorIllegalInstruction
    716, // cudaErrorMisalignedAddress
    717, // cudaErrorInvalidAddressSpace
    718, // cudaErrorInvalidPc
    719, // cudaErrorLaunchFailure
  };

  private static final Map<Integer, String> KNOWN = Map.ofEntries(
      Map.entry(1, "cudaErrorInvalidValue"),
      Map.entry(2, "cudaErrorMemoryAllocation"),
      Map.entry(3, "cudaErrorInitializationError"),
      Map.entry(35, "cudaErrorInsufficientDriver"),
      Map.entry(100, "cudaErrorNoDevice"),
      Map.entry(101, "cudaErrorInvalidDevice"),
      Map.entry(209, "cudaErrorNoKernelImageForDevice"),
      Map.entry(700, "cudaErrorIllegalAddress"),
      Map.entry(701, "cudaErrorLaunchOutOfResources"),
      Map.entry(702, "cudaErrorLaunchTimeout"),
      Map.entry(710, "cudaErrorAssert"),
      Map.entry(714, "cudaErrorHardwareStackError"),
      Map.entry(715, "cudaErrorIllegalInstruction"),
      Map.entry(716, "cudaErrorMisalignedAddress"),
      Map.entry(717, "cudaErrorInvalidAddressSpace"),
      Map.entry(718, "cudaErrorInvalidPc"),
      Map.entry(719, "cudaErrorLaunchFailure"),
      Map.entry(999, "cudaErrorUnknown"),
      Map.entry(BAD_RANK, "adjointErrorRank"),
      Map.entry(BAD_PROGRAM, "adjointErrorProgram"),
      Map.entry(BAD_ARGUMENT, "adjointErrorArgument"));

  private CudaStatus() {}

  /** Whether {@code status} is a sticky error that leaves the context unusable. */
  public static boolean isSticky(int status) {
    for (int s : STICKY) {
      if (s == status) {
        return true;
      }
    }
    return false;
  }

  /** The name of a {@code cudaError_t} or kernel status, e.g. {@code cudaErrorInvalidValue}. */
  public static String name(int status) {
    if (status >= BAD_RANK) {
      return KNOWN.getOrDefault(status, "adjointError" + status);
    }
    String n = CudaLibrary.isLoaded() ? CudaRuntime.adj_cudaGetErrorName(status) : null;
    return n != null && !n.startsWith("unrecognized") ? n
        : KNOWN.getOrDefault(status, "cudaError" + status);
  }

  /** The description of a {@code cudaError_t} or kernel status. */
  public static String message(int status) {
    switch (status) {
      case BAD_RANK:
        return "a layout has more dimensions than the CUDA kernels take (16)";
      case BAD_PROGRAM:
        return "the pointwise program exceeds the CUDA interpreter's limits (64 steps, 16 inputs,"
            + " 8 outputs) or is malformed";
      case BAD_ARGUMENT:
        return "an argument the kernel cannot take";
      default:
        return CudaLibrary.isLoaded() ? CudaRuntime.adj_cudaGetErrorString(status)
            : "CUDA error " + status;
    }
  }

  /**
   * Throws for a non-zero {@code cudaError_t} (or kernel status) returned by {@code call}.
   *
   * @throws CudaFatalException for a sticky error
   * @throws CudaException for any other failure
   */
  public static void check(int status, String call) {
    if (status != 0) {
      throw error(status, call);
    }
  }

  /** The exception for a non-zero status: {@link CudaFatalException} when sticky. */
  public static CudaException error(int status, String call) {
    String name = name(status);
    String message = message(status);
    return isSticky(status) ? new CudaFatalException(call, status, name, message)
        : new CudaException(call, status, name, message);
  }

  /** Throws for a non-zero {@code cublasStatus_t} returned by {@code call}. */
  public static void checkCublas(int status, String call) {
    if (status != 0) {
      throw new CudaException(call, status, cublasName(status), "cuBLAS call failed");
    }
  }

  /** The name of a {@code cublasStatus_t}. */
  public static String cublasName(int status) {
    return switch (status) {
      case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
      case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
      case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
      case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
      case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
      case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
      case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
      case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
      case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
      default -> "CUBLAS_STATUS_" + status;
    };
  }
}
