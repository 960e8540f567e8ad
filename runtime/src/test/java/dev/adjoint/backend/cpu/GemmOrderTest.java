package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.adjoint.tensor.Threads;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The float32 vector GEMM computes, bit for bit, the arithmetic its documentation states, on
 * every path (A packed or read in place, edge tiles, several blocks of 256 products, panels of B
 * wider than 512 columns, matrix-vector products) and whatever the thread count and split: per
 * block of 256 products, a chain of fused multiply-adds in order of p of alpha * A's element and
 * B's, from zero, then added to C (to 0 when beta is 0, to beta * C otherwise). The oracle below
 * is that sentence written as scalar loops.
 */
class GemmOrderTest {
  private static final int KC = 256;
  /**
   * m, n, k: tiny and odd shapes, edges of the 6 x 32 tile, B panels read with A in place (n up
   * to 128) and packed, two and three blocks of k, more than one 512-column panel, rows split
   * (m large) and columns split (n large), and matrix-vector shapes.
   */
  private static final int[][] SHAPES = {
      {1, 1, 1}, {2, 2, 2}, {7, 13, 5}, {6, 32, 256}, {6, 32, 257}, {12, 64, 40}, {13, 100, 7},
      {97, 65, 33}, {97, 65, 300}, {120, 128, 70}, {61, 129, 90}, {200, 160, 513},
      {40, 530, 50}, {9, 1030, 60}, {300, 40, 60}, {1, 70, 600}, {70, 1, 600}, {5, 2, 3}};

  private int before;

  @BeforeEach
  void remember() {
    before = Threads.getNumThreads();
  }

  @AfterEach
  void restore() {
    Threads.setNumThreads(before);
  }

  @Test
  void everyPathComputesTheDocumentedChainsBitForBit() {
    Gemm.Kernels v = Gemm.vector();
    assertNotNull(v, "jdk.incubator.vector is not in the test JVM");
    SplittableRandom rnd = new SplittableRandom(17);
    for (int[] s : SHAPES) {
      for (int layout = 0; layout < 4; layout++) {
        boolean ta = (layout & 1) != 0;
        boolean tb = (layout & 2) != 0;
        for (float[] ab : new float[][] {{1f, 0f}, {1f, 1f}, {-0.75f, 1.5f}}) {
          for (int threads : new int[] {1, 2, 3}) {
            Threads.setNumThreads(threads);
            check(v, rnd, s[0], s[1], s[2], ta, tb, ab[0], ab[1], threads);
          }
        }
      }
    }
  }

  private static void check(Gemm.Kernels v, SplittableRandom rnd, int m, int n, int k,
      boolean ta, boolean tb, float alpha, float beta, int threads) {
    // Operands stored with wider rows than they need (lda > k, ...) and after an offset.
    int lda = (ta ? m : k) + 5;
    int ldb = (tb ? k : n) + 2;
    int ldc = n + 3;
    float[] a = values(rnd, 4 + (ta ? k : m) * lda);
    float[] b = values(rnd, 1 + (tb ? n : k) * ldb);
    float[] c = values(rnd, 2 + m * ldc);
    if (beta == 0) {
      java.util.Arrays.fill(c, Float.NaN);
    }
    float[] want = c.clone();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int at = 2 + i * ldc + j;
        float acc = beta == 0 ? 0f : beta == 1 ? want[at] : beta * want[at];
        for (int pc = 0; pc < k; pc += KC) {
          float chain = 0f;
          for (int p = pc; p < Math.min(k, pc + KC); p++) {
            float x = alpha * (ta ? a[4 + p * lda + i] : a[4 + i * lda + p]);
            float y = tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j];
            chain = Math.fma(x, y, chain);
          }
          acc += chain;
        }
        want[at] = acc;
      }
    }
    v.sgemm(ta, tb, m, n, k, alpha, a, 4, lda, b, 1, ldb, beta, c, 2, ldc, true);
    for (int at = 0; at < c.length; at++) {
      if (Float.floatToRawIntBits(want[at]) != Float.floatToRawIntBits(c[at])) {
        int i = (at - 2) / ldc;
        int j = (at - 2) % ldc;
        assertEquals(want[at], c[at], 0, m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb
            + " alpha=" + alpha + " beta=" + beta + " threads=" + threads + " at " + i + ", "
            + j + " (bits " + Integer.toHexString(Float.floatToRawIntBits(want[at])) + " vs "
            + Integer.toHexString(Float.floatToRawIntBits(c[at])) + ")");
      }
    }
  }

  private static float[] values(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
