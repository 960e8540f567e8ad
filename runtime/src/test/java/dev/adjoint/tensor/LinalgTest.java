package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Matrix products and inverses against hand-derived results and plain triple loops in double.
 *
 * <p>Float32 products are checked with the standard forward error bound of a dot product of
 * length K computed in any order with unit roundoff u: {@code |fl(a.b) - a.b| <= gamma_K *
 * sum |a_p b_p|}, {@code gamma_K = K u / (1 - K u)}, u = 2^-24 for float32 and 2^-53 for float64.
 * Products of small integers are exact and compared exactly.
 */
class LinalgTest {
  private static final double U32 = 0x1p-24;
  private static final double U64 = 0x1p-53;

  // ================================================================== matmul, every form

  @Test
  void vectorDotVectorIsZeroDimensional() {
    // 1*4 + 2*5 + 3*6 = 32.
    Tensor r = Tensor.of(1f, 2f, 3f).matmul(Tensor.of(4f, 5f, 6f));
    assertEquals(0, r.dim());
    assertEquals(32.0, r.item());
  }

  @Test
  void matrixTimesVector() {
    // [[1, 2], [3, 4]] @ [5, 6] = [1*5 + 2*6, 3*5 + 4*6] = [17, 39].
    Tensor r = Tensor.of(new float[][] {{1, 2}, {3, 4}}).matmul(Tensor.of(5f, 6f));
    assertArrayEquals(new int[] {2}, r.shape());
    assertArrayEquals(new float[] {17, 39}, r.toFloatArray());
  }

  @Test
  void vectorTimesMatrix() {
    // [5, 6] @ [[1, 2], [3, 4]] = [5*1 + 6*3, 5*2 + 6*4] = [23, 34].
    Tensor r = Tensor.of(5f, 6f).matmul(Tensor.of(new float[][] {{1, 2}, {3, 4}}));
    assertArrayEquals(new int[] {2}, r.shape());
    assertArrayEquals(new float[] {23, 34}, r.toFloatArray());
  }

  @Test
  void matrixTimesMatrix() {
    // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
    Tensor r = Tensor.of(new float[][] {{1, 2}, {3, 4}})
        .matmul(Tensor.of(new float[][] {{5, 6}, {7, 8}}));
    assertArrayEquals(new int[] {2, 2}, r.shape());
    assertArrayEquals(new float[] {19, 22, 43, 50}, r.toFloatArray());
    // A 2x3 by 3x1 gives a 2x1, not a vector.
    Tensor col = Tensor.ones(2, 3).matmul(Tensor.ones(3, 1));
    assertArrayEquals(new int[] {2, 1}, col.shape());
    assertArrayEquals(new float[] {3, 3}, col.toFloatArray());
  }

  @Test
  void batchedMatmul() {
    float[] a = ints(4 * 2 * 3, 3);
    float[] b = ints(4 * 3 * 5, 7);
    Tensor r = Tensor.fromArray(a, 4, 2, 3).matmul(Tensor.fromArray(b, 4, 3, 5));
    assertArrayEquals(new int[] {4, 2, 5}, r.shape());
    assertArrayEquals(batched(a, 0, b, 0, 4, 2, 3, 5), r.toDoubleArray());
    // bmm is the same product without broadcasting.
    assertArrayEquals(r.toFloatArray(),
        Tensor.fromArray(a, 4, 2, 3).bmm(Tensor.fromArray(b, 4, 3, 5)).toFloatArray());
  }

