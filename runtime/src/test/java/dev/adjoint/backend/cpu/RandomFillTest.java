package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.Philox;
import dev.adjoint.tensor.DType;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's random fills against a sequential loop over the counter stream that reads
 * every value straight from {@link Philox#word} and the documented formulas: for any split into
 * chunks, on 1, 2 and 3 threads, at any place in a storage.
 */
class RandomFillTest {
  private static final long SEED = 0x0123_4567_89ab_cdefL;
  private static final long OFFSET = 1_000_003;
  /** Large enough for the default split to use several chunks; odd: the last block is half used. */
  private static final int N = 3 * (int) RandomFill.GRAIN + 5;
  private static final int START = 7;
  private static final int[] CHUNKS = {1, 2, 3, 7, 64};

  private static double[] referenceUniform(int n, double low, double high) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = low + (high - low) * Philox.uniformDouble(Philox.word(SEED, OFFSET, i));
    }
    return v;
  }

  private static float[] referenceUniformFloat(int n, double low, double high) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      float u = Philox.uniformFloat(Philox.word(SEED, OFFSET, i));
      v[i] = low == 0 && high == 1 ? u : (float) (low + (high - low) * u);
    }
    return v;
  }

  private static double[] referenceNormal(int n, double mean, double std) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      long w0 = Philox.word(SEED, OFFSET, i & ~1);
      long w1 = Philox.word(SEED, OFFSET, i | 1);
      v[i] = mean + std * Philox.normal(w0, w1, (i & 1) == 1);
    }
    return v;
  }

  private static boolean[] referenceBernoulli(int n, double p) {
    boolean[] v = new boolean[n];
    for (int i = 0; i < n; i++) {
      v[i] = Philox.uniformDouble(Philox.word(SEED, OFFSET, i)) < p;
    }
    return v;
  }

  private static long[] referenceInt(int n, long low, long high) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = low + Philox.below(Philox.word(SEED, OFFSET, i), high - low);
    }
    return v;
  }

  /** A storage with {@code START} elements before the fill and 3 after it, all of them NaN/-1. */
  private static CpuStorage storage(DType dtype) {
    CpuStorage s = CpuStorage.allocate(dtype, START + N + 3);
    for (int i = 0; i < s.size(); i++) {
      s.setDouble(i, dtype.isFloatingPoint() ? Double.NaN : -1);
    }
    return s;
  }

  /** {@code fill} at every split and thread count gives {@code expected}; the rest is untouched. */
  private static void check(DType dtype, Object expected, Consumer<Integer> fillWithChunks,
      Consumer<CpuStorage> fillByDefault, CpuStorage[] target) {
    for (int threads = 1; threads <= 3; threads++) {
      for (int chunks : CHUNKS) {
        target[0] = storage(dtype);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
          pool.submit(() -> fillWithChunks.accept(chunks)).join();
        } finally {
          pool.shutdown();
        }
        assertRegion(dtype, expected, target[0], threads + " threads, " + chunks + " chunks");
      }
    }
    CpuStorage s = storage(dtype);
    fillByDefault.accept(s);
    assertRegion(dtype, expected, s, "the backend's own split");
  }

  private static void assertRegion(DType dtype, Object expected, CpuStorage s, String how) {
    Object a = s.array();
    switch (dtype) {
      case FLOAT32 -> {
        float[] f = (float[]) a;
        assertArrayEquals((float[]) expected, java.util.Arrays.copyOfRange(f, START, START + N),
            how);
        assertTrue(Float.isNaN(f[START - 1]) && Float.isNaN(f[START + N]), how);
      }
      case FLOAT64 -> {
        double[] d = (double[]) a;
        assertArrayEquals((double[]) expected, java.util.Arrays.copyOfRange(d, START, START + N),
            how);
        assertTrue(Double.isNaN(d[START - 1]) && Double.isNaN(d[START + N]), how);
      }
      case INT64 -> {
        long[] l = (long[]) a;
        assertArrayEquals((long[]) expected, java.util.Arrays.copyOfRange(l, START, START + N),
            how);
        assertEquals(-1, l[START - 1], how);
        assertEquals(-1, l[START + N], how);
      }
      case BOOL -> {
        boolean[] b = (boolean[]) a;
        assertArrayEquals((boolean[]) expected, java.util.Arrays.copyOfRange(b, START, START + N),
            how);
      }
    }
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void theDefaultSplitReallySplits() {
    assertTrue(N > 2 * RandomFill.GRAIN);
    assertTrue(Parallel.threads() == 1 || RandomFill.defaultChunks(N) > 1,
        "a fill of " + N + " values should run on several threads");
  }

  @Test
  void uniformMatchesTheStreamForAnySplitAndThreadCount() {
    CpuStorage[] t = new CpuStorage[1];
    check(DType.FLOAT64, referenceUniform(N, -3, 5),
        c -> RandomFill.uniform(t[0], START, N, SEED, OFFSET, -3, 5, c),
        s -> CpuBackend.INSTANCE.randomUniform(s, START, N, SEED, OFFSET, -3, 5), t);
    check(DType.FLOAT32, referenceUniformFloat(N, 0, 1),
        c -> RandomFill.uniform(t[0], START, N, SEED, OFFSET, 0, 1, c),
        s -> CpuBackend.INSTANCE.randomUniform(s, START, N, SEED, OFFSET, 0, 1), t);
    check(DType.FLOAT32, referenceUniformFloat(N, -0.25, 0.5),
        c -> RandomFill.uniform(t[0], START, N, SEED, OFFSET, -0.25, 0.5, c),
        s -> CpuBackend.INSTANCE.randomUniform(s, START, N, SEED, OFFSET, -0.25, 0.5), t);
  }

  @Test
  void normalMatchesTheStreamForAnySplitAndThreadCount() {
    CpuStorage[] t = new CpuStorage[1];
    double[] expected = referenceNormal(N, 2, 0.5);
    check(DType.FLOAT64, expected,
        c -> RandomFill.normal(t[0], START, N, SEED, OFFSET, 2, 0.5, c),
        s -> CpuBackend.INSTANCE.randomNormal(s, START, N, SEED, OFFSET, 2, 0.5), t);
    check(DType.FLOAT32, toFloat(expected),
        c -> RandomFill.normal(t[0], START, N, SEED, OFFSET, 2, 0.5, c),
        s -> CpuBackend.INSTANCE.randomNormal(s, START, N, SEED, OFFSET, 2, 0.5), t);
  }

  @Test
  void bernoulliMatchesTheStreamInEveryDtype() {
    CpuStorage[] t = new CpuStorage[1];
    boolean[] expected = referenceBernoulli(N, 0.3);
    check(DType.BOOL, expected,
        c -> RandomFill.bernoulli(t[0], START, N, SEED, OFFSET, 0.3, c),
        s -> CpuBackend.INSTANCE.randomBernoulli(s, START, N, SEED, OFFSET, 0.3), t);
    double[] d = new double[N];
    float[] f = new float[N];
    long[] l = new long[N];
    for (int i = 0; i < N; i++) {
      d[i] = expected[i] ? 1 : 0;
      f[i] = (float) d[i];
      l[i] = (long) d[i];
    }
    check(DType.FLOAT64, d, c -> RandomFill.bernoulli(t[0], START, N, SEED, OFFSET, 0.3, c),
        s -> CpuBackend.INSTANCE.randomBernoulli(s, START, N, SEED, OFFSET, 0.3), t);
    check(DType.FLOAT32, f, c -> RandomFill.bernoulli(t[0], START, N, SEED, OFFSET, 0.3, c),
        s -> CpuBackend.INSTANCE.randomBernoulli(s, START, N, SEED, OFFSET, 0.3), t);
    check(DType.INT64, l, c -> RandomFill.bernoulli(t[0], START, N, SEED, OFFSET, 0.3, c),
        s -> CpuBackend.INSTANCE.randomBernoulli(s, START, N, SEED, OFFSET, 0.3), t);
  }

  @Test
  void integersMatchTheStreamIncludingTheWidestRange() {
    CpuStorage[] t = new CpuStorage[1];
    check(DType.INT64, referenceInt(N, -5, 12),
        c -> RandomFill.integers(t[0], START, N, SEED, OFFSET, -5, 12, c),
        s -> CpuBackend.INSTANCE.randomInt(s, START, N, SEED, OFFSET, -5, 12), t);
    check(DType.INT64, referenceInt(N, Long.MIN_VALUE, Long.MAX_VALUE),
        c -> RandomFill.integers(t[0], START, N, SEED, OFFSET, Long.MIN_VALUE, Long.MAX_VALUE, c),
        s -> CpuBackend.INSTANCE.randomInt(s, START, N, SEED, OFFSET, Long.MIN_VALUE,
            Long.MAX_VALUE), t);
    long[] small = referenceInt(N, 0, 1000);
    double[] d = new double[N];
    for (int i = 0; i < N; i++) {
      d[i] = small[i];
    }
    check(DType.FLOAT64, d, c -> RandomFill.integers(t[0], START, N, SEED, OFFSET, 0, 1000, c),
        s -> CpuBackend.INSTANCE.randomInt(s, START, N, SEED, OFFSET, 0, 1000), t);
  }

  /**
   * A draw split into two draws, the first of an even number {@code k} of values and the second
   * starting {@code k / 2} blocks later, gives the same numbers as the draw in one piece.
   */
  @Test
  void aFillSplitAtABlockBoundaryIsTheSameFill() {
    for (int k : new int[] {0, 2, 10, 4096, N - 1}) {
      CpuStorage whole = storage(DType.FLOAT32);
      CpuBackend.INSTANCE.randomNormal(whole, START, N, SEED, OFFSET, 0, 1);
      CpuStorage parts = storage(DType.FLOAT32);
      CpuBackend.INSTANCE.randomNormal(parts, START, k, SEED, OFFSET, 0, 1);
      CpuBackend.INSTANCE.randomNormal(parts, START + k, N - k, SEED, OFFSET + k / 2, 0, 1);
      assertArrayEquals(whole.floats(), parts.floats(), "split at " + k);
    }
  }

  @Test
  void uniformStaysBelowHighWhenRoundingWouldReachIt() {
    // [1, 1 + 2^-30) in float32: every value rounds to 1 or to 1 + 2^-23 > high; all must be 1.
    CpuStorage s = CpuStorage.allocate(DType.FLOAT32, 1000);
    CpuBackend.INSTANCE.randomUniform(s, 0, 1000, SEED, 0, 1, 1 + 0x1p-30);
    for (float v : s.floats()) {
      assertEquals(1f, v);
    }
    CpuStorage d = CpuStorage.allocate(DType.FLOAT64, 1000);
    CpuBackend.INSTANCE.randomUniform(d, 0, 1000, SEED, 0, 1, Math.nextUp(1.0));
    for (double v : d.doubles()) {
      assertEquals(1.0, v);
    }
  }

  @Test
  void badRegionsAndDtypesAreRefused() {
    CpuStorage s = CpuStorage.allocate(DType.FLOAT32, 10);
    assertEquals("randomUniform: elements [8, 11) are outside a storage of 10 elements",
        assertThrows(IndexOutOfBoundsException.class,
            () -> CpuBackend.INSTANCE.randomUniform(s, 8, 3, 0, 0, 0, 1)).getMessage());
    CpuStorage b = CpuStorage.allocate(DType.BOOL, 10);
    assertEquals("randomNormal: cannot fill a torch.bool storage (floating expected)",
        assertThrows(IllegalArgumentException.class,
            () -> CpuBackend.INSTANCE.randomNormal(b, 0, 10, 0, 0, 0, 1)).getMessage());
    assertEquals("randomInt: expected low < high, got low=3, high=3",
        assertThrows(IllegalArgumentException.class,
            () -> CpuBackend.INSTANCE.randomInt(s, 0, 10, 0, 0, 3, 3)).getMessage());
  }
}
