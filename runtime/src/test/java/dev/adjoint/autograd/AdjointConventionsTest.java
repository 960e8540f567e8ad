package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.tensor.Arithmetic;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.Reductions;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Transfers;
import dev.adjoint.tensor.ValuesIndices;
import org.junit.jupiter.api.Test;

/**
 * Hand-derived gradients at the kinks and ties that finite differences cannot judge, where the
 * rules follow PyTorch's conventions. Each test states the derivative it expects.
 */
class AdjointConventionsTest {
  private static final double EXACT = 1e-12;

  private static Tensor t(double... v) {
    return Tensor.of(v);
  }

  private static Tensor scalar(double v) {
    return Tensor.scalar(v, DType.FLOAT64);
  }

  private static void assertValues(double[] expected, Tensor actual) {
    assertEquals(DType.FLOAT64, actual.dtype());
    assertArrayEquals(expected, actual.toDoubleArray(), EXACT);
  }

  @Test
  void absHasZeroGradientAtZero() {
    // d|x|/dx = sign(x): -1 below 0, +1 above, and 0 at the kink (PyTorch).
    assertValues(new double[] {-2, 0, 2}, Elementwise.absSelf(t(2, 2, 2), t(-1.5, 0, 3)));
  }

  @Test
  void reluHasZeroGradientAtZero() {
    // relu'(x) = 1 for x > 0 and 0 for x <= 0, the kink included (PyTorch).
    Tensor x = t(-1, 0, 2);
    assertValues(new double[] {0, 0, 5}, Elementwise.reluSelf(t(5, 5, 5), x.relu()));
  }

  @Test
  void signHasZeroGradient() {
    // sign is piecewise constant: gradient 0 everywhere, as PyTorch.
    assertValues(new double[] {0, 0, 0}, Elementwise.signSelf(t(1, 2, 3)));
  }

  @Test
  void clampPassesTheGradientOnItsBounds() {
    // clamp'(x) = 1 for min <= x <= max, bounds included (PyTorch), and 0 outside.
    Tensor x = t(-2, -1, 0, 1, 2);
    Tensor g = t(1, 1, 1, 1, 1);
    assertValues(new double[] {0, 1, 1, 1, 0}, Elementwise.clampSelf(g, x, -1, 1));
    assertValues(new double[] {0, 1, 1, 1, 1}, Elementwise.clampMinSelf(g, x, -1));
    assertValues(new double[] {1, 1, 1, 1, 0}, Elementwise.clampMaxSelf(g, x, 1));
  }

  @Test
  void maximumAndMinimumSplitTiesHalfAndHalf() {
    // maximum(a, b): the larger operand gets g, the other 0; on a tie each gets g / 2 (PyTorch).
    Tensor a = t(1, 2, 3);
    Tensor b = t(1, 3, 3);
    Tensor g = t(2, 4, 6);
    assertValues(new double[] {1, 0, 3}, Arithmetic.maximumSelf(g, a, b));
    assertValues(new double[] {1, 4, 3}, Arithmetic.maximumOther(g, a, b));
    assertValues(new double[] {1, 4, 3}, Arithmetic.minimumSelf(g, a, b));
    assertValues(new double[] {1, 0, 3}, Arithmetic.minimumOther(g, a, b));
  }

  @Test
  void maximumWithABroadcastOperandSumsItsShares() {
    // b = 1 (0-d) against a = [[1, 0], [1, 2]], g = 2 everywhere: b ties twice (1 + 1) and is the
    // larger once (2), so d b = 4; a gets 1 at the ties, 0 where b wins, 2 where it wins.
    Tensor a = Tensor.of(new double[] {1, 0}, new double[] {1, 2});
    Tensor b = scalar(1);
    Tensor g = Tensor.full(2, DType.FLOAT64, 2, 2);
    assertValues(new double[] {1, 0, 1, 2}, Arithmetic.maximumSelf(g, a, b));
    Tensor db = Arithmetic.maximumOther(g, a, b);
    assertEquals(0, db.dim());
    assertValues(new double[] {4}, db);
  }

  @Test
  void maxAndMinOfAllElementsSplitTheGradientAmongTies() {
    // max(x) = 3 is attained twice, so each gets g / 2 = 3 (PyTorch's evenly distributed rule).
    Tensor x = t(1, 3, 3, 2);
    assertValues(new double[] {0, 3, 3, 0}, Reductions.maxSelf(scalar(6), x, x.max()));
    Tensor y = t(1, 1, 2);
    assertValues(new double[] {3, 3, 0}, Reductions.minSelf(scalar(6), y, y.min()));
  }

