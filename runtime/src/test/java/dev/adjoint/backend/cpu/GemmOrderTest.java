package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.adjoint.tensor.Threads;
import dev.adjoint.testing.ChildJvm;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float32 vector GEMM computes, bit for bit, the arithmetic its documentation states, on
 * every path (A packed or read in place, edge tiles, several blocks of 256 products, panels of B
 * wider than 512 columns, matrix-vector products) and whatever the thread count and split: per
 * block of 256 products, a chain of fused multiply-adds in order of p of alpha * A's element and
 * B's, from zero, then added to C (to 0 when beta is 0, to beta * C otherwise). Matrix-vector
 * products (m or n is 1) take the dot-product order instead, whatever the layout: 16 running
 * chains of fused multiply-adds from zero, product p in chain p mod 16, combined by halving
 * (l += l + 8, then l + 4, l + 2, l + 1), then added to C. The oracle below is those sentences
 * written as scalar loops.
 */
class GemmOrderTest {
  private static final int KC = 256;
  /**
   * m, n, k: tiny and odd shapes, edges of the 6 x 32 tile, B panels read with A in place (n up
   * to 128) and packed, a small B read in place, two and three blocks of k, more than one
   * 512-column panel, rows split (m large) and columns split (n large), and matrix-vector shapes.
   */
  private static final int[][] SHAPES = {
      {1, 1, 1}, {2, 2, 2}, {7, 13, 5}, {6, 32, 256}, {6, 32, 257}, {13, 100, 7},
      {97, 65, 33}, {97, 65, 300}, {120, 128, 70}, {61, 129, 90}, {200, 160, 513},
      {40, 530, 50}, {9, 1030, 60}, {300, 40, 60}, {1, 70, 600}, {70, 1, 600}, {5, 2, 3},
      // B small enough to be read in place (k * ldb at most 4096, whole strips of 32 columns):
      // full and short strips of A (13 = 2 * 6 + 1), rows split over the threads (200 x 96).
      {12, 64, 40}, {64, 64, 62}, {13, 32, 100}, {17, 64, 3}, {200, 96, 40},
      // Matrix-vector products: the dot-product path (k at least 16, whole and partial groups
      // of 16, four rows at a time and the rest), outputs in vector lanes (four vectors at a
      // time, a masked partial vector, blocks of 256 interleaved), and eight scalar chains.
      {1, 1, 40}, {1, 37, 16}, {1, 5, 31}, {1, 256, 784}, {1, 9, 2000}, {8, 1, 2000},
      {20, 1, 1100}, {1, 3, 9000}, {131, 1, 8}, {1, 70, 15}, {133, 1, 4}, {77, 1, 2},
      {41, 1, 1}, {1, 50, 8}, {3, 1, 24},
      // Outer products (k = 1), split over the threads when large.
      {7, 45, 1}, {300, 257, 1}};

  @Test
  void everyPathComputesTheDocumentedChainsBitForBit() {
    checkAllShapes();
  }

  /**
   * The same bits with narrower vectors (256 and 128 bits, as on a machine without AVX-512):
   * the 16 running sums of a matrix-vector product then take two vectors, or scalars. Checked
   * in JVMs of their own started with {@code -XX:MaxVectorSize}.
   */
  @Test
  void narrowerVectorsComputeTheSameBits() throws Exception {
    for (int bytes : new int[] {32, 16}) {
      String out = ChildJvm.run(GemmOrderTest.class, "-XX:MaxVectorSize=" + bytes);
      org.junit.jupiter.api.Assertions.assertTrue(out.contains("kernel: vector (" + bytes * 8
          + "-bit"), out);
    }
  }

  /** Runs the check in this JVM (for {@link #narrowerVectorsComputeTheSameBits}). */
  public static void main(String[] args) {
    checkAllShapes();
    System.out.println("kernel: " + Gemm.kernel());
  }

  private static void checkAllShapes() {
    int before = Threads.getNumThreads();
    try {
      checkEveryShape();
    } finally {
      Threads.setNumThreads(before);
    }
  }

  private static void checkEveryShape() {
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
            check(v, rnd, s[0], s[1], s[2], ta, tb, ab[0], ab[1], threads, false, 8);
            if (s[0] == 1 || s[1] == 1 || s[2] == 1) {
              // Dense operands (no room past the last row): short rows back to back, vector
              // loads near the arrays' ends, C scaled as one run.
              check(v, rnd, s[0], s[1], s[2], ta, tb, ab[0], ab[1], threads, true, 8);
              // Half the values signed zeros: whole rows of zero products, added to C's -0s.
              check(v, rnd, s[0], s[1], s[2], ta, tb, ab[0], ab[1], threads, true, 2);
            }
          }
        }
      }
    }
  }

  private static void check(Gemm.Kernels v, SplittableRandom rnd, int m, int n, int k,
      boolean ta, boolean tb, float alpha, float beta, int threads, boolean dense,
      int zeroOdds) {
    // Operands stored with wider rows than they need (lda > k, ...) and after an offset, or
    // dense.
    int lda = (ta ? m : k) + (dense ? 0 : 5);
    int ldb = (tb ? k : n) + (dense ? 0 : 2);
    int ldc = n + (dense ? 0 : 3);
    float[] a = values(rnd, 4 + (ta ? k : m) * lda, zeroOdds);
    float[] b = values(rnd, 1 + (tb ? n : k) * ldb, zeroOdds);
    float[] c = values(rnd, 2 + m * ldc, zeroOdds);
    if (beta == 0) {
      java.util.Arrays.fill(c, Float.NaN);
    }
    float[] want = c.clone();
    boolean dotOrder = m == 1 || n == 1;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int at = 2 + i * ldc + j;
        float acc = beta == 0 ? 0f : beta == 1 ? want[at] : beta * want[at];
        if (dotOrder) {
          float[] sums = new float[16];
          for (int p = 0; p < k; p++) {
            float x = alpha * (ta ? a[4 + p * lda + i] : a[4 + i * lda + p]);
            float y = tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j];
            sums[p % 16] = Math.fma(x, y, sums[p % 16]);
          }
          for (int h = 8; h > 0; h >>= 1) {
            for (int l = 0; l < h; l++) {
              sums[l] = sums[l] + sums[l + h];
            }
          }
          want[at] = acc + sums[0];
          continue;
        }
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
        // Compared as bits: a tolerance of 0 would let -0 pass for +0.
        assertEquals(Integer.toHexString(Float.floatToRawIntBits(want[at])),
            Integer.toHexString(Float.floatToRawIntBits(c[at])), m + "x" + n + "x" + k + " ta="
                + ta + " tb=" + tb + " alpha=" + alpha + " beta=" + beta + " threads=" + threads
                + " dense=" + dense + " at " + i + ", " + j + " (" + want[at] + " vs " + c[at]
                + ")");
      }
    }
  }

  /** Values in (-1, 1), one in {@code zeroOdds} a signed zero. */
  private static float[] values(SplittableRandom rnd, int size, int zeroOdds) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      // Products and short sums of -0 and +0 occur (the order fixes which zero comes out).
      x[i] = rnd.nextInt(zeroOdds) == 0 ? (rnd.nextBoolean() ? 0f : -0f)
          : (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
