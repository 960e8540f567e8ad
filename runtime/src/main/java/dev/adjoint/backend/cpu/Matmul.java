package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.Tensor;

/**
 * Batched matrix product of contiguous {@code [B, M, K] @ [B, K, N]}: float types through
 * {@link Gemm} (split over the cores inside each product), int64 in plain loops split by row
 * blocks. Results accumulate in the operands' dtype, like BLAS.
 */
final class Matmul {
  private static final int ROW_BLOCK = 32;

  private Matmul() {}

  static void batched(Tensor a, Tensor b, Tensor c) {
    int batch = a.shape()[0];
    int m = a.shape()[1];
    int k = a.shape()[2];
    int n = b.shape()[2];
    Object x = CpuBackend.array(a);
    Object y = CpuBackend.array(b);
    Object z = CpuBackend.array(c);
    int ao = a.storageOffset();
    int bo = b.storageOffset();
    int co = c.storageOffset();
    boolean parallel = (long) m * n * k >= (1L << 16) && Parallel.threads() > 1;
    switch (a.dtype()) {
      case FLOAT32 -> {
        for (int bi = 0; bi < batch; bi++) {
          Gemm.sgemm(false, false, m, n, k, 1f, (float[]) x, ao + bi * m * k, k, (float[]) y,
              bo + bi * k * n, n, 1f, (float[]) z, co + bi * m * n, n, parallel);
        }
      }
      case FLOAT64 -> {
        for (int bi = 0; bi < batch; bi++) {
          Gemm.dgemm(false, false, m, n, k, 1.0, (double[]) x, ao + bi * m * k, k, (double[]) y,
              bo + bi * k * n, n, 1.0, (double[]) z, co + bi * m * n, n, parallel);
        }
      }
      case INT64 -> {
        int rowBlocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        Parallel.forEach(batch * rowBlocks, parallel, t -> {
          int bi = t / rowBlocks;
          int i0 = (t % rowBlocks) * ROW_BLOCK;
          i64((long[]) x, ao + bi * m * k, (long[]) y, bo + bi * k * n, (long[]) z,
              co + bi * m * n, k, n, i0, Math.min(m, i0 + ROW_BLOCK));
        });
      }
      case BOOL -> throw new IllegalStateException("matmul has no bool kernel");
    }
  }

  /**
   * {@code C[i, :] += A[i, :] @ B} for rows {@code i0 <= i < i1} of row-major {@code A [., k]},
   * {@code B [k, n]} and {@code C [., n]} starting at the given offsets (also used by
   * {@link Convolution}), through {@link Gemm}, on the calling thread.
   */
  static void f32(float[] a, int ao, float[] b, int bo, float[] c, int co, int k, int n,
      int i0, int i1) {
    Gemm.sgemm(false, false, i1 - i0, n, k, 1f, a, ao + i0 * k, k, b, bo, n, 1f, c, co + i0 * n,
        n, false);
  }

  /** {@link #f32} in float64. */
  static void f64(double[] a, int ao, double[] b, int bo, double[] c, int co, int k,
      int n, int i0, int i1) {
    Gemm.dgemm(false, false, i1 - i0, n, k, 1.0, a, ao + i0 * k, k, b, bo, n, 1.0, c,
        co + i0 * n, n, false);
  }

  private static void i64(long[] a, int ao, long[] b, int bo, long[] c, int co, int k, int n,
      int i0, int i1) {
    for (int i = i0; i < i1; i++) {
      for (int p = 0; p < k; p++) {
        long aip = a[ao + i * k + p];
        for (int j = 0; j < n; j++) {
          c[co + i * n + j] += aip * b[bo + p * n + j];
        }
      }
    }
  }
}
