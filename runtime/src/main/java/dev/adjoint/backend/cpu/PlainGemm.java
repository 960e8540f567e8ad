package dev.adjoint.backend.cpu;

/**
 * {@link Gemm} in plain loops: the rows of C are split over the cores, each row accumulated as
 * {@code C[i, :] += (alpha A[i, p]) B[p, :]} (unit stride through B and C when B is not
 * transposed, which the JIT vectorizes), or as dot products when it is.
 */
final class PlainGemm implements Gemm.Kernels {
  static final PlainGemm INSTANCE = new PlainGemm();
  private static final int ROW_BLOCK = 32;
  private static final int K_BLOCK = 256;

  private PlainGemm() {}

  @Override
  public String describe() {
    return "plain loops";
  }

  @Override
  public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao,
      int lda, float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc,
      boolean parallel) {
    int blocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
    Parallel.forEach(blocks, parallel && blocks > 1, t -> {
      int i0 = t * ROW_BLOCK;
      int i1 = Math.min(m, i0 + ROW_BLOCK);
      Gemm.scale(beta, c, co + i0 * ldc, ldc, i1 - i0, n);
      for (int kb = 0; kb < k; kb += K_BLOCK) {
        int ke = Math.min(k, kb + K_BLOCK);
        for (int i = i0; i < i1; i++) {
          int crow = co + i * ldc;
          for (int p = kb; p < ke; p++) {
            float aip = alpha * (ta ? a[ao + p * lda + i] : a[ao + i * lda + p]);
            if (tb) {
              for (int j = 0; j < n; j++) {
                c[crow + j] += aip * b[bo + j * ldb + p];
              }
            } else {
              int brow = bo + p * ldb;
              for (int j = 0; j < n; j++) {
                c[crow + j] += aip * b[brow + j];
              }
            }
          }
        }
      }
    });
  }

  @Override
  public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a,
      int ao, int lda, double[] b, int bo, int ldb, double beta, double[] c, int co, int ldc,
      boolean parallel) {
    int blocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
    Parallel.forEach(blocks, parallel && blocks > 1, t -> {
      int i0 = t * ROW_BLOCK;
      int i1 = Math.min(m, i0 + ROW_BLOCK);
      Gemm.scale(beta, c, co + i0 * ldc, ldc, i1 - i0, n);
      for (int kb = 0; kb < k; kb += K_BLOCK) {
        int ke = Math.min(k, kb + K_BLOCK);
        for (int i = i0; i < i1; i++) {
          int crow = co + i * ldc;
          for (int p = kb; p < ke; p++) {
            double aip = alpha * (ta ? a[ao + p * lda + i] : a[ao + i * lda + p]);
            if (tb) {
              for (int j = 0; j < n; j++) {
                c[crow + j] += aip * b[bo + j * ldb + p];
              }
            } else {
              int brow = bo + p * ldb;
              for (int j = 0; j < n; j++) {
                c[crow + j] += aip * b[brow + j];
              }
            }
          }
        }
      }
    });
  }
}