  @Test
  void batchDimensionsBroadcast() {
    // [2, 1, 3, 4] @ [5, 4, 2] -> [2, 5, 3, 2]: out[i][j] = A[i][0] @ B[j].
    float[] a = ints(2 * 3 * 4, 5);
    float[] b = ints(5 * 4 * 2, 11);
    Tensor r = Tensor.fromArray(a, 2, 1, 3, 4).matmul(Tensor.fromArray(b, 5, 4, 2));
    assertArrayEquals(new int[] {2, 5, 3, 2}, r.shape());
    double[] got = r.toDoubleArray();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 5; j++) {
        double[] want = batched(a, i * 12, b, j * 8, 1, 3, 4, 2);
        for (int e = 0; e < 6; e++) {
          assertEquals(want[e], got[(i * 5 + j) * 6 + e], "block " + i + "," + j);
        }
      }
    }
  }

  @Test
  void vectorOperandsWithBatches() {
    float[] m = ints(2 * 4 * 3, 13);
    float[] v4 = ints(4, 17);
    float[] v3 = ints(3, 19);
    // [4] @ [2, 4, 3] -> [2, 3]: the vector is a row, then that dimension is removed.
    Tensor left = Tensor.fromArray(v4, 4).matmul(Tensor.fromArray(m, 2, 4, 3));
    assertArrayEquals(new int[] {2, 3}, left.shape());
    double[] want = new double[6];
    for (int bi = 0; bi < 2; bi++) {
      double[] one = batched(v4, 0, m, bi * 12, 1, 1, 4, 3);
      System.arraycopy(one, 0, want, bi * 3, 3);
    }
    assertArrayEquals(want, left.toDoubleArray());
    // [2, 4, 3] @ [3] -> [2, 4]: the vector is a column.
    Tensor right = Tensor.fromArray(m, 2, 4, 3).matmul(Tensor.fromArray(v3, 3));
    assertArrayEquals(new int[] {2, 4}, right.shape());
    double[] wantRight = new double[8];
    for (int bi = 0; bi < 2; bi++) {
      double[] one = batched(m, bi * 12, v3, 0, 1, 4, 3, 1);
      System.arraycopy(one, 0, wantRight, bi * 4, 4);
    }
    assertArrayEquals(wantRight, right.toDoubleArray());
  }

  @Test
  void int64MatmulIsExact() {
    // 2^40 * (2^20 + 1) + 1 * 3 = 2^60 + 2^40 + 3, beyond float64's 53-bit mantissa.
    Tensor a = Tensor.of(new long[][] {{1L << 40, 1}});
    Tensor b = Tensor.of(new long[][] {{(1L << 20) + 1}, {3}});
    Tensor r = a.matmul(b);
    assertEquals(DType.INT64, r.dtype());
    assertArrayEquals(new int[] {1, 1}, r.shape());
    assertEquals((1L << 60) + (1L << 40) + 3, r.toLongArray()[0]);
    // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] in int64.
    Tensor m = Tensor.of(new long[][] {{1, 2}, {3, 4}}).mm(Tensor.of(new long[][] {{5, 6},
        {7, 8}}));
    assertArrayEquals(new long[] {19, 22, 43, 50}, m.toLongArray());
  }

  @Test
  void nonContiguousOperands() {
    // A is 5x3 stored row-major; A.t() is 3x5 with A.t()[i][p] = A[p][i].
    float[] a = ints(15, 23);
    Tensor at = Tensor.fromArray(a, 5, 3).t();
    assertFalse(at.isContiguous());
    Tensor r = at.matmul(Tensor.fromArray(a, 5, 3));
    double[] want = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int p = 0; p < 5; p++) {
          want[i * 3 + j] += (double) a[p * 3 + i] * a[p * 3 + j];
        }
      }
    }
    assertArrayEquals(new int[] {3, 3}, r.shape());
    assertArrayEquals(want, r.toDoubleArray());
    // Both operands transposed, and a stepped slice: B = A[::2] is 3x3 with rows 0, 2, 4.
    Tensor b = Tensor.fromArray(a, 5, 3).index("::2");
    Tensor r2 = b.t().matmul(b.t());
    double[] want2 = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int p = 0; p < 3; p++) {
          want2[i * 3 + j] += (double) a[2 * p * 3 + i] * a[2 * j * 3 + p];
        }
      }
    }
    assertArrayEquals(want2, r2.toDoubleArray());
  }

  @Test
  void largerThanTheBlockingConstants() {
    // 70 rows (two full row blocks of 32 and a partial one), K = 300 (> one K block of 256),
    // N = 1100 (> one N block of 1024).
    int m = 70;
    int k = 300;
    int n = 1100;
    Generator g = new Generator(42);
    Tensor a = Tensor.randn(g, m, k);
    Tensor b = Tensor.randn(g, k, n);
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    float[] got = a.matmul(b).toFloatArray();
    double gamma = k * U32 / (1 - k * U32);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double exact = 0;
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
          double t = (double) x[i * k + p] * y[p * n + j];
          exact += t;
          magnitude += Math.abs(t);
        }
        // The oracle's own double error (~k * 2^-53 * magnitude) is far below the bound.
        assertEquals(exact, got[i * n + j], gamma * magnitude, "element " + i + "," + j);
      }
    }
  }

  @Test
  void largerThanTheBlockingConstantsFloat64() {
    int m = 40;
    int k = 270;
    int n = 1030;
    Generator g = new Generator(43);
    Tensor a = Tensor.randn(g, m, k).toDouble();
    Tensor b = Tensor.randn(g, k, n).toDouble();
    double[] x = a.toDoubleArray();
    double[] y = b.toDoubleArray();
    double[] got = a.matmul(b).toDoubleArray();
    // The oracle is itself float64: allow gamma_k for the result and again for the oracle.
    double gamma = k * U64 / (1 - k * U64);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double exact = 0;
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
          exact += x[i * k + p] * y[p * n + j];
          magnitude += Math.abs(x[i * k + p] * y[p * n + j]);
        }
        assertEquals(exact, got[i * n + j], 2 * gamma * magnitude, "element " + i + "," + j);
      }
    }
  }

  @Test
  void shapeMismatchNamesBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]")
        && e.getMessage().contains("2x3 and 4x5"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(3).matmul(Tensor.zeros(4)));
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 2)));
    IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
        () -> Tensor.scalar(2.0).matmul(Tensor.zeros(2)));
    assertTrue(scalar.getMessage().contains("at least 1 dimension"), scalar.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(true, false).matmul(Tensor.of(true, true)));
  }

  @Test
  void mmAndBmmCheckTheirShapes() {
    IllegalArgumentException mm1 = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3).mm(Tensor.zeros(3)));
    assertTrue(mm1.getMessage().contains("mm") && mm1.getMessage().contains("[3]"),
        mm1.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(1, 2, 3).mm(Tensor.zeros(3, 2)));
    assertArrayEquals(new int[] {2, 4}, Tensor.zeros(2, 3).mm(Tensor.zeros(3, 4)).shape());

    IllegalArgumentException bmm = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3).bmm(Tensor.zeros(3, 4)));
    assertTrue(bmm.getMessage().contains("bmm"), bmm.getMessage());
    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 2, 3).bmm(Tensor.zeros(1, 3, 4)));
    assertTrue(batch.getMessage().contains("[2, 2, 3]")
        && batch.getMessage().contains("[1, 3, 4]"), batch.getMessage());
    assertArrayEquals(new int[] {2, 2, 4},
        Tensor.zeros(2, 2, 3).bmm(Tensor.zeros(2, 3, 4)).shape());
  }

  @Test
  void emptyInnerDimensionGivesZeros() {
    // Summing over no products gives 0, as in PyTorch.
    Tensor r = Tensor.ones(2, 0).matmul(Tensor.ones(0, 3));
    assertArrayEquals(new int[] {2, 3}, r.shape());
    assertArrayEquals(new float[6], r.toFloatArray());
  }

  // ================================================================== inverse

  @Test
  void inverseOfTwoByTwoHandDerived() {
    // [[4, 7], [2, 6]]: det = 4*6 - 7*2 = 10, inverse = 1/10 * [[6, -7], [-2, 4]].
    double[] want = {0.6, -0.7, -0.2, 0.4};
    Tensor a = Tensor.of(new double[][] {{4, 7}, {2, 6}});
    assertClose(want, a.inverse().toDoubleArray(), 1e-15);
    // float32: each entry is rounded to float32 (2^-24 relative), and the elimination rounds a
    // few times on a matrix with condition number ||A||_1 ||A^-1||_1 = 13 * 1.3 < 17, so
    // 17 * 8 * 2^-24 < 1e-5 bounds the error.
    Tensor f = Tensor.of(new float[][] {{4, 7}, {2, 6}}).inverse();
    assertEquals(DType.FLOAT32, f.dtype());
    assertClose(want, f.toDoubleArray(), 1e-5);
  }

  @Test
  void inverseNeedsPivotingWhenTheTopLeftIsZero() {
    // A = [[0, 1, 2], [1, 0, 3], [4, -3, 8]], det A = -2; by cofactors
    // adj A = [[9, -14, 3], [4, -8, 2], [-3, 4, -1]], so A^-1 = adj A / -2.
    double[] want = {-4.5, 7, -1.5, -2, 4, -1, 1.5, -2, 0.5};
    double[][] rows = {{0, 1, 2}, {1, 0, 3}, {4, -3, 8}};
    assertClose(want, Tensor.of(rows).inverse().toDoubleArray(), 1e-13);
    // Condition number ||A||_1 ||A^-1||_1 = 13 * 13 = 169: float32 error below
    // 169 * 16 * 2^-24 * max|A^-1| (7) < 2e-3; the integer inputs are exact, so in practice far
    // less.
    Tensor f = Tensor.of(new float[][] {{0, 1, 2}, {1, 0, 3}, {4, -3, 8}}).inverse();
    assertClose(want, f.toDoubleArray(), 2e-3);
  }

  @Test
  void inverseTimesMatrixIsIdentityForWellConditionedMatrices() {
    Generator g = new Generator(5);
    for (int n : new int[] {1, 2, 5, 20}) {
      // randn + (2n + 4) I, checked below to be strictly diagonally dominant with margin
      // delta = min_i (|a_ii| - sum_{j != i} |a_ij|). Then ||A^-1||_inf <= 1 / delta, so
      // cond_inf(A) <= ||A||_inf / delta, and the residual A X - I of an inverse computed by a
      // backward-stable method is below c * n * 2^-53 * cond; we take c = 64.
      double[] a = Tensor.randn(g, n, n).toDoubleArray();
      for (int i = 0; i < n; i++) {
        a[i * n + i] += 2 * n + 4;
      }
      double delta = Double.POSITIVE_INFINITY;
      double norm = 0;
      for (int i = 0; i < n; i++) {
        double off = 0;
        double row = 0;
        for (int j = 0; j < n; j++) {
          off += i == j ? 0 : Math.abs(a[i * n + j]);
          row += Math.abs(a[i * n + j]);
        }
        delta = Math.min(delta, Math.abs(a[i * n + i]) - off);
        norm = Math.max(norm, row);
      }
      assertTrue(delta > 0, "test matrix is not diagonally dominant");
      double tol = 64 * n * U64 * norm / delta;
      double[] inv = Tensor.fromArray(a.clone(), n, n).inverse().toDoubleArray();
      double[] product = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          for (int p = 0; p < n; p++) {
            product[i * n + j] += a[i * n + p] * inv[p * n + j];
          }
        }
      }
      double[] identity = new double[n * n];
      for (int i = 0; i < n; i++) {
        identity[i * n + i] = 1;
      }
      assertClose(identity, product, tol);
    }
  }

  @Test
  void batchedInverse() {
    // Matrix 0 as above; matrix 1 = diag(2, 4) with inverse diag(0.5, 0.25).
    Tensor a = Tensor.stack(List.of(Tensor.of(new double[][] {{4, 7}, {2, 6}}),
        Tensor.of(new double[][] {{2, 0}, {0, 4}})));
    Tensor inv = a.inverse();
    assertArrayEquals(new int[] {2, 2, 2}, inv.shape());
    assertClose(new double[] {0.6, -0.7, -0.2, 0.4, 0.5, 0, 0, 0.25}, inv.toDoubleArray(),
        1e-15);
    // Two batch dimensions [3, 2] of 2x2 matrices k * I, k = 1..6: inverses I / k.
    double[] data = new double[6 * 4];
    double[] want = new double[6 * 4];
    for (int k = 1; k <= 6; k++) {
      data[(k - 1) * 4] = k;
      data[(k - 1) * 4 + 3] = k;
      want[(k - 1) * 4] = 1.0 / k;
      want[(k - 1) * 4 + 3] = 1.0 / k;
    }
    Tensor batch = Tensor.fromArray(data, 3, 2, 2, 2);
    Tensor binv = batch.inverse();
    assertArrayEquals(new int[] {3, 2, 2, 2}, binv.shape());
    assertClose(want, binv.toDoubleArray(), 1e-16);
  }

  @Test
  void inverseOfANonContiguousMatrix() {
    // A.t() = [[4, 2], [7, 6]] has inverse (A^-1).t() = [[0.6, -0.2], [-0.7, 0.4]].
    Tensor at = Tensor.of(new double[][] {{4, 7}, {2, 6}}).t();
    assertFalse(at.isContiguous());
    assertClose(new double[] {0.6, -0.2, -0.7, 0.4}, at.inverse().toDoubleArray(), 1e-15);
  }

  @Test
  void inverseOfBadlyScaledButRegularMatrices() {
    // Singularity is judged relative to the matrix's scale: 1e-10 * I is regular.
    Tensor small = Tensor.of(new double[][] {{1e-10, 0}, {0, 1e-10}});
    assertClose(new double[] {1e10, 0, 0, 1e10}, small.inverse().toDoubleArray(), 1e-4);
    // [[1, 1], [1, 1 + 1e-6]]: det = 1e-6, inverse = 1e6 * [[1 + 1e-6, -1], [-1, 1]]. The
    // condition number is about 4e6, so float64 gives about 10 correct digits.
    double d = 1e-6;
    Tensor near = Tensor.of(new double[][] {{1, 1}, {1, 1 + d}});
    double[] want = {(1 + d) / d, -1 / d, -1 / d, 1 / d};
    double[] got = near.inverse().toDoubleArray();
    for (int i = 0; i < 4; i++) {
      assertEquals(want[i], got[i], Math.abs(want[i]) * 1e-8, "element " + i);
    }
  }

  @Test
  void singularMatricesThrowInsteadOfReturningNaN() {
    // Row 2 = 2 * row 1.
    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Tensor a = Tensor.of(new double[][] {{1, 2}, {2, 4}}).to(dt);
      SingularMatrixException e = assertThrows(SingularMatrixException.class, a::inverse);
      assertTrue(e.getMessage().contains("inverse") && e.getMessage().contains("singular"),
          e.getMessage());
      assertFalse(e.getMessage().contains("NaN"), e.getMessage());
      // Row 3 = 2 * row 2 - row 1: rank 2. Elimination leaves a pivot that is zero up to
      // rounding, which must still be recognized.
      Tensor b = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}).to(dt);
      SingularMatrixException e3 = assertThrows(SingularMatrixException.class, b::inverse);
      assertTrue(e3.getMessage().contains("singular"), e3.getMessage());
      assertThrows(SingularMatrixException.class, () -> Tensor.zeros(dt, 3, 3).inverse());
    }
  }

  @Test
  void singularMatrixInABatchIsNamed() {
    Tensor a = Tensor.stack(List.of(Tensor.eye(2), Tensor.of(new float[][] {{1, 2}, {2, 4}})));
    SingularMatrixException e = assertThrows(SingularMatrixException.class, a::inverse);
    assertTrue(e.getMessage().contains("matrix 1 of 2"), e.getMessage());
  }

  @Test
  void inverseRejectsNonSquareAndIntegerInput() {
    IllegalArgumentException rect = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3).inverse());
    assertTrue(rect.getMessage().contains("square") && rect.getMessage().contains("[2, 3]"),
        rect.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4).inverse());
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 2).inverse());
    IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(new long[][] {{1, 0}, {0, 1}}).inverse());
    assertTrue(ints.getMessage().contains("torch.int64"), ints.getMessage());
  }

  // ================================================================== helpers

  /** Small integers in [-5, 5] (exact in float32, so integer products are exact too). */
  private static float[] ints(int n, int seed) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (((long) i * 31 + seed * 17L) % 11 - 5);
    }
    return out;
  }

  /** Plain triple loop over {@code batch} row-major products, in double. */
  private static double[] batched(float[] a, int ao, float[] b, int bo, int batch, int m, int k,
      int n) {
    double[] c = new double[batch * m * n];
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += (double) a[ao + bi * m * k + i * k + p] * b[bo + bi * k * n + p * n + j];
          }
          c[bi * m * n + i * n + j] = s;
        }
      }
    }
    return c;
  }

  private static void assertClose(double[] want, double[] got, double tol) {
    assertEquals(want.length, got.length, "length");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], tol, "element " + i);
    }
  }
}
