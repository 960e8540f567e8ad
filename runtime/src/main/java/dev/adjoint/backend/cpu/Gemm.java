package dev.adjoint.backend.cpu;

import java.util.Locale;

/**
 * BLAS-shaped matrix products on Java arrays: {@code C = alpha * op(A) @ op(B) + beta * C}, with
 * {@code op(X)} = X or its transpose, row-major operands with leading dimensions (the distance
 * between rows), so a transposed or strided operand is read where it lies, never copied first.
 *
 * <p>Two implementations: packed, register-blocked kernels written with the JDK's incubating
 * Vector API ({@code VectorGemm}), used when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}; otherwise plain loops. The system property {@code adjoint.simd=false}
 * forces the plain loops. {@link #kernel()} says which one runs.
 *
 * <p>As in BLAS, {@code beta == 0} means C is overwritten (NaN or infinity already in C does not
 * propagate), and results accumulate in the operands' dtype.
 */
final class Gemm {
  /** The two products, float32 and float64. */
  interface Kernels {
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
        int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
        boolean parallel);

    void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a,
        int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff,
        int ldc, boolean parallel);

    /** A short description for logs and benchmarks. */
    String describe();
  }

  private static final Kernels KERNELS = choose();

  private Gemm() {}

  /** Which implementation runs, e.g. "vector (512-bit, 6x32 float tiles)" or "plain loops". */
  static String kernel() {
    return KERNELS.describe();
  }

  static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
      int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
      boolean parallel) {
    if (m == 0 || n == 0) {
      return;
    }
    KERNELS.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
        parallel);
  }

  static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c,
      int cOff, int ldc, boolean parallel) {
    if (m == 0 || n == 0) {
      return;
    }
    KERNELS.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
        parallel);
  }

  /** The plain loops, whatever the JVM's options (for tests comparing both). */
  static Kernels plain() {
    return PlainGemm.INSTANCE;
  }

  /** The vector kernels, or null when the JVM lacks the Vector API module. */
  static Kernels vector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Kernels) Class.forName("dev.adjoint.backend.cpu.VectorGemm")
          .getDeclaredField("INSTANCE").get(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static Kernels choose() {
    String simd = System.getProperty("adjoint.simd", "true").toLowerCase(Locale.ROOT);
    Kernels v = simd.equals("false") ? null : vector();
    return v != null ? v : PlainGemm.INSTANCE;
  }

  /** Multiplies C by beta in place (beta 0 overwrites with zeros, as BLAS). */
  static void scale(float beta, float[] c, int cOff, int ldc, int m, int n) {
    if (beta == 1f) {
      return;
    }
    if (ldc == n || m == 1) {
      // One run of elements (a matrix-vector product's C of 20640 x 1 went row by row).
      int end = cOff + (m == 1 ? n : m * n);
      if (beta == 0f) {
        java.util.Arrays.fill(c, cOff, end, 0f);
      } else {
        for (int k = cOff; k < end; k++) {
          c[k] = beta * c[k];
        }
      }
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0f ? 0f : beta * c[row + j];
      }
    }
  }

  /** {@link #scale(float, float[], int, int, int, int)} in float64. */
  static void scale(double beta, double[] c, int cOff, int ldc, int m, int n) {
    if (beta == 1.0) {
      return;
    }
    if (ldc == n || m == 1) {
      // One run of elements (a matrix-vector product's C of 20640 x 1 went row by row).
      int end = cOff + (m == 1 ? n : m * n);
      if (beta == 0.0) {
        java.util.Arrays.fill(c, cOff, end, 0.0);
      } else {
        for (int k = cOff; k < end; k++) {
          c[k] = beta * c[k];
        }
      }
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0.0 ? 0.0 : beta * c[row + j];
      }
    }
  }
}
