package dev.adjoint.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.ArrayList;
import java.util.List;

/**
 * cuBLAS, bound from the user's CUDA installation by soname ({@code libcublas.so.13}, then
 * {@code .12}): C names verbatim, {@code cublasStatus_t} results, handles, streams and device
 * pointers as {@code long}s, {@code alpha} and {@code beta} as one-element host arrays (the
 * default host pointer mode). Loaded on the first GEMM, so a machine without cuBLAS can still run
 * everything else.
 */
public interface CuBlas extends Library {
  /** {@code CUBLAS_OP_N}. */
  int OP_N = 0;
  /** {@code CUBLAS_OP_T}. */
  int OP_T = 1;

  /** The sonames tried, in order. */
  List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

  /** {@code cublasCreate_v2}. */
  int cublasCreate_v2(long[] handle);

  /** {@code cublasDestroy_v2}. */
  int cublasDestroy_v2(long handle);

  /** {@code cublasSetStream_v2}. */
  int cublasSetStream_v2(long handle, long stream);

  /** {@code cublasSgemmStridedBatched}. */
  int cublasSgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k,
      float[] alpha, long a, int lda, long strideA, long b, int ldb, long strideB, float[] beta,
      long c, int ldc, long strideC, int batchCount);

  /** {@code cublasDgemmStridedBatched}. */
  int cublasDgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k,
      double[] alpha, long a, int lda, long strideA, long b, int ldb, long strideB,
      double[] beta, long c, int ldc, long strideC, int batchCount);

  /**
   * cuBLAS from the first soname that loads.
   *
   * @throws MissingCudaLibraryException naming every soname tried and why each failed
   */
  static CuBlas load() {
    return Holder.get();
  }

  /** Loads once; remembers a failure so that each GEMM does not search again. */
  final class Holder {
    private static CuBlas instance;
    private static MissingCudaLibraryException failure;

    private Holder() {}

    static synchronized CuBlas get() {
      if (instance != null) {
        return instance;
      }
      if (failure != null) {
        throw failure;
      }
      List<String> tried = new ArrayList<>();
      for (String soname : SONAMES) {
        try {
          instance = Native.load(soname, CuBlas.class);
          return instance;
        } catch (UnsatisfiedLinkError e) {
          tried.add(soname + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
      }
      failure = new MissingCudaLibraryException("cuBLAS", tried);
      throw failure;
    }
  }
}
