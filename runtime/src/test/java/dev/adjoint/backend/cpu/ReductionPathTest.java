package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.ChildJvm;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The summing paths of the CPU reductions (columns of adjacent rows a block at a time, one long
 * row split into parallel segments, the general row path) against exact sums computed with
 * BigDecimal, within the documented error bound (a pairwise sum of chunks that accumulate in
 * double, {@code (CHUNK + log2 n) * 2^-53 * sum |x|}, plus for float32 the float32 roundings an
 * element takes first: 15 in a row sum, 2 in a column sum, {@code 2^-24 * sum |x|} each), the
 * documented orders bit for bit, and the paths against each other.
 */
class ReductionPathTest {
  private static final double U = Math.ulp(1.0) / 2;

  private static Tensor random(DType dtype, long seed, int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = r.nextDouble(-1, 1) * (r.nextInt(10) == 0 ? 1000 : 1);
    }
    return Tensor.fromArray(d, shape).to(dtype);
  }

  private static double[] flat(Tensor t) {
    return (double[]) t.to(DType.FLOAT64).reshape(-1).toArray();
  }

  /** Exact sum and sum of magnitudes of the given elements. */
  private static double[] exact(double[] values, int from, int count, int stride) {
    BigDecimal s = BigDecimal.ZERO;
    double abs = 0;
    for (int k = 0; k < count; k++) {
      double v = values[from + k * stride];
      s = s.add(new BigDecimal(v));
      abs += Math.abs(v);
    }
    return new double[] {s.round(MathContext.DECIMAL128).doubleValue(), abs};
  }

  /** Row sums: a float32 element takes up to 15 float32 roundings (16 per running sum). */
  private static final int ROW_FLOAT_ROUNDINGS = 15;
  /** Column sums: a float32 element takes up to 2 float32 roundings ((x0 + x1) + (x2 + x3)). */
  private static final int COLUMN_FLOAT_ROUNDINGS = 2;

  private static void check(double want, double abs, double got, int n, DType dtype, String at) {
    check(want, abs, got, n, dtype, at, ROW_FLOAT_ROUNDINGS);
  }

  /**
   * Within the documented bound: the double accumulation's {@code (CHUNK + 64) * 2^-53 * sum |x|},
   * for float32 also {@code floatRoundings} float32 roundings of every element ({@code 2^-24 *
   * sum |x|} each, first order) and the output's rounding (one float ulp).
   */
  private static void check(double want, double abs, double got, int n, DType dtype, String at,
      int floatRoundings) {
    double bound = (Reductions.CHUNK + 64) * U * abs;
    if (dtype == DType.FLOAT32) {
      bound += floatRoundings * 0x1p-24 * (1 + 0x1p-20) * abs + Math.ulp((float) want);
    }
    assertTrue(Math.abs(got - want) <= bound,
        at + ": got " + got + ", exact " + want + ", bound " + bound + " (n = " + n + ")");
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void columnSumsAndMeans(DType dtype) {
    int rows = 2 * Reductions.CHUNK + 77; // two full chunks and a short one
    int cols = 300;                       // one full column block and a part
    Tensor x = random(dtype, 1, rows, cols);
    double[] v = flat(x);
    double[] sum = flat(x.sum(0));
    double[] mean = flat(x.mean(0));
    double[] keep = flat(x.sum(new int[] {0}, true));
    for (int j = 0; j < cols; j++) {
      double[] e = exact(v, j, rows, cols);
      check(e[0], e[1], sum[j], rows, dtype, "sum(0)[" + j + "]", COLUMN_FLOAT_ROUNDINGS);
      check(e[0] / rows, e[1] / rows, mean[j], rows, dtype, "mean(0)[" + j + "]",
          COLUMN_FLOAT_ROUNDINGS);
      assertEquals(sum[j], keep[j], 0, "keepdim");
    }
  }

  @Test
  void columnsOverSeveralLeadingDimsAndAPermutedView() {
    Tensor x = random(DType.FLOAT64, 2, 30, 40, 50);
    double[] v = flat(x);
    // Over dims 0 and 1: 1200 positions per column of the 50 trailing ones.
    double[] s01 = flat(x.sum(new int[] {0, 1}, false));
    for (int j = 0; j < 50; j++) {
      double[] e = exact(v, j, 1200, 50);
      check(e[0], e[1], s01[j], 1200, DType.FLOAT64, "sum(0, 1)[" + j + "]");
    }
    // A permuted view whose reduced dim lies outermost in memory: [50, 40, 30] -> sum over 2.
    Tensor p = x.permute(2, 1, 0);
    double[] s2 = flat(p.sum(2));
    for (int a = 0; a < 50; a++) {
      for (int b = 0; b < 40; b++) {
        double[] e = exact(v, b * 50 + a, 30, 2000);
        check(e[0], e[1], s2[a * 40 + b], 30, DType.FLOAT64, "permuted sum(2)");
      }
    }
    // The same reduction through a copy (the general row path) agrees within the bound.
    double[] viaCopy = flat(x.permute(2, 0, 1).contiguous().sum(new int[] {1, 2}, false));
    for (int j = 0; j < 50; j++) {
      double[] e = exact(v, j, 1200, 50);
      check(s01[j], e[1], viaCopy[j], 1200, DType.FLOAT64, "copy vs view");
    }
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
  void longRowsSummedInSegments(DType dtype) {
    int n = 5 * Reductions.SEGMENT + 3 * Reductions.CHUNK + 123;
    Tensor x = random(dtype, 3, n);
    double[] v = flat(x);
    double[] e = exact(v, 0, n, 1);
    check(e[0], e[1], x.sum().item(), n, dtype, "sum()");
    check(e[0] / n, e[1] / n, x.mean().item(), n, dtype, "mean()");
    // Two long rows: each summed in segments.
    Tensor two = random(dtype, 4, 2, 3 * Reductions.SEGMENT + 5);
    double[] w = flat(two);
    double[] rows = flat(two.sum(1));
    int m = 3 * Reductions.SEGMENT + 5;
    for (int r = 0; r < 2; r++) {
      double[] er = exact(w, r * m, m, 1);
      check(er[0], er[1], rows[r], m, dtype, "row " + r);
    }
    // A strided long row (every other element) reads through the same segments.
    Tensor strided = x.index(dev.adjoint.tensor.Index.range(0, n, 2));
    double[] es = exact(v, 0, (n + 1) / 2, 2);
    check(es[0], es[1], strided.sum().item(), (n + 1) / 2, dtype, "strided sum()");
  }

  /**
   * The column path takes the rows of each chunk of {@link Reductions#CHUNK} rows four at a time,
   * adds each four as {@code (x0 + x1) + (x2 + x3)} in float32 and that into a double
   * accumulator, adds a short chunk's last {@code m % 4} rows one at a time in double (all rows
   * of a column shorter than 64), and adds the chunk sums pairwise: bit for bit the documented
   * order, whatever the row count, on float32 columns.
   */
  @Test
  void columnSumsAddRowsInTheDocumentedOrder() {
    for (int rows : new int[] {1, 3, 4, 7, 63, 64, 66, 1024, 1037, 2051}) {
      int[] order = new int[rows];
      for (int r = 0; r < rows; r++) {
        order[r] = r;
      }
      checkColumnOrder(rows, order, dev.adjoint.backend.Layout.contiguous(rows, 300)
          .transpose(0, 1));
    }
  }

  /**
   * As above, over two reduced dimensions that do not merge (rows {@code i * (b + 1) + k} of a
   * storage, k below b): groups of four cross the inner dimension's end, in logical order.
   */
  @Test
  void columnSumsOverTwoReducedDimsFollowTheLogicalOrder() {
    int cols = 300;
    for (int[] ab : new int[][] {{5, 7}, {3, 701}}) {
      int a = ab[0];
      int b = ab[1];
      int[] order = new int[a * b];
      for (int i = 0; i < a; i++) {
        for (int k = 0; k < b; k++) {
          order[i * b + k] = i * (b + 1) + k;
        }
      }
      dev.adjoint.backend.Layout view = dev.adjoint.backend.Layout.of(new int[] {cols, a, b},
          new long[] {1, (long) (b + 1) * cols, cols}, 0);
      checkColumnOrder(a * (b + 1), order, view);
    }
  }

  /**
   * Sums the columns of a float32 {@code [storageRows, 300]} storage over the positions {@code
   * order} (storage rows, in logical order) read through {@code view}, and compares with the
   * documented order computed here.
   */
  private static void checkColumnOrder(int storageRows, int[] order,
      dev.adjoint.backend.Layout view) {
    int cols = 300;
    int rows = order.length;
    // Magnitudes from 2^-60 to 2^60: sums of these floats are inexact in double, so any other
    // order of the additions would show.
    SplittableRandom random = new SplittableRandom(rows);
    float[] v = new float[storageRows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.scalb(random.nextDouble(-1, 1), random.nextInt(-60, 61));
    }
    // Summed into float64 results, so that a different order would show in the low bits.
    CpuBackend cpu = CpuBackend.INSTANCE;
    dev.adjoint.backend.Storage out = cpu.allocate(DType.FLOAT64, cols);
    cpu.reduce(dev.adjoint.backend.ReduceOp.SUM, cpu.fromHostArray(v), view, cols, rows, out, 0,
        null, 0, 0);
    double[] sums = (double[]) cpu.toHostArray(out, dev.adjoint.backend.Layout.contiguous(cols));
    for (int c = 0; c < cols; c++) {
      // Chunk sums in the documented order, combined as a binary counter: ((c0 + c1) + c2) for
      // three chunks of 1024 ... the pairwise order of Reductions.Columns.
      java.util.List<Double> chunks = new java.util.ArrayList<>();
      for (int r0 = 0; r0 < rows; r0 += Reductions.CHUNK) {
        int r1 = Math.min(rows, r0 + Reductions.CHUNK);
        double s = 0;
        int r = r0;
        for (; rows >= 64 && r + 4 <= r1; r += 4) {
          float four = (v[order[r] * cols + c] + v[order[r + 1] * cols + c])
              + (v[order[r + 2] * cols + c] + v[order[r + 3] * cols + c]);
          s += four;
        }
        for (; r < r1; r++) {
          s += v[order[r] * cols + c];
        }
        chunks.add(s);
      }
      assertEquals(pairwise(chunks), sums[c], "rows " + rows + ", column " + c);
    }
  }

  /**
   * A float32 row sums to the same bits read in place or through a stride (copied into a float
   * buffer chunk by chunk), at 1, 2 and 3 threads (a long row is split into segments), summed
   * into float64 so that any other order would show; the columns likewise at any thread count.
   */
  @Test
  void float32SumsAreTheSameBitsStridedOrNotAtAnyThreadCount() {
    int n = 3 * Reductions.SEGMENT + 5 * Reductions.CHUNK + 77;
    SplittableRandom random = new SplittableRandom(12);
    float[] v = new float[2 * n + 1];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.scalb(random.nextDouble(-1, 1), random.nextInt(-40, 41));
    }
    float[] packed = new float[n];
    for (int i = 0; i < n; i++) {
      packed[i] = v[1 + 2 * i];
    }
    CpuBackend cpu = CpuBackend.INSTANCE;
    dev.adjoint.backend.Storage strided = cpu.fromHostArray(v);
    dev.adjoint.backend.Storage dense = cpu.fromHostArray(packed);
    float[] m = new float[2100 * 700];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) Math.scalb(random.nextDouble(-1, 1), random.nextInt(-40, 41));
    }
    dev.adjoint.backend.Storage matrix = cpu.fromHostArray(m);
    // Runs of 300 back to back, 3 apart (a conv bias gradient's runs of H x W): the buffer
    // copies each run whole, chunks span runs.
    int runs = 41;
    float[] g = new float[2 + runs * 303];
    float[] gPacked = new float[runs * 300];
    for (int r = 0; r < runs; r++) {
      for (int i = 0; i < 300; i++) {
        g[2 + r * 303 + i] = gPacked[r * 300 + i] =
            (float) Math.scalb(random.nextDouble(-1, 1), random.nextInt(-40, 41));
      }
    }
    dev.adjoint.backend.Storage gapped = cpu.fromHostArray(g);
    dev.adjoint.backend.Storage gappedPacked = cpu.fromHostArray(gPacked);
    int before = dev.adjoint.tensor.Threads.getNumThreads();
    try {
      double want = Double.NaN;
      double[] wantColumns = null;
      for (int threads : new int[] {1, 2, 3}) {
        dev.adjoint.tensor.Threads.setNumThreads(threads);
        double a = sumInto64(cpu, dense, dev.adjoint.backend.Layout.contiguous(n), 1, n)[0];
        double b = sumInto64(cpu, strided,
            dev.adjoint.backend.Layout.of(new int[] {n}, new long[] {2}, 1), 1, n)[0];
        if (threads == 1) {
          want = a;
        }
        assertEquals(want, a, "contiguous, threads " + threads);
        assertEquals(want, b, "strided, threads " + threads);
        assertEquals(sumInto64(cpu, gappedPacked, dev.adjoint.backend.Layout.contiguous(runs * 300),
            1, runs * 300)[0], sumInto64(cpu, gapped, dev.adjoint.backend.Layout.of(
            new int[] {runs, 300}, new long[] {303, 1}, 2), 1, runs * 300)[0],
            "runs of 300, threads " + threads);
        // 700 columns (three blocks) of 2100 rows.
        double[] cols = sumInto64(cpu, matrix,
            dev.adjoint.backend.Layout.contiguous(2100, 700).transpose(0, 1), 700, 2100);
        if (threads == 1) {
          wantColumns = cols;
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(wantColumns, cols,
            "columns, threads " + threads);
      }
    } finally {
      dev.adjoint.tensor.Threads.setNumThreads(before);
    }
  }

  private static double[] sumInto64(CpuBackend cpu, dev.adjoint.backend.Storage in,
      dev.adjoint.backend.Layout view, int outer, int inner) {
    dev.adjoint.backend.Storage out = cpu.allocate(DType.FLOAT64, outer);
    cpu.reduce(dev.adjoint.backend.ReduceOp.SUM, in, view, outer, inner, out, 0, null, 0, 0);
    return (double[]) cpu.toHostArray(out, dev.adjoint.backend.Layout.contiguous(outer));
  }

  /**
   * Compiled together with every other summing path, the float32 sum and column kernels allocate
   * nothing per chunk, with this machine's vectors and with 256-bit ones (an AVX2 machine's:
   * the 8-lane kernels). Checked in a JVM of its own (with one thread, so that every chunk runs
   * on the measured thread): C2 once compiled the vector sum inlined into Reductions' loop with
   * boxed vectors (200 bytes per chunk of 1024), and the 8-lane sum with a helper method left
   * out of line at its node limit (1 KiB per chunk).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "-XX:MaxVectorSize=32"})
  void summingKernelsAllocateNothingCompiledWithTheOtherPaths(String vectorFlag) throws Exception {
    String out = ChildJvm.run(ReductionAllocationMain.class, "-Dadjoint.threads=1", vectorFlag);
    long allocated = ChildJvm.lastNumber(out);
    // 1024 chunks: boxed vectors were 200 KiB a call; the result and buffers are 10-15 KiB.
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes:\n" + out);
  }

  /**
   * Every chunk but the last pushed on a binary counter (merged as it carries), then the last
   * chunk added to the counter's levels from the top.
   */
  private static double pairwise(java.util.List<Double> chunks) {
    double[] levels = new double[64];
    int top = 0;
    long count = 0;
    for (int i = 0; i < chunks.size() - 1; i++) {
      double acc = chunks.get(i);
      for (long c = count; (c & 1) == 1; c >>= 1) {
        acc = levels[--top] + acc;
      }
      levels[top++] = acc;
      count++;
    }
    double acc = chunks.get(chunks.size() - 1);
    while (top > 0) {
      acc = levels[--top] + acc;
    }
    return acc;
  }
}
