package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Reductions (and indexSelect) read strided and broadcast views in place (issue 9, items 4 and
 * 6): no copy of the view, no buffer that grows with the input or outlives the call. Memory is checked through the
 * bytes the JVM reports as allocated by the threads, which a copy or a per-call row buffer of the
 * input's size would exceed by orders of magnitude.
 */
class StridedReductionTest {
  /** Far below the 1 GiB a copy of the 2^28-element view would need, and the 8 MiB of a row. */
  private static final long SMALL_ALLOCATION = 1 << 20;

  @Test
  void sumOfAHugeBroadcastViewDoesNotCopyIt() {
    Tensor x = Tensor.ones(1).expand(1 << 28);
    Tensor s = x.sum();
    // 2^28 ones: every partial sum is an integer below 2^53, exact in double and in float32.
    assertEquals(0x1p28, s.item());
    long allocated = leastAllocation(SMALL_ALLOCATION, () -> { }, x::sum);
    assertTrue(allocated < SMALL_ALLOCATION, "sum of a broadcast view allocated " + allocated
        + " bytes");
  }

  /**
   * equal and allClose are reductions too: on broadcast views of 2^24 elements they compare
   * block by block, so they finish in a 96 MiB heap, where one float64 copy of the view (128
   * MiB), as a whole-tensor comparison makes, does not fit. Checked in a child JVM with that heap
   * (64 MiB, tried before, left the JVM itself too little: one run in ten ran out of memory
   * before and after the comparison was made block by block).
   */
  @Test
  void equalAndAllCloseOfHugeBroadcastViewsFitInASmallHeap() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-Xmx96m", "-cp",
        System.getProperty("java.class.path"), CompareInSmallHeapMain.class.getName())
        .redirectErrorStream(true)
        .start();
    String out = new String(child.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), out);
    assertEquals("true true false false", out.strip());
  }

  /** One different element in the last block, one in the middle, in the first: each found. */
  @Test
  void equalAndAllCloseFindADifferenceInAnyBlock() {
    int n = 3 * (1 << 18) + 5;
    for (int at : new int[] {n - 1, n / 2, 0}) {
      Tensor a = Tensor.zeros(DType.FLOAT64, n);
      Tensor b = Tensor.zeros(DType.FLOAT64, n);
      b.get(at).fill_(1e-3);
      assertFalse(a.equal(b), "equal, difference at " + at);
      assertFalse(a.allClose(b, 0, 1e-4), "allClose, difference at " + at);
      assertTrue(a.allClose(b, 0, 1e-2), "allClose within atol, difference at " + at);
      Tensor a2 = a.view(n, 1).expand(n, 3).t();
      Tensor b2 = b.view(n, 1).expand(n, 3).t();
      assertFalse(a2.equal(b2), "equal of [3, n] views, difference at " + at);
      assertTrue(a2.equal(a2.clone()), "equal of a view and its copy");
      assertFalse(a2.allClose(b.view(1, n), 0, 1e-4), "allClose broadcast, difference at " + at);
      assertTrue(a2.allClose(a.view(1, n), 0, 0), "allClose broadcast, same values");
    }
  }

  @Test
  void everyReductionOfABroadcastViewAgreesWithItsCopy() {
    // 3 rows, each one value repeated 2^16 times, then seen as [3, 256, 256] and [256, 3, 256].
    Tensor col = Tensor.of(new double[] {0.5, -1.25, 3}).view(3, 1, 1);
    Tensor x = col.expand(3, 256, 256);
    assertEquals(0, x.strides()[1]);
    assertAllReductionsMatchCopy(x);
    assertAllReductionsMatchCopy(x.permute(1, 0, 2));
    Tensor rowSums = x.sum(new int[] {1, 2}, false);
    assertArrayEquals(new double[] {0.5 * 65536, -1.25 * 65536, 3 * 65536},
        rowSums.toDoubleArray());
    long allocated = leastAllocation(SMALL_ALLOCATION, () -> { },
        () -> x.sum(new int[] {1, 2}, false));
    assertTrue(allocated < SMALL_ALLOCATION, "allocated " + allocated + " bytes");
  }

  @Test
  void reductionsOfPermutedSlicedAndBroadcastViewsAgreeWithTheirCopies() {
    // The kernel reads the view in the same logical order as the copy, so results are equal
    // exactly (values, indices and dtypes), which catches any wrong offset or stride.
    Generator gen = new Generator(11);
    Tensor base = Tensor.randn(gen, 4, 5, 6).toDouble();
    List<Tensor> views = new ArrayList<>();
    views.add(base.permute(2, 0, 1));
    views.add(base.transpose(0, 2).index("1:, ::2, :"));
    views.add(base.index(":, 1:4, ::3"));
    views.add(base.index("::2, :, 2:3").expand(2, 5, 7));
    views.add(base.narrow(1, 1, 3).view(4, 3, 1, 6).expand(4, 3, 2, 6).permute(3, 2, 0, 1));
    views.add(base.toFloat().permute(1, 2, 0));
    for (Tensor v : views) {
      assertFalse(v.isContiguous(), "view " + v.shape().length);
      assertAllReductionsMatchCopy(v);
    }
    Tensor ints = Tensor.arange(60).view(3, 4, 5).permute(2, 0, 1);
    Tensor bools = ints.gt(30).transpose(0, 2);
    for (Tensor v : List.of(ints, bools, ints.index("::2, :, 1:2").expand(2, 3, 3, 4))) {
      for (int dim = -1; dim < v.dim(); dim++) {
        int d = dim;
        assertSame(v, t -> d < 0 ? t.sum() : t.sum(d));
        assertSame(v, t -> d < 0 ? t.prod() : t.prod(d, false));
        assertSame(v, t -> d < 0 ? t.max() : t.max(d).values());
        assertSame(v, t -> d < 0 ? t.argmin() : t.min(d).indices());
        assertSame(v, t -> d < 0 ? t.logsumexp(new int[] {0, 1}, true) : t.logsumexp(d));
      }
    }
  }

  @Test
  void pairwiseAccuracyHoldsAcrossChunks() {
    // 2^24 copies of the double nearest 0.1: the exact sum is that double times 2^24. Pairwise
    // summation keeps the relative error below about (64 + log2 n) eps; a running sum would be off
    // by up to n eps (2^24 eps = 2^-29), which this bound rejects.
    double tenth = 0.1;
    Tensor x = Tensor.full(tenth, DType.FLOAT64, 1).expand(1 << 24);
    double exact = tenth * 0x1p24;
    double bound = (64 + 24) * 0x1p-53 * exact;
    assertEquals(exact, x.sum().item(), bound);
    assertEquals(tenth, x.mean().item(), (64 + 24) * 0x1p-53 * tenth);
    // A constant's variance is the square of the mean's rounding error at most (two-pass form).
    double meanError = (64 + 24) * 0x1p-53 * tenth;
    assertEquals(0.0, x.var().item(), meanError * meanError);
  }

  @Test
  void repeatedSumsOfALargeTensorAllocateNothingOfItsSize() {
    // The reported case: a 16 MB tensor whose sum made a row buffer per call per thread, kept by
    // the threads. 4 rows of 2^20 floats, reduced on up to 4 threads; then the whole tensor.
    Tensor x = Tensor.rand(new Generator(3), 4, 1 << 20);
    // Warm up every reduction measured: until the JIT compiles them, the Vector API kernels run
    // as plain Java objects and allocate per vector (60-130 MB on a first call), which says
    // nothing about the buffers (run alone, one warm-up call of two of them failed this test).
    Runnable reductions = () -> {
      for (int i = 0; i < 20; i++) {
        x.sum(1);
        x.sum();
        x.var(1);
        x.max(1);
      }
    };
    long allocated = leastAllocation(16 * SMALL_ALLOCATION, reductions, reductions);
    // A row buffer per call per thread was 8 MiB each (over 600 MiB for these 80 calls); the
    // bounded buffers take a few KiB per task. 16 MiB is less than one copy of the input.
    assertTrue(allocated < 16 * SMALL_ALLOCATION, "80 reductions allocated " + allocated
        + " bytes");
  }

  @Test
  void indexSelectReadsAStridedOrBroadcastSourceInPlace() {
    Tensor huge = Tensor.of(new float[] {1, 2}).view(2, 1).expand(2, 1 << 28);
    long before = allocatedByAllThreads();
    Tensor picked = huge.indexSelect(1, Tensor.of(5L, (1L << 28) - 1));
    long allocated = allocatedByAllThreads() - before;
    assertArrayEquals(new double[] {1, 1, 2, 2}, picked.toDoubleArray());
    assertTrue(allocated < SMALL_ALLOCATION, "allocated " + allocated + " bytes");
    // Every dim of permuted and sliced views, against the copy.
    Tensor base = Tensor.arange(60).view(3, 4, 5);
    for (Tensor v : List.of(base.permute(2, 0, 1), base.index(":, ::2, 1:"),
        base.index("1:2").expand(2, 4, 5))) {
      for (int dim = 0; dim < v.dim(); dim++) {
        Tensor index = Tensor.of(v.size(dim) - 1L, 0L, v.size(dim) - 1L);
        assertArrayEquals(v.contiguous().indexSelect(dim, index).toLongArray(),
            v.indexSelect(dim, index).toLongArray());
        assertArrayEquals(v.contiguous().indexSelect(dim, index).shape(),
            v.indexSelect(dim, index).shape());
      }
    }
  }

  // ================================================================== helpers

  private static void assertAllReductionsMatchCopy(Tensor v) {
    for (int dim = -1; dim < v.dim(); dim++) {
      int d = dim;
      assertSame(v, t -> d < 0 ? t.sum() : t.sum(d));
      assertSame(v, t -> d < 0 ? t.mean() : t.mean(new int[] {d, (d + 1) % t.dim()}, true));
      assertSame(v, t -> d < 0 ? t.prod() : t.prod(d, true));
      assertSame(v, t -> d < 0 ? t.max() : t.max(d).values());
      assertSame(v, t -> d < 0 ? t.argmax() : t.max(d).indices());
      assertSame(v, t -> d < 0 ? t.min() : t.min(d).values());
      assertSame(v, t -> d < 0 ? t.argmin() : t.argmin(d, true));
      assertSame(v, t -> d < 0 ? t.var() : t.var(d));
      assertSame(v, t -> d < 0 ? t.std() : t.std(new int[] {d}, 0, false));
      assertSame(v, t -> t.logsumexp(d < 0 ? 0 : d));
    }
  }

  private static void assertSame(Tensor view, Function<Tensor, Tensor> op) {
    Tensor copy = view.contiguous();
    assertTrue(copy.isContiguous());
    Tensor expected = op.apply(copy);
    Tensor actual = op.apply(view);
    assertEquals(expected.dtype(), actual.dtype());
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
  }

  /**
   * The fewest bytes {@code measured} allocated in up to 10 rounds, each after {@code warm}:
   * rounds stop once one allocates less than {@code enough}. The JIT compiles the Vector API
   * kernels when it gets to them (later on a busy machine), and until then they allocate per
   * vector, which says nothing about the buffers measured here; an allocation that stays in
   * every round (a buffer per call, a kernel compiled with boxed vectors) still fails.
   */
  private static long leastAllocation(long enough, Runnable warm, Runnable measured) {
    long least = Long.MAX_VALUE;
    for (int round = 0; round < 10 && least >= enough; round++) {
      warm.run();
      long before = allocatedByAllThreads();
      measured.run();
      least = Math.min(least, allocatedByAllThreads() - before);
    }
    return least;
  }

  private static long allocatedByAllThreads() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }
}
