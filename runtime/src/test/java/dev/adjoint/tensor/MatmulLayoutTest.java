package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 2-d matmul reads transposed and sliced operands where they lie (the GEMM's transpose flags and
 * leading dimensions): every layout gives exactly the result of its contiguous copy, which takes
 * the plain row-major path, and that agrees with a float64 triple loop.
 */
class MatmulLayoutTest {
  /** [rows, cols] tensors laid out row-major with a wider row, column-major, and dense. */
  private static List<Tensor> layouts(Generator gen, DType dt, int rows, int cols) {
    Tensor wideRows = Tensor.randn(gen, rows + 2, cols + 3).to(dt).narrow(0, 1, rows)
        .narrow(1, 2, cols);
    Tensor transposed = Tensor.randn(gen, cols + 2, rows + 3).to(dt).narrow(0, 1, cols)
        .narrow(1, 1, rows).t();
    Tensor dense = Tensor.randn(gen, rows, cols).to(dt);
    return List.of(wideRows, transposed, dense, dense.t().contiguous().t());
  }

  @Test
  void everyOperandLayoutGivesTheResultOfItsCopy() {
    Generator gen = new Generator(3);
    for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64)) {
      for (int[] mkn : new int[][] {{1, 1, 1}, {1, 5, 7}, {6, 1, 9}, {7, 33, 1}, {13, 40, 35}}) {
        int m = mkn[0];
        int k = mkn[1];
        int n = mkn[2];
        for (Tensor a : layouts(gen, dt, m, k)) {
          for (Tensor b : layouts(gen, dt, k, n)) {
            assertArrayEquals(new int[] {m, k}, a.shape());
            assertArrayEquals(new int[] {k, n}, b.shape());
            Tensor got = a.matmul(b);
            Tensor copy = a.contiguous().matmul(b.contiguous());
            assertEquals(0, got.sub(copy).abs().max().item(), "layouts " + a + " @ " + b);
            double[] x = a.toDouble().contiguous().toDoubleArray();
            double[] y = b.toDouble().contiguous().toDoubleArray();
            double[] z = got.toDouble().toDoubleArray();
            for (int i = 0; i < m; i++) {
              for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                  s += x[i * k + p] * y[p * n + j];
                }
                assertEquals(s, z[i * n + j], dt == DType.FLOAT32 ? 1e-4 : 1e-12);
              }
            }
          }
        }
        // Stepped and broadcast operands are copied first and still agree.
        Tensor stepped = Tensor.randn(gen, m, 2 * k).to(dt).index(":, ::2");
        Tensor wide = Tensor.randn(gen, k, 1).to(dt).expand(k, n);
        Tensor got = stepped.matmul(wide);
        assertEquals(0, got.sub(stepped.contiguous().matmul(wide.contiguous())).abs().max()
            .item());
      }
    }
  }
}
