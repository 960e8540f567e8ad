package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.Tensor;

/**
 * Batched matrix product of contiguous {@code [B, M, K] @ [B, K, N]}: cache-blocked over K and N
 * with an i-k-j inner order (unit stride through B and C), split over the cores by row blocks.
 * Results accumulate in the operands' dtype, like BLAS.
 */
final class Matmul {
  private static final int ROW_BLOCK = 32;
  private static final int K_BLOCK = 256;
  private static final int N_BLOCK = 1024;

  private Matmul() {}

  static void batched(Tensor a, Tensor b, Tensor c) {
    int batch = a.shape()[0];
    int m = a.shape()[1];
    int k = a.shape()[2];
    int n = b.shape()[2];
    int rowBlocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
    int tasks = batch * rowBlocks;
    boolean parallel = tasks > 1 && (long) m * n * k * batch >= (1L << 16) && Parallel.threads() > 1;
    Object x = CpuBackend.array(a);
    Object y = CpuBackend.array(b);
    Object z = CpuBackend.array(c);
    int ao = a.storageOffset();
    int bo = b.storageOffset();
    int co = c.storageOffset();
    Parallel.forEach(tasks, parallel, t -> {
      int bi = t / rowBlocks;
      int i0 = (t % rowBlocks) * ROW_BLOCK;
      int i1 = Math.min(m, i0 + ROW_BLOCK);
      int aOff = ao + bi * m * k;
      int bOff = bo + bi * k * n;
      int cOff = co + bi * m * n;
      switch (a.dtype()) {
        case FLOAT32 -> f32((float[]) x, aOff, (float[]) y, bOff, (float[]) z, cOff, k, n, i0, i1);
        case FLOAT64 -> f64((double[]) x, aOff, (double[]) y, bOff, (double[]) z, cOff, k, n, i0, i1);
        case INT64 -> i64((long[]) x, aOff, (long[]) y, bOff, (long[]) z, cOff, k, n, i0, i1);
        case BOOL -> throw new IllegalStateException("matmul has no bool kernel");
      }
    });
  }

  /**
   * {@code C[i, :] += A[i, :] @ B} for rows {@code i0 <= i < i1} of row-major {@code A [., k]},
   * {@code B [k, n]} and {@code C [., n]} starting at the given offsets (also used by
   * {@link Convolution}).
   */
  static void f32(float[] a, int ao, float[] b, int bo, float[] c, int co, int k, int n,
      int i0, int i1) {
    for (int kb = 0; kb < k; kb += K_BLOCK) {
      int ke = Math.min(k, kb + K_BLOCK);
      for (int jb = 0; jb < n; jb += N_BLOCK) {
        int je = Math.min(n, jb + N_BLOCK);
        for (int i = i0; i < i1; i++) {
          int crow = co + i * n;
          int arow = ao + i * k;
          for (int p = kb; p < ke; p++) {
            float aip = a[arow + p];
            int brow = bo + p * n;
            for (int j = jb; j < je; j++) {
              c[crow + j] += aip * b[brow + j];
            }
          }
        }
      }
    }
  }

  /** {@link #f32} in float64. */
  static void f64(double[] a, int ao, double[] b, int bo, double[] c, int co, int k,
      int n, int i0, int i1) {
    for (int kb = 0; kb < k; kb += K_BLOCK) {
      int ke = Math.min(k, kb + K_BLOCK);
      for (int jb = 0; jb < n; jb += N_BLOCK) {
        int je = Math.min(n, jb + N_BLOCK);
        for (int i = i0; i < i1; i++) {
          int crow = co + i * n;
          int arow = ao + i * k;
          for (int p = kb; p < ke; p++) {
            double aip = a[arow + p];
            int brow = bo + p * n;
            for (int j = jb; j < je; j++) {
              c[crow + j] += aip * b[brow + j];
            }
          }
        }
      }
    }
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
