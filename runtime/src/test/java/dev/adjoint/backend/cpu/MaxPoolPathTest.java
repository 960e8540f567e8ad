package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Functional;
import dev.adjoint.nn.FunctionalRules;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Threads;
import dev.adjoint.testing.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Max pooling's paths against PyTorch's CPU rule written out here per window (scan the window row
 * by row from its first element inside the input; a later element wins when it is NaN or
 * strictly greater than the best so far; the backward pass adds each output gradient, in output
 * order, to the zero-filled input gradient at that element), bit for bit: signed zeros, ties,
 * infinities and NaNs with distinct payloads. Covers the 2x2 kernels (plain and vector, over
 * widths around the vector blocks, odd sizes, sub-ranges of planes inside larger arrays), the
 * general path (padding, dilation, overlapping windows), float64, non-contiguous inputs and
 * thread counts.
 */
class MaxPoolPathTest {
  private static final float SENTINEL = 12345.5f;
  /** Few distinct values, so windows tie often; NaNs with three payloads. */
  private static final float[] SPECIAL = {0f, -0f, 1f, 1f, 2f, -1f, Float.NEGATIVE_INFINITY,
      Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00002),
      Float.intBitsToFloat(0x7f800003)};

  private int threadsBefore;

  @BeforeEach
  void saveThreads() {
    threadsBefore = Threads.getNumThreads();
  }

  @AfterEach
  void restoreThreads() {
    Threads.setNumThreads(threadsBefore);
  }

  /**
   * Gradients: small integers, signed zeros and one NaN (overlapping windows add gradients, and
   * which payload a sum of two NaNs keeps depends on the order the JIT puts the operands in).
   */
  private static final float[] GRADIENT_SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY};

  private static float[] values(int n, long seed, boolean special) {
    return values(n, seed, special ? SPECIAL : new float[0]);
  }

  private static float[] gradients(int n, long seed) {
    return values(n, seed, GRADIENT_SPECIAL);
  }

  private static float[] values(int n, long seed, float[] special) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = special.length > 0 && r.nextInt(3) == 0 ? special[r.nextInt(special.length)]
          : (float) r.nextInt(-3, 4);
    }
    return v;
  }

  // ------------------------------------------------------------------ the reference

  /** PyTorch's scan: the in-plane offset of window (i, j)'s maximum. */
  private static int scan(float[] x, int base, int h, int w, int k, int s, int pad, int dil,
      int i, int j) {
    int best = -1;
    float max = Float.NEGATIVE_INFINITY;
    for (int kh = 0; kh < k; kh++) {
      int r = i * s - pad + kh * dil;
      for (int kw = 0; kw < k; kw++) {
        int c = j * s - pad + kw * dil;
        if (r < 0 || r >= h || c < 0 || c >= w) {
          continue;
        }
        float v = x[base + r * w + c];
        if (best < 0 || v > max || Float.isNaN(v)) {
          max = v;
          best = r * w + c;
        }
      }
    }
    return best;
  }

  /** Out size of PyTorch's floor mode. */
  private static int outSize(int in, int k, int s, int pad, int dil) {
    return Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1, s) + 1;
  }

  private static float[] forwardRef(float[] x, int planes, int h, int w, int k, int s, int pad,
      int dil) {
    int oh = outSize(h, k, s, pad, dil);
    int ow = outSize(w, k, s, pad, dil);
    float[] y = new float[planes * oh * ow];
    for (int p = 0, at = 0; p < planes; p++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, at++) {
          y[at] = x[p * h * w + scan(x, p * h * w, h, w, k, s, pad, dil, i, j)];
        }
      }
    }
    return y;
  }

  private static float[] backwardRef(float[] x, float[] g, int planes, int h, int w, int k,
      int s, int pad, int dil) {
    int oh = outSize(h, k, s, pad, dil);
    int ow = outSize(w, k, s, pad, dil);
    float[] d = new float[planes * h * w];
    for (int p = 0, at = 0; p < planes; p++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, at++) {
          d[p * h * w + scan(x, p * h * w, h, w, k, s, pad, dil, i, j)] += g[at];
        }
      }
    }
    return d;
  }

  private static void assertBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int e = Float.floatToRawIntBits(expected[i]);
      int a = Float.floatToRawIntBits(actual[i]);
      if (e != a) {
        throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " (0x"
            + Integer.toHexString(e) + ") but was " + actual[i] + " (0x" + Integer.toHexString(a)
            + ")");
      }
    }
  }

  // ------------------------------------------------------------------ the 2x2 kernels

  private static List<Pooling.TwoByTwo> kernels() {
    List<Pooling.TwoByTwo> k = new ArrayList<>();
    k.add(Pooling.PLAIN_TWO_BY_TWO);
    if (Pooling.vectorTwoByTwo() != null) {
      k.add(Pooling.vectorTwoByTwo());
    }
    return k;
  }

  @Test
  void theVectorKernelsRunWhereTheSuiteRuns() {
    // The suite runs with the Vector API module on a machine with 256-bit vectors; without this
    // the test below would check the plain loops alone.
    assertNotNull(Pooling.vectorTwoByTwo());
    assertEquals(Pooling.vectorTwoByTwo().describe(), Pooling.TWO_BY_TWO.describe());
  }

  @Test
  void twoByTwoKernelsPickTheScansElementAndTouchNothingElse() {
    int[] widths = {1, 2, 3, 4, 5, 8, 9, 14, 15, 16, 17, 18, 19, 28, 31, 32, 33, 34};
    for (Pooling.TwoByTwo kernel : kernels()) {
      long seed = 1;
      for (int h = 2; h <= 7; h++) {
        for (int w : widths) {
          for (int planes : new int[] {1, 3}) {
            check2x2(kernel, planes, h, w, seed++);
          }
        }
      }
    }
  }

  /**
   * {@code planes} planes in the middle of a larger array (a plane of other data before, one
   * after): the kernel must read and write only its own.
   */
  private static void check2x2(Pooling.TwoByTwo kernel, int planes, int h, int w, long seed) {
    String what = kernel.describe() + " planes " + planes + " " + h + "x" + w;
    int in = h * w;
    int oh = h / 2;
    int ow = w / 2;
    int on = oh * ow;
    float[] x = values((planes + 2) * in, seed, true);
    float[] g = gradients((planes + 2) * on, seed + 1000);
    float[] mine = new float[planes * in];
    System.arraycopy(x, in, mine, 0, mine.length);
    float[] myG = new float[planes * on];
    System.arraycopy(g, on, myG, 0, myG.length);

    float[] y = new float[(planes + 2) * on];
    java.util.Arrays.fill(y, SENTINEL);
    kernel.forward(x, in, y, on, planes, h, w, oh, ow);
    float[] expectedY = new float[y.length];
    java.util.Arrays.fill(expectedY, SENTINEL);
    System.arraycopy(forwardRef(mine, planes, h, w, 2, 2, 0, 1), 0, expectedY, on, planes * on);
    assertBits(expectedY, y, what + " forward");

    // The kernel writes window elements only; the others keep what the caller put there.
    float[] d = new float[(planes + 2) * in];
    java.util.Arrays.fill(d, SENTINEL);
    kernel.backward(x, in, g, on, d, in, planes, h, w, oh, ow);
    float[] expectedD = new float[d.length];
    java.util.Arrays.fill(expectedD, SENTINEL);
    float[] ref = backwardRef(mine, myG, planes, h, w, 2, 2, 0, 1);
    for (int p = 0; p < planes; p++) {
      for (int r = 0; r < 2 * oh; r++) {
        for (int c = 0; c < 2 * ow; c++) {
          expectedD[(p + 1) * in + r * w + c] = ref[p * in + r * w + c];
        }
      }
    }
    assertBits(expectedD, d, what + " backward");
  }

  @Test
  void handDerivedWindows() {
    float nan1 = Float.intBitsToFloat(0x7fc00001);
    float nan2 = Float.intBitsToFloat(0xffc00002);
    // Each row: a window a b / c d, the expected maximum and the index (0..3) it comes from.
    Object[][] cases = {
        {new float[] {1f, nan1, nan2, 3f}, nan2, 2}, // the last NaN wins
        {new float[] {nan1, 5f, 6f, 7f}, nan1, 0}, // a NaN beats every later number
        {new float[] {-0f, 0f, 0f, -0f}, -0f, 0}, // signed zeros tie: the first
        {new float[] {0f, -0f, -0f, 0f}, 0f, 0},
        {new float[] {2f, 5f, 5f, 1f}, 5f, 1}, // ties: the first in row order
        {new float[] {2f, 1f, 5f, 5f}, 5f, 2},
        {new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, Float.NEGATIVE_INFINITY, 0},
        {new float[] {1f, 2f, 3f, 4f}, 4f, 3},
    };
    for (Pooling.TwoByTwo kernel : kernels()) {
      // The cases side by side, three times over: 24 windows, a vector block of 8 or 16 and a
      // tail.
      int n = 3 * cases.length;
      float[] x = new float[2 * 2 * n];
      float[] g = new float[n];
      for (int j = 0; j < n; j++) {
        float[] v = (float[]) cases[j % cases.length][0];
        x[2 * j] = v[0];
        x[2 * j + 1] = v[1];
        x[2 * n + 2 * j] = v[2];
        x[2 * n + 2 * j + 1] = v[3];
        g[j] = j % cases.length == 3 ? -0f : j + 0.5f;
      }
      float[] y = new float[n];
      kernel.forward(x, 0, y, 0, 1, 2, 2 * n, 1, n);
      float[] d = new float[x.length];
      kernel.backward(x, 0, g, 0, d, 0, 1, 2, 2 * n, 1, n);
      for (int j = 0; j < n; j++) {
        Object[] c = cases[j % cases.length];
        assertEquals(Float.floatToRawIntBits((float) c[1]), Float.floatToRawIntBits(y[j]),
            kernel.describe() + " window " + j);
        int winner = (int) c[2];
        for (int e = 0; e < 4; e++) {
          int at = (e < 2 ? 0 : 2 * n) + 2 * j + (e % 2);
          // 0 + g at the maximum: a gradient of -0.0 arrives as 0.0, as after PyTorch's zero fill.
          float expected = e == winner ? 0f + g[j] : 0f;
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(d[at]),
              kernel.describe() + " window " + j + " element " + e);
        }
      }
    }
  }

  // ------------------------------------------------------------------ through the op

  private static Tensor maxPool(Tensor x, int k, int s, int pad, int dil) {
    return Functional.maxPool2d(x, new int[] {k}, new int[] {s}, new int[] {pad},
        new int[] {dil});
  }

  private static Tensor maxPoolGrad(Tensor g, Tensor x, int k, int s, int pad, int dil) {
    return FunctionalRules.maxPool2dInput(g, x, new int[] {k}, new int[] {s}, new int[] {pad},
        new int[] {dil});
  }

  @Test
  void everyWindowShapeMatchesTheScanAtEveryThreadCount() {
    // {k, stride, padding, dilation}: the 2x2 fast path, then general windows.
    int[][] windows = {{2, 2, 0, 1}, {3, 2, 1, 1}, {2, 1, 0, 1}, {3, 3, 0, 1}, {2, 2, 1, 1},
        {3, 1, 1, 2}, {2, 3, 0, 1}};
    int[][] sizes = {{40, 3, 14, 14}, {6, 2, 28, 28}, {3, 5, 7, 9}, {2, 3, 8, 30}};
    long seed = 100;
    for (int[] win : windows) {
      for (int[] size : sizes) {
        int planes = size[0] * size[1];
        int h = size[2];
        int w = size[3];
        float[] xv = values(planes * h * w, seed++, true);
        int on = outSize(h, win[0], win[1], win[2], win[3])
            * outSize(w, win[0], win[1], win[2], win[3]);
        float[] gv = gradients(planes * on, seed++);
        float[] y = forwardRef(xv, planes, h, w, win[0], win[1], win[2], win[3]);
        float[] d = backwardRef(xv, gv, planes, h, w, win[0], win[1], win[2], win[3]);
        Tensor x = Tensor.fromArray(xv, size);
        Tensor g = Tensor.fromArray(gv, size[0], size[1], outSize(h, win[0], win[1], win[2],
            win[3]), outSize(w, win[0], win[1], win[2], win[3]));
        for (int threads : new int[] {1, 2, 3}) {
          Threads.setNumThreads(threads);
          String what = java.util.Arrays.toString(win) + " on " + java.util.Arrays.toString(size)
              + ", " + threads + " threads";
          assertBits(y, maxPool(x, win[0], win[1], win[2], win[3]).toFloatArray(), what);
          assertBits(d, maxPoolGrad(g, x, win[0], win[1], win[2], win[3]).toFloatArray(), what);
        }
      }
    }
  }

  @Test
  void float64AndNonContiguousInputsGiveTheSameResults() {
    // Small integers, infinities and signed zeros are exact in both dtypes; NaNs are left out
    // here (their payloads do not survive a dtype change unchanged).
    float[] xv = values(4 * 3 * 10 * 12, 7, false);
    for (int i = 0; i < xv.length; i += 11) {
      xv[i] = i % 3 == 0 ? -0f : i % 3 == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
    }
    float[] gv = values(4 * 3 * 5 * 6, 8, false);
    Tensor x = Tensor.fromArray(xv, 4, 3, 10, 12);
    Tensor g = Tensor.fromArray(gv, 4, 3, 5, 6);
    for (int[] win : new int[][] {{2, 2, 0, 1}, {3, 2, 1, 1}}) {
      // Both windows pool 10x12 to 5x6.
      Tensor y = maxPool(x, win[0], win[1], win[2], win[3]);
      Tensor gy = g;
      Tensor d = maxPoolGrad(gy, x, win[0], win[1], win[2], win[3]);
      Tensor y64 = maxPool(x.to(DType.FLOAT64), win[0], win[1], win[2], win[3]);
      Tensor d64 = maxPoolGrad(gy.to(DType.FLOAT64), x.to(DType.FLOAT64), win[0], win[1],
          win[2], win[3]);
      assertEquals(DType.FLOAT64, y64.dtype());
      assertBits(y.toFloatArray(), y64.to(DType.FLOAT32).toFloatArray(), "float64 forward");
      assertBits(d.toFloatArray(), d64.to(DType.FLOAT32).toFloatArray(), "float64 backward");
      // The same values read through a transposed view (H and W swapped twice).
      Tensor xt = x.transpose(2, 3).contiguous().transpose(2, 3);
      assertTrue(!xt.isContiguous());
      assertBits(y.toFloatArray(), maxPool(xt, win[0], win[1], win[2], win[3]).toFloatArray(),
          "non-contiguous forward");
      assertBits(d.toFloatArray(), maxPoolGrad(gy, xt, win[0], win[1], win[2], win[3])
          .toFloatArray(), "non-contiguous backward");
    }
  }

  // ------------------------------------------------------------------ allocation

  @Test
  void vectorKernelsAllocateNothing() throws Exception {
    assertNotNull(Pooling.vectorTwoByTwo());
    String out = ChildJvm.run(MaskingAllocationMain.class);
    long allocated = ChildJvm.lastNumber(out);
    // A vector boxed per block would allocate megabytes here (100 calls of 3000+ blocks).
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes:\n" + out);
  }
}
