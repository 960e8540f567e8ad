package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Elementwise kernels on operands large enough to be split over threads ({@link StridedLoop#GRAIN})
 * and strided so that no dimensions merge, against plain Java loops over the source arrays.
 */
class StridedLoopParallelTest {
  private static final int ROWS = 500;
  private static final int COLS = 1200;
  /** The view: base.t()[::2], i.e. view[r][c] = base[c][2 r], shape [600, 500]. */
  private static final int VR = COLS / 2;
  private static final int VC = ROWS;
  private static final int N = VR * VC; // 300_000

  private float[] b;
  private Tensor base;
  private Tensor view;

  /** Uniform in [-2, 2) from a seeded generator, built without any tensor op. */
  private static float[] data(long seed, int n) {
    Generator g = new Generator(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (g.nextDouble() * 4 - 2);
    }
    return v;
  }

  private static int baseIndex(int r, int c) {
    return c * COLS + 2 * r;
  }

  @BeforeEach
  void makeView() {
    b = data(1, ROWS * COLS);
    base = Tensor.fromArray(b, ROWS, COLS);
    view = base.t().slice(0, null, null, 2);
    assertArrayEquals(new int[] {VR, VC}, view.shape());
    assertArrayEquals(new int[] {2, COLS}, view.strides());
    assertFalse(view.isContiguous());
  }

  @Test
  void theLoopIsReallySplit() {
    assertTrue(N > 2 * StridedLoop.GRAIN);
    assertTrue(Parallel.chunks(N, StridedLoop.GRAIN) > 1,
        "a loop of " + N + " elements should run on several threads");
  }

  @Test
  void binaryUnaryComparisonAndCopyMatchPlainLoops() {
    float[] w = data(2, N);
    Tensor other = Tensor.fromArray(w, VR, VC);
    float[] col = data(3, VR);
    Tensor colExpanded = Tensor.fromArray(col, VR, 1).expand(VR, VC); // stride 0 along rows

    float[] fma = view.mul(other).add(view).toFloatArray();
    float[] sig = view.sigmoid().toFloatArray();
    boolean[] gt = view.gt(colExpanded).toBooleanArray();
    float[] copy = view.contiguous().toFloatArray();
    float[] shifted = colExpanded.sub(view).toFloatArray();

    for (int r = 0; r < VR; r++) {
      for (int c = 0; c < VC; c++) {
        int i = r * VC + c;
        float x = b[baseIndex(r, c)];
        if (copy[i] != x) {
          fail("copy at [" + r + ", " + c + "]: " + copy[i] + " != " + x);
        }
        // float32 arithmetic is deterministic: x * w rounded to float32, plus x rounded again.
        float p = x * w[i];
        float expect = p + x;
        if (fma[i] != expect) {
          fail("x * w + x at [" + r + ", " + c + "]: " + fma[i] + " != " + expect);
        }
        if (shifted[i] != col[r] - x) {
          fail("col - x at [" + r + ", " + c + "]: " + shifted[i] + " != " + (col[r] - x));
        }
        // sigmoid lies in (0, 1), where a float32 ulp is at most 6e-8: one rounding of a double
        // result is within 3e-8 of the exact value, so 1e-7 bounds any faithful result.
        double s = 1 / (1 + Math.exp(-(double) x));
        if (Math.abs(sig[i] - s) > 1e-7) {
          fail("sigmoid at [" + r + ", " + c + "]: " + sig[i] + " vs " + s);
        }
        if (gt[i] != (x > col[r])) {
          fail("x > col at [" + r + ", " + c + "]: " + gt[i]);
        }
      }
    }
  }

  @Test
  void inPlaceOnTheViewWritesExactlyItsElements() {
    view.mul_(-3.0).add_(0.5);
    float[] after = base.toFloatArray();
    for (int k = 0; k < ROWS * COLS; k++) {
      // The view holds the even columns of base.
      float expect = (k % COLS) % 2 == 0 ? b[k] * -3f + 0.5f : b[k];
      if (after[k] != expect) {
        fail("base element " + k + ": " + after[k] + " != " + expect);
      }
    }
  }

  @Test
  void copyIntoAStridedDestination() {
    Tensor dst = Tensor.zeros(COLS, ROWS).t(); // [500, 1200], non-contiguous
    dst.copy_(base);
    assertArrayEquals(b, dst.toFloatArray());
    // And converting while copying: int64 into the same strided float destination.
    long[] l = new long[ROWS * COLS];
    for (int k = 0; k < l.length; k++) {
      l[k] = k * 7L - 1_000_000;
    }
    dst.copy_(Tensor.fromArray(l, ROWS, COLS));
    float[] got = dst.toFloatArray();
    for (int k = 0; k < l.length; k++) {
      if (got[k] != (float) l[k]) {
        fail("element " + k + ": " + got[k] + " != " + (float) l[k]);
      }
    }
  }

  @Test
  void int64AndFloat64StridedViews() {
    long[] l = new long[ROWS * COLS];
    double[] d = new double[ROWS * COLS];
    for (int k = 0; k < l.length; k++) {
      l[k] = (k * 2654435761L) % 1000 - 500;
      d[k] = b[k] * 0.1;
    }
    Tensor lv = Tensor.fromArray(l, ROWS, COLS).t().slice(0, null, null, 2);
    Tensor dv = Tensor.fromArray(d, ROWS, COLS).t().slice(0, null, null, 2);
    long[] lr = lv.mul(3L).sub(lv.abs()).toLongArray();
    Tensor de = dv.exp();
    assertEquals(DType.FLOAT64, de.dtype());
    double[] dr = de.toDoubleArray();
    for (int r = 0; r < VR; r++) {
      for (int c = 0; c < VC; c++) {
        int i = r * VC + c;
        long x = l[baseIndex(r, c)];
        if (lr[i] != x * 3 - Math.abs(x)) {
          fail("int64 at [" + r + ", " + c + "]: " + lr[i]);
        }
        // float64 exp: Math.exp is within 1 ulp; allow 2 ulps (4.4e-16 relative).
        double e = Math.exp(d[baseIndex(r, c)]);
        if (Math.abs(dr[i] - e) > 4.5e-16 * e) {
          fail("float64 exp at [" + r + ", " + c + "]: " + dr[i] + " vs " + e);
        }
      }
    }
  }
}
