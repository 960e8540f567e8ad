package dev.adjoint.cuda;

import com.sun.jna.Native;

/**
 * The CUDA runtime API, bound by direct mapping from {@code libadjoint_cuda.so}, which links the
 * runtime statically: each {@code adj_<name>} is exactly the runtime's {@code <name>} (same
 * arguments, same {@code cudaError_t} result), exported under that prefix because the static
 * runtime's own symbols stay hidden. Pointers, streams and events are {@code long}s; out
 * parameters are one-element arrays. The class registers its natives when first used, so merely
 * loading it needs no GPU; statuses are turned into exceptions by {@link CudaStatus}.
 */
public final class CudaRuntime {
  /** {@code cudaMemcpyHostToDevice}. */
  public static final int MEMCPY_HOST_TO_DEVICE = 1;
  /** {@code cudaMemcpyDeviceToHost}. */
  public static final int MEMCPY_DEVICE_TO_HOST = 2;
  /** {@code cudaMemcpyDeviceToDevice}. */
  public static final int MEMCPY_DEVICE_TO_DEVICE = 3;
  /** {@code cudaStreamNonBlocking}. */
  public static final int STREAM_NON_BLOCKING = 1;
  /** {@code cudaEventDisableTiming}. */
  public static final int EVENT_DISABLE_TIMING = 2;
  /** {@code cudaErrorNoDevice}. */
  public static final int ERROR_NO_DEVICE = 100;
  /** {@code cudaErrorInsufficientDriver}. */
  public static final int ERROR_INSUFFICIENT_DRIVER = 35;
  /** {@code cudaErrorMemoryAllocation}. */
  public static final int ERROR_MEMORY_ALLOCATION = 2;

  static {
    Native.register(CudaRuntime.class, CudaLibrary.load());
  }

  private CudaRuntime() {}

  /** {@code cudaRuntimeGetVersion}. */
  public static native int adj_cudaRuntimeGetVersion(int[] version);

  /** {@code cudaDriverGetVersion}: 0 when no driver is installed. */
  public static native int adj_cudaDriverGetVersion(int[] version);

  /** {@code cudaGetDeviceCount}. */
  public static native int adj_cudaGetDeviceCount(int[] count);

  /** {@code cudaSetDevice}. */
  public static native int adj_cudaSetDevice(int device);

  /** {@code cudaDeviceSynchronize}. */
  public static native int adj_cudaDeviceSynchronize();

  /** {@code cudaGetLastError}. */
  public static native int adj_cudaGetLastError();

  /** {@code cudaGetErrorName}. */
  public static native String adj_cudaGetErrorName(int error);

  /** {@code cudaGetErrorString}. */
  public static native String adj_cudaGetErrorString(int error);

  /** {@code cudaMemGetInfo}. */
  public static native int adj_cudaMemGetInfo(long[] free, long[] total);

  /** {@code cudaDeviceGetAttribute}. */
  public static native int adj_cudaDeviceGetAttribute(int[] value, int attr, int device);

  /** {@code cudaMalloc}. */
  public static native int adj_cudaMalloc(long[] ptr, long bytes);

  /** {@code cudaFree}. */
  public static native int adj_cudaFree(long ptr);

  /** {@code cudaMallocHost} (pinned host memory). */
  public static native int adj_cudaMallocHost(long[] ptr, long bytes);

  /** {@code cudaFreeHost}. */
  public static native int adj_cudaFreeHost(long ptr);

  /** {@code cudaMemcpyAsync}. */
  public static native int adj_cudaMemcpyAsync(long dst, long src, long bytes, int kind,
      long stream);

  /** {@code cudaMemsetAsync}. */
  public static native int adj_cudaMemsetAsync(long dst, int value, long bytes, long stream);

  /** {@code cudaStreamCreateWithFlags}. */
  public static native int adj_cudaStreamCreateWithFlags(long[] stream, int flags);

  /** {@code cudaStreamSynchronize}. */
  public static native int adj_cudaStreamSynchronize(long stream);

  /** {@code cudaStreamDestroy}. */
  public static native int adj_cudaStreamDestroy(long stream);

  /** {@code cudaEventCreateWithFlags}. */
  public static native int adj_cudaEventCreateWithFlags(long[] event, int flags);

  /** {@code cudaEventRecord}. */
  public static native int adj_cudaEventRecord(long event, long stream);

  /** {@code cudaEventSynchronize}. */
  public static native int adj_cudaEventSynchronize(long event);

  /** {@code cudaEventDestroy}. */
  public static native int adj_cudaEventDestroy(long event);

  /** The kernel ABI version of the loaded library. */
  public static native int adj_kernels_abi_version();
}
