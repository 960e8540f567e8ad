package dev.adjoint.backend.cpu;

/**
 * BLAS's strided batched GEMM on CPU storages: float types through {@link Gemm} (split over the
 * cores inside each product), int64 in plain loops split by row blocks. Results accumulate in the
 * operands' dtype, like BLAS.
 */
final class Matmul {
  private static final int ROW_BLOCK = 32;

  private Matmul() {}

  /** See {@link dev.adjoint.backend.Backend#gemm}; offsets and strides already fit an int. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      CpuStorage a, int ao, int lda, int strideA, CpuStorage b, int bo, int ldb, int strideB,
      double beta, CpuStorage c, int co, int ldc, int strideC, int batch) {
    boolean parallel = (long) m * n * k >= (1L << 16) && Parallel.threads() > 1;
    switch (c.dtype()) {
      case FLOAT32 -> {
        for (int bi = 0; bi < batch; bi++) {
          Gemm.sgemm(transA, transB, m, n, k, (float) alpha, a.floats(), ao + bi * strideA, lda,
              b.floats(), bo + bi * strideB, ldb, (float) beta, c.floats(), co + bi * strideC,
              ldc, parallel);
        }
      }
      case FLOAT64 -> {
        for (int bi = 0; bi < batch; bi++) {
          Gemm.dgemm(transA, transB, m, n, k, alpha, a.doubles(), ao + bi * strideA, lda,
              b.doubles(), bo + bi * strideB, ldb, beta, c.doubles(), co + bi * strideC, ldc,
              parallel);
        }
      }
      case INT64 -> {
        long al = (long) alpha;
        long be = (long) beta;
        int rowBlocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        Parallel.forEach(batch * rowBlocks, parallel, t -> {
          int bi = t / rowBlocks;
          int i0 = (t % rowBlocks) * ROW_BLOCK;
          i64(transA, transB, k, n, al, a.longs(), ao + bi * strideA, lda, b.longs(),
              bo + bi * strideB, ldb, be, c.longs(), co + bi * strideC, ldc, i0,
              Math.min(m, i0 + ROW_BLOCK));
        });
      }
      case BOOL -> throw new IllegalArgumentException("gemm: no bool kernel");
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

  private static void i64(boolean transA, boolean transB, int k, int n, long alpha, long[] a,
      int ao, int lda, long[] b, int bo, int ldb, long beta, long[] c, int co, int ldc, int i0,
      int i1) {
    for (int i = i0; i < i1; i++) {
      int row = co + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0 ? 0 : beta * c[row + j];
      }
      for (int p = 0; p < k; p++) {
        long aip = alpha * a[ao + (transA ? p * lda + i : i * lda + p)];
        for (int j = 0; j < n; j++) {
          c[row + j] += aip * b[bo + (transB ? j * ldb + p : p * ldb + j)];
        }
      }
    }
  }
}
