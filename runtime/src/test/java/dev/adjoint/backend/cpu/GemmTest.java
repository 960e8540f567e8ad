package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.testing.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Both GEMM implementations against a plain triple loop in float64 (the oracle), over shapes that
 * hit every edge of the packed kernels: sizes below, at and above the tile (6 rows, two vectors
 * of columns) and block sizes (256 of k, 96 rows, 1024 columns), both transposes, leading
 * dimensions wider than the matrices, offsets, alpha and beta (beta 0 overwriting NaN).
 */
class GemmTest {
  private static final int[][] SHAPES = {
      {1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {6, 32, 1}, {6, 32, 256}, {7, 33, 257}, {13, 17, 5},
      {96, 64, 40}, {97, 100, 300}, {130, 1030, 20}, {2, 2050, 3}, {200, 31, 513}, {0, 5, 4},
      {4, 0, 4}, {3, 5, 0}, {1, 300, 100}, {300, 1, 100}, {1, 40, 1000}, {1000, 1, 8},
      {1, 8, 20640}, {7, 13, 5}, {97, 65, 33}, {61, 129, 300}, {20, 600, 40}, {70, 2, 9}};

  private static List<Gemm.Kernels> kernels() {
    List<Gemm.Kernels> all = new ArrayList<>();
    all.add(Gemm.plain());
    if (Gemm.vector() != null) {
      all.add(Gemm.vector());
    }
    return all;
  }

  @Test
  void theVectorKernelsRunInTheTestJvm() {
    // The surefire configuration adds the module; without it this class would test one kernel.
    assertNotNull(Gemm.vector(), "jdk.incubator.vector is not in the test JVM");
    assertTrue(Gemm.kernel().startsWith("vector"), Gemm.kernel());
  }

  /**
   * Compiled, the vector GEMM allocates nothing on any of its paths. Checked in a JVM of its own
   * (as DenseMathTest checks its kernels), where the kernels are compiled from these calls: a
   * kernel compiled with boxed vectors allocates megabytes per call and runs many times slower.
   */
  @Test
  void theVectorKernelsAllocateNothing() throws Exception {
    assertNotNull(Gemm.vector());
    String out = ChildJvm.run(GemmAllocationMain.class, "-Dadjoint.threads=1");
    long allocated = ChildJvm.lastNumber(out);
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes:\n" + out);
  }

  @Test
  void float32AgreesWithTheOracle() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (Gemm.Kernels g : kernels()) {
      for (int[] s : SHAPES) {
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0;
          boolean tb = (t & 2) != 0;
          check32(g, rnd, s[0], s[1], s[2], ta, tb, t == 3 ? 0.5f : 1f, t == 1 ? 0f : 1.5f);
        }
      }
    }
  }

  @Test
  void float64AgreesWithTheOracle() {
    SplittableRandom rnd = new SplittableRandom(6);
    for (Gemm.Kernels g : kernels()) {
      for (int[] s : SHAPES) {
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0;
          boolean tb = (t & 2) != 0;
          check64(g, rnd, s[0], s[1], s[2], ta, tb, t == 2 ? -2.0 : 1.0, t == 1 ? 0.0 : 0.25);
        }
      }
    }
  }

  private static void check32(Gemm.Kernels g, SplittableRandom rnd, int m, int n, int k,
      boolean ta, boolean tb, float alpha, float beta) {
    // Stored with padding: leading dimensions 3 wider, operands after an offset of 2.
    int ar = ta ? k : m;
    int ac = ta ? m : k;
    int br = tb ? n : k;
    int bc = tb ? k : n;
    int lda = ac + 3;
    int ldb = bc + 3;
    int ldc = n + 3;
    float[] a = new float[2 + ar * lda];
    float[] b = new float[2 + br * ldb];
    float[] c = new float[2 + m * ldc];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = beta == 0 ? Float.NaN : (float) (rnd.nextDouble() * 2 - 1);
    }
    float[] before = c.clone();
    g.sgemm(ta, tb, m, n, k, alpha, a, 2, lda, b, 2, ldb, beta, c, 2, ldc, true);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < ldc; j++) {
        int at = 2 + i * ldc + j;
        if (j >= n) {
          assertEquals(before[at], c[at], 0, "padding of C written at " + i + ", " + j);
          continue;
        }
        double sum = 0;
        double abs = 0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a[2 + p * lda + i] : a[2 + i * lda + p];
          double y = tb ? b[2 + j * ldb + p] : b[2 + p * ldb + j];
          sum += x * y;
          abs += Math.abs(x * y);
        }
        double want = alpha * sum + (beta == 0 ? 0 : beta * before[at]);
        double tol = 1e-6 * (Math.abs(alpha) * abs + (beta == 0 ? 0 : Math.abs(beta * before[at]))) + 1e-7;
        assertEquals(want, c[at], tol, g.describe() + " " + m + "x" + n + "x" + k + " ta="
            + ta + " tb=" + tb + " at " + i + ", " + j);
      }
    }
  }

  private static void check64(Gemm.Kernels g, SplittableRandom rnd, int m, int n, int k,
      boolean ta, boolean tb, double alpha, double beta) {
    int ar = ta ? k : m;
    int ac = ta ? m : k;
    int br = tb ? n : k;
    int bc = tb ? k : n;
    int lda = ac + 1;
    int ldb = bc + 2;
    int ldc = n + 1;
    double[] a = new double[1 + ar * lda];
    double[] b = new double[1 + br * ldb];
    double[] c = new double[1 + m * ldc];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble() * 2 - 1;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = rnd.nextDouble() * 2 - 1;
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = beta == 0 ? Double.NaN : rnd.nextDouble() * 2 - 1;
    }
    double[] before = c.clone();
    g.dgemm(ta, tb, m, n, k, alpha, a, 1, lda, b, 1, ldb, beta, c, 1, ldc, true);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int at = 1 + i * ldc + j;
        double sum = 0;
        double abs = 0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a[1 + p * lda + i] : a[1 + i * lda + p];
          double y = tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j];
          sum += x * y;
          abs += Math.abs(x * y);
        }
        double want = alpha * sum + (beta == 0 ? 0 : beta * before[at]);
        double tol = 1e-14 * (Math.abs(alpha) * abs + (beta == 0 ? 0 : Math.abs(beta * before[at]))) + 1e-15;
        assertEquals(want, c[at], tol, g.describe() + " " + m + "x" + n + "x" + k);
      }
      assertEquals(before[1 + i * ldc + n], c[1 + i * ldc + n], 0, "padding of C written");
    }
  }
}
