package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Hand-derived gradients of the ops that used to return a tensor and record nothing:
 * {@code prod} (with PyTorch's handling of zeros) and {@code indexAdd} / {@code scatterAdd}
 * (whose source lost its gradient, and whose result did not require grad when only the source
 * did). Each expected value is derived in the comment above it.
 */
class RecordedOpsTest {
  @Test
  void prodOfAllElementsWithNoOneOrSeveralZeros() {
    // d prod / dx_i = product of the others: [3 * 4, 2 * 4, 2 * 3].
    assertArrayEquals(new double[] {12, 8, 6}, prodAllGrad(2, 3, 4));
    // One zero: the zero's gradient is the product of the others (2 * 3 * 4 = 24); every other
    // product of "the others" contains the zero.
    assertArrayEquals(new double[] {0, 24, 0, 0}, prodAllGrad(2, 0, 3, 4));
    // Two zeros: every product of "the others" contains a zero.
    assertArrayEquals(new double[] {0, 0, 0, 0}, prodAllGrad(2, 0, 0, 4));
    // Only zeros.
    assertArrayEquals(new double[] {0, 0}, prodAllGrad(0, 0));
    // A single zero alone: the product of no others is 1.
    assertArrayEquals(new double[] {1}, prodAllGrad(0));
  }

  @Test
  void prodAlongADimHandlesEachSliceOnItsOwn() {
    Tensor x = Tensor.of(new double[][] {{2, 0, 3}, {0, 0, 5}, {1, 2, 4}, {-1, 0.5, 0}})
        .requiresGrad_(true);
    Tensor p = x.prod(1, false);
    assertNotNull(p.gradFn());
    assertArrayEquals(new double[] {0, 0, 8, -0.0}, p.toDoubleArray());
    // Weights 1, 10, 100, 1000 per row, so a gradient in the wrong row shows.
    p.mul(Tensor.of(1.0, 10.0, 100.0, 1000.0)).sum().backward();
    assertArrayEquals(new double[] {
        0, 6, 0, // one zero: 2 * 3 at the zero
        0, 0, 0, // two zeros
        800, 400, 200, // no zero: 100 * [2 * 4, 1 * 4, 1 * 2]
        0, 0, -500}, // one zero: 1000 * (-1 * 0.5)
        x.grad().toDoubleArray());
    for (double v : x.grad().toDoubleArray()) {
      assertTrue(Double.isFinite(v));
    }
  }

  @Test
  void prodKeepdimAndAZeroDimInput() {
    Tensor x = Tensor.of(new double[][] {{0, 3}, {2, 5}}).requiresGrad_(true);
    Tensor p = x.prod(0, true);
    assertArrayEquals(new int[] {1, 2}, p.shape());
    p.sum().backward();
    // Columns: [0, 2] -> [2, 0]; [3, 5] -> [5, 3].
    assertArrayEquals(new double[] {2, 5, 0, 3}, x.grad().toDoubleArray());
    Tensor s = Tensor.scalar(0.0, DType.FLOAT64).requiresGrad_(true);
    s.prod(0, false).mul(7.0).backward();
    assertEquals(7.0, s.grad().item());
  }

  @Test
  void indexAddSendsGradientsToSelfAndSource() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 3, 2).requiresGrad_(true);
    Tensor source = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}).requiresGrad_(true);
    Tensor out = self.indexAdd(0, Tensor.of(2L, 0L, 2L), source);
    assertNotNull(out.gradFn());
    Tensor g = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
    out.mul(g).sum().backward();
    // d out / d self = identity; source row i went to row index[i]: rows 2, 0, 2 of g.
    assertArrayEquals(g.toDoubleArray(), self.grad().toDoubleArray());
    assertArrayEquals(new double[] {5, 6, 1, 2, 5, 6}, source.grad().toDoubleArray());
  }

  @Test
  void indexAddRecordsWhenOnlyTheSourceIsTracked() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 2, 3);
    Tensor source = Tensor.of(new double[][] {{1}, {2}}).requiresGrad_(true);
    Tensor out = self.indexAdd(1, Tensor.of(1L), source);
    assertTrue(out.requiresGrad(), "the result must require grad through the source");
    out.mul(Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}})).sum().backward();
    // Source column 0 went to column 1: g[:, 1] = [2, 5].
    assertArrayEquals(new double[] {2, 5}, source.grad().toDoubleArray());
    assertNull(self.grad());
  }

  @Test
  void scatterAddRecordsWhenOnlyTheSourceIsTracked() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 2, 3);
    // index covers only column 0 and 1 of src [2, 3]: src[:, 2] is unused and gets 0.
    Tensor src = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).requiresGrad_(true);
    Tensor index = Tensor.of(new long[][] {{2, 2}, {0, 1}});
    Tensor out = self.scatterAdd(1, index, src);
    assertTrue(out.requiresGrad(), "the result must require grad through src");
    assertArrayEquals(new double[] {0, 0, 3, 4, 5, 0}, out.toDoubleArray());
    Tensor g = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    out.mul(g).sum().backward();
    // src[i][j] went to out[i][index[i][j]]: its gradient is g[i][index[i][j]].
    assertArrayEquals(new double[] {3, 3, 0, 4, 5, 0}, src.grad().toDoubleArray());
  }

  @Test
  void scatterAddSendsSelfItsGradientUnchanged() {
    Tensor self = Tensor.of(new double[][] {{1, 2}, {3, 4}}).requiresGrad_(true);
    Tensor src = Tensor.ones(DType.FLOAT64, 2, 2);
    Tensor out = self.scatterAdd(0, Tensor.of(new long[][] {{1, 1}}), src);
    out.mul(Tensor.of(new double[][] {{1, 2}, {3, 4}})).sum().backward();
    assertArrayEquals(new double[] {1, 2, 3, 4}, self.grad().toDoubleArray());
    assertFalse(src.requiresGrad());
  }

  private static double[] prodAllGrad(double... values) {
    Tensor x = Tensor.of(values).requiresGrad_(true);
    Tensor p = x.prod();
    assertNotNull(p.gradFn(), "prod() of " + Arrays.toString(values) + " recorded no node");
    p.backward();
    return x.grad().toDoubleArray();
  }
}
