package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Reductions against hand-derived values, PyTorch's documented behaviour and a plain-loop oracle
 * ({@link #groups}) that walks the row-major input itself.
 *
 * <p>Tolerances ({@link #assertClose}): one final rounding to the result dtype (eps = 2^-24 for
 * float32, 2^-53 for float64, relative) plus {@code n * eps * B} for a value accumulated from n
 * terms whose partial results are bounded by B in magnitude: the textbook bound of recursive
 * summation, which holds for any accumulation order and any precision at least the dtype's.
 * {@link #sequence} values lie in (-4.1, 4.1), which fixes B at each call. Sums of small
 * integers are exact in every order and are compared exactly; max and min select an input value
 * and are compared exactly too.
 */
class ReductionTest {
  private static final double F32_EPS = 0x1p-24;
  private static final double F64_EPS = 0x1p-53;

  // ================================================================== sum / mean / prod

  @Test
  void sumOfAllElementsIsZeroDimensional() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor s = x.sum();
    assertEquals(0, s.dim());
    assertEquals(DType.FLOAT32, s.dtype());
    assertEquals(21.0, s.item());
  }

  @Test
  void sumOverOneDimWithAndWithoutKeepdim() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    // Columns: 1+4, 2+5, 3+6; rows: 1+2+3, 4+5+6.
    assertValues(new double[] {5, 7, 9}, new int[] {3}, x.sum(0));
    assertValues(new double[] {6, 15}, new int[] {2}, x.sum(1));
    assertValues(new double[] {6, 15}, new int[] {2}, x.sum(-1));
    assertValues(new double[] {6, 15}, new int[] {2, 1}, x.sum(1, true));
    assertValues(new double[] {5, 7, 9}, new int[] {1, 3}, x.sum(-2, true));
  }

  @Test
  void sumOverSeveralDims() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertValues(new double[] {21}, new int[] {}, x.sum(new int[] {0, 1}, false));
    assertValues(new double[] {21}, new int[] {1, 1}, x.sum(new int[] {-1, 0}, true));

    double[] data = sequence(2 * 3 * 4);
    Tensor y = Tensor.fromArray(toFloats(data), 2, 3, 4);
    int[] shape = {2, 3, 4};
    // 8 terms below 4.1: partial sums below 33.
    assertClose(oracle(data, shape, new int[] {0, 2}, ReductionTest::sum), new int[] {3},
        y.sum(new int[] {0, 2}, false), F32_EPS, 8, 33);
    assertClose(oracle(data, shape, new int[] {0, 2}, ReductionTest::sum), new int[] {1, 3, 1},
        y.sum(new int[] {0, -1}, true), F32_EPS, 8, 33);
    assertClose(oracle(data, shape, new int[] {1}, ReductionTest::sum), new int[] {2, 4},
        y.sum(-2), F32_EPS, 3, 13);
  }

  @Test
  void reductionOfADuplicatedDimIsAnError() {
    Tensor x = Tensor.zeros(2, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> x.sum(new int[] {1, -1}, false));
    assertTrue(e.getMessage().contains("multiple times"), e.getMessage());
    IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class,
        () -> x.sum(2));
    assertTrue(range.getMessage().contains("dimension 2"), range.getMessage());
  }

  @Test
  void meanOverDimsMatchesOracle() {
    double[] data = sequence(3 * 4 * 5);
    int[] shape = {3, 4, 5};
    Tensor x = Tensor.fromArray(data.clone(), shape);
    assertEquals(DType.FLOAT64, x.mean().dtype());
    // A mean's error is its sum's divided by n: n * eps * 4.1.
    assertClose(oracle(data, shape, new int[] {0, 1, 2}, ReductionTest::mean), new int[] {},
        x.mean(), F64_EPS, 60, 4.1);
    assertClose(oracle(data, shape, new int[] {1}, ReductionTest::mean), new int[] {3, 5},
        x.mean(1), F64_EPS, 4, 4.1);
    assertClose(oracle(data, shape, new int[] {0, 2}, ReductionTest::mean), new int[] {1, 4, 1},
        x.mean(new int[] {-3, -1}, true), F64_EPS, 15, 4.1);
  }

  @Test
  void prodOfFloatsAndInts() {
    // 1 * -2 * 3 * 4 = -24; rows of the int64 matrix: 1 * -2 and 3 * 4.
    assertEquals(-24.0, Tensor.of(new float[][] {{1, -2}, {3, 4}}).prod().item());
    Tensor rows = Tensor.of(new long[][] {{1, -2}, {3, 4}}).prod(1, false);
    assertEquals(DType.INT64, rows.dtype());
    assertArrayEquals(new long[] {-2, 12}, rows.toLongArray());
    assertArrayEquals(new int[] {2, 1},
        Tensor.of(new long[][] {{1, -2}, {3, 4}}).prod(1, true).shape());
  }

  @Test
  void int64SumIsExactAndStaysInt64() {
    // 2^60 + 1 + 1 is not representable in float64; an int64 accumulator keeps it exact.
    Tensor x = Tensor.of(1L << 60, 1L, 1L);
    Tensor s = x.sum();
    assertEquals(DType.INT64, s.dtype());
    assertEquals((1L << 60) + 2, s.itemLong());
    Tensor m = Tensor.of(new long[][] {{1L << 60, 1}, {3, 1}});
    assertEquals(DType.INT64, m.sum(0).dtype());
    assertArrayEquals(new long[] {(1L << 60) + 3, 2}, m.sum(0).toLongArray());
  }

  @Test
  void boolSumCountsTrueAsInt64() {
    Tensor b = Tensor.of(true, true, false);
    assertEquals(DType.INT64, b.sum().dtype());
    assertEquals(2, b.sum().itemLong());
    Tensor m = Tensor.of(true, false, true, true, false, false).reshape(2, 3);
    assertEquals(DType.INT64, m.sum(1).dtype());
    // [[T, F, T], [T, F, F]]: columns count 2, 0, 1; rows 2, 1.
    assertArrayEquals(new long[] {2, 0, 1}, m.sum(0).toLongArray());
    assertArrayEquals(new long[] {2, 1}, m.sum(1).toLongArray());
  }

  @Test
  void meanAndVarOfIntegersAreErrors() {
    Tensor x = Tensor.arange(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, x::mean);
    assertTrue(e.getMessage().contains("mean") && e.getMessage().contains("torch.int64"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.mean(0));
    assertThrows(IllegalArgumentException.class, x::var);
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(true, false).mean());
  }

  @Test
  void reductionsOverAnEmptyDim() {
    Tensor e = Tensor.zeros(2, 0);
    // As PyTorch: the empty sum is 0, the empty product 1, the empty mean NaN.
    assertValues(new double[] {0, 0}, new int[] {2}, e.sum(1));
    assertValues(new double[] {1, 1}, new int[] {2}, e.prod(1, false));
    double[] mean = e.mean(1).toDoubleArray();
    assertTrue(Double.isNaN(mean[0]) && Double.isNaN(mean[1]));
    assertArrayEquals(new int[] {0}, e.sum(0).shape());
  }

  @Test
  void maxAndMinOverAnEmptyDimAreErrors() {
    Tensor e = Tensor.zeros(2, 0);
    IllegalArgumentException max = assertThrows(IllegalArgumentException.class, () -> e.max(1));
    assertTrue(max.getMessage().contains("max") && max.getMessage().contains("size 0"),
        max.getMessage());
    assertThrows(IllegalArgumentException.class, () -> e.min(1));
    assertThrows(IllegalArgumentException.class, () -> e.argmax(1, false));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).max());
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).argmin());
  }

  // ================================================================== max / min / arg

  @Test
  void maxAndMinReturnFirstOccurrence() {
    // Rows [3, 1, 3] and [2, 2, 0]: the maxima 3 and 2 first occur at column 0, the minima 1 and
    // 0 at columns 1 and 2 (the values PyTorch 1.13 gives).
    Tensor a = Tensor.of(new float[][] {{3, 1, 3}, {2, 2, 0}});
    ValuesIndices max = a.max(1);
    assertValues(new double[] {3, 2}, new int[] {2}, max.values());
    assertEquals(DType.INT64, max.indices().dtype());
    assertArrayEquals(new long[] {0, 0}, max.indices().toLongArray());
    ValuesIndices min = a.min(1);
    assertValues(new double[] {1, 0}, new int[] {2}, min.values());
    assertArrayEquals(new long[] {1, 2}, min.indices().toLongArray());
    ValuesIndices kept = a.max(-1, true);
    assertArrayEquals(new int[] {2, 1}, kept.values().shape());
    assertArrayEquals(new int[] {2, 1}, kept.indices().shape());
    // Columns [3, 2], [1, 2], [3, 0].
    assertArrayEquals(new long[] {0, 1, 0}, a.argmax(0, false).toLongArray());
    assertArrayEquals(new long[] {1, 0, 1}, a.argmin(0, false).toLongArray());
    // Flattened: 3 first at 0; 0 at 5.
    assertEquals(0, a.argmax().dim());
    assertEquals(0, a.argmax().itemLong());
    assertEquals(5, a.argmin().itemLong());
    assertEquals(3.0, a.max().item());
    assertEquals(0.0, a.min().item());
  }

  @Test
  void maxOfInt64AndBoolKeepsTheDtype() {
    Tensor x = Tensor.of(new long[][] {{5, 7, 7}, {-1, -1, -3}});
    ValuesIndices max = x.max(1);
    assertEquals(DType.INT64, max.values().dtype());
    assertArrayEquals(new long[] {7, -1}, max.values().toLongArray());
    assertArrayEquals(new long[] {1, 0}, max.indices().toLongArray());
    // Minima 5 (column 0) and -3 (column 2).
    assertArrayEquals(new long[] {0, 2}, x.min(1).indices().toLongArray());
    // Values beyond 2^53 must not pass through a double.
    Tensor big = Tensor.of((1L << 60) + 1, 1L << 60);
    assertEquals((1L << 60) + 1, big.max().itemLong());
    assertEquals(1, big.argmin().itemLong());

    Tensor b = Tensor.of(false, true, true);
    assertEquals(DType.BOOL, b.max().dtype());
    assertTrue(b.max().itemBoolean());
    assertFalse(b.min().itemBoolean());
    assertEquals(1, b.argmax().itemLong());
  }

  @Test
  void nanPropagatesThroughMaxAndMin() {
    float nan = Float.NaN;
    Tensor x = Tensor.of(new float[][] {{1, nan, 3}, {nan, 0, nan}});
    assertTrue(Double.isNaN(x.max().item()));
    assertTrue(Double.isNaN(x.min().item()));
    // The index of a NaN result is that of the first NaN (PyTorch 1.13 gives the same).
    assertEquals(1, x.argmax().itemLong());
    ValuesIndices rows = x.max(1);
    assertTrue(Double.isNaN(rows.values().toDoubleArray()[0]));
    assertTrue(Double.isNaN(rows.values().toDoubleArray()[1]));
    assertArrayEquals(new long[] {1, 0}, rows.indices().toLongArray());
    ValuesIndices cols = x.min(0);
    for (double v : cols.values().toDoubleArray()) {
      assertTrue(Double.isNaN(v));
    }
    assertArrayEquals(new long[] {1, 0, 1}, cols.indices().toLongArray());
  }

  // ================================================================== var / std

  @Test
  void varAndStdHandDerived() {
    // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
    Tensor x = Tensor.of(1f, 2f, 3f, 4f);
    assertEquals(5.0 / 3, x.var().item(), 5.0 / 3 * F32_EPS);
    assertEquals(Math.sqrt(5.0 / 3), x.std().item(), Math.sqrt(5.0 / 3) * F32_EPS);
    assertEquals(1.25, x.var(new int[] {0}, 0, false).item());
    assertEquals(Math.sqrt(1.25), x.std(new int[] {0}, 0, false).item(),
        Math.sqrt(1.25) * F32_EPS);
    // One element: n - 1 = 0 gives NaN (PyTorch warns and returns nan); correction 0 gives 0.
    assertTrue(Double.isNaN(Tensor.of(5f).var().item()));
    assertEquals(0.0, Tensor.of(5f).var(new int[] {0}, 0, false).item());
  }

  @Test
  void varWithMoreCorrectionThanElementsDividesByZero() {
    // PyTorch 1.13 divides by max(0, n - correction): [2, 3] with correction 3 has a squared
    // deviation sum of 0.5, so 0.5 / 0 = inf; [2, 2] gives 0 / 0 = NaN.
    assertEquals(Double.POSITIVE_INFINITY,
        Tensor.of(2f, 3f).var(new int[] {0}, 3, false).item());
    assertEquals(Double.POSITIVE_INFINITY, Tensor.of(2f, 3f).var(new int[] {0}, 2, false).item());
    assertTrue(Double.isNaN(Tensor.of(2f, 2f).var(new int[] {0}, 2, false).item()));
  }

  @Test
  void reductionsOfAZeroDimensionalTensor() {
    // PyTorch 1.13: tensor(3.).sum(0) and .sum(0, keepdim=True) are tensor(3.); max(0) gives
    // value 3 at index 0.
    Tensor s = Tensor.scalar(3.0);
    assertEquals(0, s.sum(0).dim());
    assertEquals(3.0, s.sum(0).item());
    assertEquals(0, s.sum(0, true).dim());
    ValuesIndices m = s.max(0);
    assertEquals(0, m.values().dim());
    assertEquals(3.0, m.values().item());
    assertEquals(0, m.indices().itemLong());
    assertEquals(3.0, s.sum().item());
    assertThrows(IndexOutOfBoundsException.class, () -> s.sum(1));
  }

  @Test
  void varAndStdOverDimsMatchOracle() {
    double[] data = sequence(4 * 3 * 5);
    int[] shape = {4, 3, 5};
    Tensor x = Tensor.fromArray(data.clone(), shape);
    // Two passes over n terms; squared deviations are below 8.2^2 = 67.3, so a variance (the
    // sum over n - correction >= n / 2) stays below 135, and a std (the root of a variance of
    // about 5) has at most the variance's error.
    assertClose(oracle(data, shape, new int[] {1}, g -> variance(g, 1)), new int[] {4, 5},
        x.var(1), F64_EPS, 2 * 3, 135);
    assertClose(oracle(data, shape, new int[] {0, 2}, g -> variance(g, 0)), new int[] {1, 3, 1},
        x.var(new int[] {0, -1}, 0, true), F64_EPS, 2 * 20, 135);
    assertClose(oracle(data, shape, new int[] {0, 1, 2}, g -> Math.sqrt(variance(g, 1))),
        new int[] {}, x.std(), F64_EPS, 2 * 60, 135);
    assertClose(oracle(data, shape, new int[] {2}, g -> Math.sqrt(variance(g, 1))),
        new int[] {4, 3}, x.std(-1), F64_EPS, 2 * 5, 135);
  }

  // ================================================================== logsumexp

  @Test
  void logsumexpIsStableForExtremeValues() {
    // log(e^1000 + e^1000) = 1000 + log 2; a naive exp overflows to inf. The float32 grid near
    // 1000 has spacing 2^-14, so the rounded result is within 2^-15 of the exact value.
    double lse = Tensor.of(1000f, 1000f).logsumexp(0).item();
    assertEquals(1000 + Math.log(2), lse, 0x1p-15);
    assertEquals(-1000 + Math.log(2), Tensor.of(-1000f, -1000f).logsumexp(0).item(), 0x1p-15);
    // The largest term dominates: log(e^100 + e^-100) = 100 + log1p(e^-200) = 100.
    assertEquals(100.0, Tensor.of(100f, -100f).logsumexp(0).item(), 0x1p-17);
    float inf = Float.POSITIVE_INFINITY;
    assertEquals(Double.NEGATIVE_INFINITY, Tensor.of(-inf, -inf).logsumexp(0).item());
    assertEquals(Double.POSITIVE_INFINITY, Tensor.of(-inf, inf).logsumexp(0).item());
    assertEquals(3.0, Tensor.of(-inf, 3f).logsumexp(0).item());
    assertTrue(Double.isNaN(Tensor.of(-inf, Float.NaN).logsumexp(0).item()));
    assertTrue(Double.isNaN(Tensor.of(1f, Float.NaN).logsumexp(0).item()));
  }

  @Test
  void logsumexpOverDimsMatchesNaiveFormula() {
    double[] data = sequence(3 * 4 * 2);
    int[] shape = {3, 4, 2};
    Tensor x = Tensor.fromArray(data.clone(), shape);
    // exp of values below 4.1 is below 61; the sum of n such terms has error n * eps * 61 * n
    // relative to a sum of at least e^-4.1, which log turns into an absolute error below
    // n^2 * eps * 61 * e^4.1 < n^2 * eps * 3700.
    ToDoubleFunction<double[]> naive = g -> {
      double s = 0;
      for (double v : g) {
        s += Math.exp(v);
      }
      return Math.log(s);
    };
    assertClose(oracle(data, shape, new int[] {1}, naive), new int[] {3, 2}, x.logsumexp(1),
        F64_EPS, 4 * 4, 3700);
    assertClose(oracle(data, shape, new int[] {0, 2}, naive), new int[] {1, 4, 1},
        x.logsumexp(new int[] {0, -1}, true), F64_EPS, 6 * 6, 3700);
    assertClose(oracle(data, shape, new int[] {2}, naive), new int[] {3, 4, 1},
        x.logsumexp(-1, true), F64_EPS, 2 * 2, 3700);
  }

  @Test
  void logsumexpOfIntegersIsFloat32() {
    // log(e + e^2 + e^3) = 3 + log(1 + e^-1 + e^-2) = 3.40760596...
    Tensor r = Tensor.of(1L, 2L, 3L).logsumexp(0);
    assertEquals(DType.FLOAT32, r.dtype());
    double exact = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
    assertEquals(exact, r.item(), 4 * exact * F32_EPS);
  }

  // ================================================================== non-contiguous input

  @Test
  void reductionsOfATransposedView() {
    // base is 4 x 5; x = base.t() is 5 x 4 with x[i][j] = base[j][i].
    double[] base = sequence(20);
    Tensor x = Tensor.fromArray(base.clone(), 4, 5).t();
    assertFalse(x.isContiguous());
    double[] logical = new double[20];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 4; j++) {
        logical[i * 4 + j] = base[j * 5 + i];
      }
    }
    int[] shape = {5, 4};
    assertClose(oracle(logical, shape, new int[] {0}, ReductionTest::sum), new int[] {4},
        x.sum(0), F64_EPS, 5, 5 * 4.1);
    assertClose(oracle(logical, shape, new int[] {1}, ReductionTest::sum), new int[] {5, 1},
        x.sum(1, true), F64_EPS, 4, 4 * 4.1);
    assertClose(oracle(logical, shape, new int[] {1}, g -> variance(g, 1)), new int[] {5},
        x.var(1), F64_EPS, 2 * 4, 135);
    assertArrayEquals(oracleArg(logical, 5, 4, true), x.max(1).indices().toLongArray());
    assertArrayEquals(oracleArg(logical, 5, 4, false), x.argmin(1, false).toLongArray());
    assertClose(oracle(logical, shape, new int[] {1}, ReductionTest::max), new int[] {5},
        x.max(1).values(), 0, 0, 0);
    // Flattened argmax follows the view's logical order, not the storage order.
    int best = 0;
    for (int i = 1; i < 20; i++) {
      best = logical[i] > logical[best] ? i : best;
    }
    assertEquals(best, x.argmax().itemLong());
  }

  @Test
  void reductionsOfASteppedSlice() {
    // base is 6 x 8; x = base[::2, 1::3] is 3 x 3 with x[i][j] = base[2i][1 + 3j].
    double[] base = sequence(48);
    Tensor x = Tensor.fromArray(base.clone(), 6, 8).index("::2, 1::3");
    assertFalse(x.isContiguous());
    assertArrayEquals(new int[] {3, 3}, x.shape());
    double[] logical = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        logical[i * 3 + j] = base[2 * i * 8 + 1 + 3 * j];
      }
    }
    int[] shape = {3, 3};
    assertClose(oracle(logical, shape, new int[] {0}, ReductionTest::sum), new int[] {3},
        x.sum(0), F64_EPS, 3, 3 * 4.1);
    assertClose(oracle(logical, shape, new int[] {0, 1}, ReductionTest::mean), new int[] {},
        x.mean(), F64_EPS, 9, 4.1);
    // Each product rounding is relative; partial products are below 4.1^3 = 69.
    assertClose(oracle(logical, shape, new int[] {1}, ReductionTest::prod), new int[] {3},
        x.prod(1, false), F64_EPS, 3, 69);
    assertArrayEquals(oracleArg(logical, 3, 3, true), x.argmax(1, false).toLongArray());
  }

  // ================================================================== the parallel path

  /** Small integers in [-50, 50] with many ties; i picks one by a fixed permutation. */
  private static long pattern(int i, int col) {
    return ((long) i * 7919 + col * 104729L) % 101 - 50;
  }

  @Test
  void largeInputAgainstPlainJava() {
    int rows = 200_000;
    int cols = 3;
    float[] f = new float[rows * cols];
    long[] l = new long[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        l[i * cols + j] = pattern(i, j);
        f[i * cols + j] = l[i * cols + j];
      }
    }
    Tensor x = Tensor.fromArray(f, rows, cols);
    Tensor xl = Tensor.fromArray(l, rows, cols);

    // Down the long columns. Partial sums of at most 200000 * 50 < 2^24 in magnitude are
    // integers that float32 represents exactly, so every summation order gives the exact sum.
    long[] colSum = new long[cols];
    long[] colMaxAt = new long[cols];
    long[] colMinAt = new long[cols];
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < rows; i++) {
        long v = l[i * cols + j];
        colSum[j] += v;
        colMaxAt[j] = v > l[(int) colMaxAt[j] * cols + j] ? i : colMaxAt[j];
        colMinAt[j] = v < l[(int) colMinAt[j] * cols + j] ? i : colMinAt[j];
      }
    }
    assertArrayEquals(toDoubles(colSum), x.sum(0).toDoubleArray());
    assertArrayEquals(colSum, xl.sum(0).toLongArray());
    assertArrayEquals(colMaxAt, x.max(0).indices().toLongArray());
    assertArrayEquals(colMaxAt, xl.argmax(0, false).toLongArray());
    assertArrayEquals(colMinAt, x.min(0).indices().toLongArray());
    double[] colMean = x.mean(0).toDoubleArray();
    for (int j = 0; j < cols; j++) {
      // The exact mean rounded once to float32: half an ulp.
      double exact = (double) colSum[j] / rows;
      assertEquals(exact, colMean[j], Math.abs(exact) * F32_EPS + Double.MIN_VALUE, "col " + j);
    }

    // Across the 200000 short rows, split over the cores: every row checked.
    long[] rowSum = new long[rows];
    long[] rowMaxAt = new long[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        rowSum[i] += l[i * cols + j];
        rowMaxAt[i] = l[i * cols + j] > l[i * cols + (int) rowMaxAt[i]] ? j : rowMaxAt[i];
      }
    }
    assertArrayEquals(toDoubles(rowSum), x.sum(1).toDoubleArray());
    assertArrayEquals(rowSum, xl.sum(1).toLongArray());
    assertArrayEquals(rowMaxAt, x.max(1).indices().toLongArray());
    assertArrayEquals(rowMaxAt, xl.max(1).indices().toLongArray());

    long total = 0;
    for (long s : rowSum) {
      total += s;
    }
    assertEquals(total, xl.sum().itemLong());
    assertEquals((double) total, x.sum().item());
  }

  @Test
  void largeFloat64VarianceAgainstPlainJava() {
    int rows = 200_000;
    int cols = 3;
    Tensor x = Tensor.randn(new Generator(7), rows, cols).toDouble();
    double[] d = x.toDoubleArray();
    // Two-pass variance of each column in plain Java. Standard normal samples: the squared
    // deviations' partial sums, divided by n - 1, stay below 2.
    double[] colVar = oracle(d, new int[] {rows, cols}, new int[] {0}, g -> variance(g, 1));
    assertClose(colVar, new int[] {cols}, x.var(0), F64_EPS, 2 * rows, 2);
    // Across the 200000 rows of 3 (the parallel path): samples are below 6 in magnitude, so
    // squared deviations are below 144 and a population variance below 3 * 144 / 3.
    double[] rowVar = oracle(d, new int[] {rows, cols}, new int[] {1}, g -> variance(g, 0));
    assertClose(rowVar, new int[] {rows}, x.var(new int[] {1}, 0, false), F64_EPS, 2 * cols,
        144);
  }

  // ================================================================== oracle and checks

  /**
   * The groups a reduction over {@code dims} sees, in row-major order of the kept dims; each
   * group lists its elements in row-major order of the reduced dims.
   */
  private static List<double[]> groups(double[] data, int[] shape, int[] dims) {
    boolean[] reduced = new boolean[shape.length];
    for (int d : dims) {
      reduced[d] = true;
    }
    int[] strides = new int[shape.length];
    for (int d = shape.length - 1, s = 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
    List<Integer> keptOffsets = offsets(shape, strides, reduced, false);
    List<Integer> reducedOffsets = offsets(shape, strides, reduced, true);
    List<double[]> out = new ArrayList<>();
    for (int k : keptOffsets) {
      double[] g = new double[reducedOffsets.size()];
      for (int r = 0; r < g.length; r++) {
        g[r] = data[k + reducedOffsets.get(r)];
      }
      out.add(g);
    }
    return out;
  }

  /** Row-major offsets of all positions over the dims with {@code reduced[d] == which}. */
  private static List<Integer> offsets(int[] shape, int[] strides, boolean[] reduced,
      boolean which) {
    List<Integer> out = new ArrayList<>();
    out.add(0);
    for (int d = 0; d < shape.length; d++) {
      if (reduced[d] != which) {
        continue;
      }
      List<Integer> next = new ArrayList<>();
      for (int o : out) {
        for (int i = 0; i < shape[d]; i++) {
          next.add(o + i * strides[d]);
        }
      }
      out = next;
    }
    return out;
  }

  private static double[] oracle(double[] data, int[] shape, int[] dims,
      ToDoubleFunction<double[]> f) {
    return groups(data, shape, dims).stream().mapToDouble(f).toArray();
  }

  /** First index of the max (or min) of each row of a row-major rows x cols matrix. */
  private static long[] oracleArg(double[] data, int rows, int cols, boolean max) {
    long[] out = new long[rows];
    for (int i = 0; i < rows; i++) {
      int best = 0;
      for (int j = 1; j < cols; j++) {
        double v = data[i * cols + j];
        double b = data[i * cols + best];
        if (max ? v > b : v < b) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  private static double sum(double[] g) {
    double s = 0;
    for (double v : g) {
      s += v;
    }
    return s;
  }

  private static double mean(double[] g) {
    return sum(g) / g.length;
  }

  private static double prod(double[] g) {
    double p = 1;
    for (double v : g) {
      p *= v;
    }
    return p;
  }

  private static double max(double[] g) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : g) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static double variance(double[] g, int correction) {
    double m = mean(g);
    double ss = 0;
    for (double v : g) {
      ss += (v - m) * (v - m);
    }
    return ss / (g.length - correction);
  }

  /** Deterministic non-integer values in [-4, 4), distinct enough to have a unique max. */
  private static double[] sequence(int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((i * 37L) % 101) / 12.625 - 4 + i * 1e-3;
    }
    return out;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
      d[i] = f[i];
    }
    return f;
  }

  private static double[] toDoubles(long[] l) {
    double[] d = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      d[i] = l[i];
    }
    return d;
  }

  private static void assertValues(double[] expected, int[] shape, Tensor actual) {
    assertArrayEquals(shape, actual.shape(), "shape");
    assertArrayEquals(expected, actual.toDoubleArray(), "values");
  }

  /**
   * Each value within {@code eps * (terms * bound + |expected|)} of the oracle: the error of
   * accumulating {@code terms} terms whose partial results stay below {@code bound}, plus one
   * final rounding.
   */
  private static void assertClose(double[] expected, int[] shape, Tensor actual, double eps,
      int terms, double bound) {
    assertArrayEquals(shape, actual.shape(), "shape");
    double[] got = actual.toDoubleArray();
    assertEquals(expected.length, got.length, "numel");
    for (int i = 0; i < got.length; i++) {
      double tol = eps * (terms * bound + Math.abs(expected[i]));
      assertEquals(expected[i], got[i], tol, "element " + i);
    }
  }
}
