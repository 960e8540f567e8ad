package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** {@code [..., m, k] @ [k, n]} folds the batch into rows: same values as per-batch products. */
class MatmulBatchFoldTest {
  @Test
  void batchedLeftTimesMatrixEqualsEachSlice() {
    Generator g = new Generator(5);
    Tensor a = Tensor.randn(g, 2, 3, 4, 5).toDouble();
    Tensor b = Tensor.randn(g, 5, 6).toDouble();
    Tensor c = a.matmul(b);
    assertArrayEquals(new int[] {2, 3, 4, 6}, c.shape());
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        // Each slice against a plain triple loop in double.
        double[] x = a.get(i, j).toDoubleArray();
        double[] y = b.toDoubleArray();
        double[] expected = new double[4 * 6];
        for (int r = 0; r < 4; r++) {
          for (int col = 0; col < 6; col++) {
            for (int p = 0; p < 5; p++) {
              expected[r * 6 + col] += x[r * 5 + p] * y[p * 6 + col];
            }
          }
        }
        assertArrayEquals(expected, c.get(i, j).toDoubleArray(), 1e-12);
      }
    }
    // A transposed (non-contiguous) left operand and a 1-d right operand take the same path.
    Tensor at = Tensor.randn(g, 3, 5, 4).toDouble().transpose(1, 2);
    Tensor v = Tensor.randn(g, 5).toDouble();
    Tensor cv = at.matmul(v);
    assertArrayEquals(new int[] {3, 4}, cv.shape());
    assertArrayEquals(at.contiguous().matmul(v.unsqueeze(1)).squeeze(-1).toDoubleArray(),
        cv.toDoubleArray(), 1e-12);
  }
}
