package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Backend.gemm} as BLAS defines its strided batched form, against the definition summed in
 * double: every combination of transposes, leading dimensions beyond the minimum, offsets, alpha,
 * beta (0 ignoring NaN in C), and batch strides including 0 (one matrix shared by the batch).
 */
class StridedBatchedGemmTest {
  private static final CpuBackend CPU = CpuBackend.INSTANCE;

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64"})
  void matchesTheDefinition(DType dtype) {
    SplittableRandom r = new SplittableRandom(11);
    int m = 5;
    int n = 7;
    int k = 4;
    int batch = 3;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (long strideA0 : new long[] {0, 1}) {
          for (double beta : new double[] {0, 1, -2}) {
            int lda = (ta ? m : k) + 2;
            int ldb = (tb ? k : n) + 1;
            int ldc = n + 3;
            int aOff = 3;
            int bOff = 1;
            int cOff = 2;
            long strideA = strideA0 == 0 ? 0 : (long) lda * (ta ? k : m) + 5;
            long strideB = (long) ldb * (tb ? n : k);
            long strideC = (long) ldc * m + 1;
            double[] a = values(r, (int) (aOff + strideA * (batch - 1) + lda * (ta ? k : m)),
                dtype);
            double[] b = values(r, (int) (bOff + strideB * (batch - 1) + ldb * (tb ? n : k)),
                dtype);
            double[] c = values(r, (int) (cOff + strideC * (batch - 1) + (long) ldc * m), dtype);
            if (beta == 0 && dtype != DType.INT64) {
              c[cOff] = Double.NaN; // ignored: beta 0 overwrites
            }
            double alpha = dtype == DType.INT64 ? 2 : 1.5;
            Storage sa = storage(a, dtype);
            Storage sb = storage(b, dtype);
            Storage sc = storage(c, dtype);
            CPU.gemm(ta, tb, m, n, k, alpha, sa, aOff, lda, strideA, sb, bOff, ldb, strideB, beta,
                sc, cOff, ldc, strideC, batch);
            CpuStorage got = (CpuStorage) sc;
            for (int bi = 0; bi < batch; bi++) {
              for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                  double sum = 0;
                  for (int p = 0; p < k; p++) {
                    double x = a[(int) (aOff + bi * strideA + (ta ? p * lda + i : i * lda + p))];
                    double y = b[(int) (bOff + bi * strideB + (tb ? j * ldb + p : p * ldb + j))];
                    sum += x * y;
                  }
                  int at = (int) (cOff + bi * strideC + (long) i * ldc + j);
                  double want = alpha * sum + (beta == 0 ? 0 : beta * c[at]);
                  String where = dtype + " ta=" + ta + " tb=" + tb + " strideA=" + strideA
                      + " beta=" + beta + " [" + bi + "," + i + "," + j + "]";
                  assertEquals(want, got.getDouble(at), Math.abs(want) * 1e-5 + 1e-5, where);
                }
              }
              // Between rows of C (beyond n) nothing is written.
              if (ldc > n) {
                int gap = (int) (cOff + bi * strideC + n);
                assertEquals(c[gap], got.getDouble(gap), 0.0, "padding of C");
              }
            }
          }
        }
      }
    }
  }

  private static double[] values(SplittableRandom r, int n, DType dtype) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = dtype == DType.INT64 ? r.nextInt(-5, 6) : r.nextInt(-64, 65) / 16.0;
    }
    return v;
  }

  private static Storage storage(double[] v, DType dtype) {
    CpuStorage s = CpuStorage.allocate(dtype, v.length);
    for (int i = 0; i < v.length; i++) {
      s.setDouble(i, v[i]);
    }
    return s;
  }
}