  @Test
  void maxAndMinAlongADimGiveTheGradientToTheReturnedIndex() {
    // max(dim) returns the first occurrence of a tie; only that element gets g (PyTorch).
    Tensor x = Tensor.of(new double[] {1, 3, 3}, new double[] {2, 2, 0});
    ValuesIndices max = x.max(1);
    assertArrayEquals(new long[] {1, 0}, max.indices().toLongArray());
    assertValues(new double[] {0, 1, 0, 2, 0, 0},
        Reductions.maxDimSelf(t(1, 2), max, 1, x.shape()));
    Tensor y = Tensor.of(new double[] {1, 1, 3}, new double[] {0, 2, 0});
    ValuesIndices min = y.min(1, true);
    assertValues(new double[] {1, 0, 0, 2, 0, 0},
        Reductions.minDimKeepdimSelf(Tensor.of(new double[] {1}, new double[] {2}), min, 1,
            true, y.shape()));
  }

  @Test
  void powWrtExponentIsZeroWhereTheBaseIsZero() {
    // d/dp x^p = x^p ln x: 8 ln 2 at (x, p) = (2, 3); at x = 0 it is 0 * -inf, taken as 0.
    Tensor x = t(0, 2);
    Tensor p = t(2, 3);
    assertValues(new double[] {0, 8 * Math.log(2)},
        Arithmetic.powExponent(t(1, 1), x, x.pow(p), p.shape()));
  }

  @Test
  void powWrtBaseIsZeroWhereTheExponentIsZero() {
    // d/dx x^0 = 0 everywhere, also at x = 0 where p x^(p-1) would be 0 * inf.
    Tensor x = t(0, 2);
    assertValues(new double[] {0, 0}, Arithmetic.powSelf(t(1, 1), x, t(0, 0)));
    assertValues(new double[] {0, 0}, Arithmetic.powDoubleSelf(t(1, 1), x, 0.0));
    assertValues(new double[] {0, 0}, Arithmetic.powLongSelf(t(1, 1), x, 0L));
    // d/dx x^2 = 2x: 0 at 0, 4 at 2.
    assertValues(new double[] {0, 4}, Arithmetic.powDoubleSelf(t(1, 1), x, 2.0));
  }

  @Test
  void sqrtUsesItsResult() {
    // d/dx sqrt(x) = 1 / (2 sqrt(x)); from out = [2, 3] (x = [4, 9]): [1/4, 1/6].
    assertValues(new double[] {0.25, 1.0 / 6}, Elementwise.sqrtSelf(t(1, 1), t(2, 3)));
  }

  @Test
  void stdOfAConstantHasZeroGradient() {
    // std = 0 makes d std = d var / (2 std) a 0/0; PyTorch takes 0 rather than NaN.
    Tensor x = t(1, 1, 1);
    assertValues(new double[] {0, 0, 0}, Reductions.stdSelf(scalar(1), x, x.std()));
  }

  @Test
  void toGivesTheGradientBackInTheInputsDType() {
    Tensor d = Transfers.toDTypeSelf(t(0.5, 0.25), DType.FLOAT32, DType.FLOAT64, new int[] {2});
    assertEquals(DType.FLOAT32, d.dtype());
    assertArrayEquals(new float[] {0.5f, 0.25f}, d.toFloatArray());
    d = Transfers.toDoubleSelf(t(0.5, 0.25), DType.FLOAT32);
    assertEquals(DType.FLOAT32, d.dtype());
    assertArrayEquals(new float[] {0.5f, 0.25f}, d.toFloatArray());
    d = Transfers.toFloatSelf(Tensor.of(0.5f, 0.25f), DType.FLOAT64);
    assertEquals(DType.FLOAT64, d.dtype());
    assertArrayEquals(new double[] {0.5, 0.25}, d.toDoubleArray());
  }

  @Test
  void toAnIntegerDTypePassesNoGradient() {
    // x.to(INT64) is piecewise constant: whatever reaches its result, x gets zeros.
    Tensor d = Transfers.toDTypeSelf(t(0.5, 0.25), DType.FLOAT64, DType.INT64, new int[] {2});
    assertEquals(DType.FLOAT64, d.dtype());
    assertArrayEquals(new double[] {0, 0}, d.toDoubleArray());
    d = Transfers.toDTypeSelf(t(0.5, 0.25), DType.FLOAT32, DType.BOOL, new int[] {2});
    assertArrayEquals(new float[] {0, 0}, d.toFloatArray());
  }
}
