package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertBools;
import static dev.adjoint.tensor.TensorAssertions.assertFloats;
import static dev.adjoint.tensor.TensorAssertions.assertLongs;
import static dev.adjoint.tensor.TensorAssertions.assertValues;
import static dev.adjoint.tensor.TensorAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Result dtypes as {@code torch.result_type} gives them: categories bool < integer < floating; a
 * dimensioned operand wins over a 0-d one of the same or a lower category; Java {@code double}
 * scalars act like Python floats (default float32) and {@code long} scalars like Python ints.
 */
class PromotionTest {

  @Test
  void int64PlusFloat32IsFloat32() {
    assertFloats(Tensor.of(1L, 2L).add(Tensor.of(0.5f, 0.25f)), shape(2), 1.5, 2.25);
    assertFloats(Tensor.of(0.5f, 0.25f).mul(Tensor.of(2L, 4L)), shape(2), 1, 1);
  }

  @Test
  void int64PlusAFloatScalarIsFloat32() {
    assertFloats(Tensor.of(1L, 2L).add(1.5), shape(2), 2.5, 3.5);
    assertFloats(Tensor.of(1L, 2L).mul(0.5), shape(2), 0.5, 1);
    assertFloats(Tensor.of(3L).sub(0.25), shape(1), 2.75);
  }

  @Test
  void int64PlusAnIntegerScalarStaysInt64() {
    assertLongs(Tensor.of(1L, 2L).add(2L), shape(2), 3, 4);
    assertLongs(Tensor.of(1L, 2L).add(Tensor.scalar(2L)), shape(2), 3, 4);
  }

  @Test
  void aZeroDimFloat64DoesNotWidenAFloat32Tensor() {
    // Computed in float32: 1f + (float) 0.1, the float32 sum of two float32 values.
    Tensor r = Tensor.of(1f, 2f).add(Tensor.scalar(0.1, DType.FLOAT64));
    float tenth = (float) 0.1;
    assertFloats(r, shape(2), 1f + tenth, 2f + tenth);
    // Either order.
    assertEquals(DType.FLOAT32, Tensor.scalar(0.1, DType.FLOAT64).mul(Tensor.of(1f)).dtype());
    // A double scalar keeps float32 float32 and float64 float64.
    assertEquals(DType.FLOAT32, Tensor.of(1f).add(0.1).dtype());
    assertValues(Tensor.of(1.0).add(0.1), DType.FLOAT64, shape(1), 0, 1.0 + 0.1);
  }

  @Test
  void aZeroDimFloatWidensAnIntegerTensorToItsOwnType() {
    // int64 [1, 2] + float64 0-d 0.1 is float64 (a higher category wins even from a 0-d tensor).
    assertValues(Tensor.of(1L, 2L).add(Tensor.scalar(0.1, DType.FLOAT64)), DType.FLOAT64,
        shape(2), 0, 1 + 0.1, 2 + 0.1);
    assertFloats(Tensor.of(1L, 2L).add(Tensor.scalar(0.5)), shape(2), 1.5, 2.5);
    assertValues(Tensor.of(true, false).add(Tensor.scalar(0.1, DType.FLOAT64)), DType.FLOAT64,
        shape(2), 0, 1 + 0.1, 0.1);
    assertLongs(Tensor.of(true, false).add(Tensor.scalar(3L)), shape(2), 4, 3);
  }

  @Test
  void dimensionedOperandsPromoteByCategoryAndWidth() {
    assertEquals(DType.FLOAT64, Tensor.of(1f).add(Tensor.of(1.0)).dtype());
    assertEquals(DType.FLOAT64, Tensor.of(1L).add(Tensor.of(1.0)).dtype());
    assertEquals(DType.INT64, Tensor.of(true).add(Tensor.of(1L)).dtype());
    assertEquals(DType.FLOAT32, Tensor.of(true).add(Tensor.of(1f)).dtype());
  }

  @Test
  void twoZeroDimOperandsPromoteAsDimensionedOnes() {
    assertValues(Tensor.scalar(1.0).add(Tensor.scalar(0.1, DType.FLOAT64)), DType.FLOAT64,
        shape(), 0, 1 + 0.1);
    assertFloats(Tensor.scalar(2L).add(1.5), shape(), 3.5);
    assertLongs(Tensor.scalar(2L).add(3L), shape(), 5);
  }

  @Test
  void boolPlusBoolIsBoolOr() {
    // True + True = True in PyTorch: addition of bools is a logical or, multiplication an and.
    Tensor p = Tensor.of(true, true, false, false);
    Tensor q = Tensor.of(true, false, true, false);
    assertBools(p.add(q), shape(4), true, true, true, false);
    assertBools(p.mul(q), shape(4), true, false, false, false);
    // With Python-like scalars: bool + int is int64, bool + float is float32.
    assertLongs(p.add(2L), shape(4), 3, 3, 2, 2);
    assertFloats(p.add(0.5), shape(4), 1.5, 1.5, 0.5, 0.5);
  }

  @Test
  void integerDivisionIsTrueDivisionInFloat32() {
    assertFloats(Tensor.of(1L, 3L, -7L).div(Tensor.of(2L, 2L, 2L)), shape(3), 0.5, 1.5, -3.5);
    assertFloats(Tensor.of(1L, 3L).div(Tensor.scalar(4L)), shape(2), 0.25, 0.75);
    assertFloats(Tensor.of(1L, 3L).div(2.0), shape(2), 0.5, 1.5);
    assertFloats(Tensor.of(true, false).div(Tensor.of(true, true)), shape(2), 1, 0);
    // 1 / 0 = inf and 0 / 0 = NaN, as floats.
    assertValues(Tensor.of(1L, 0L).div(Tensor.of(0L, 0L)), DType.FLOAT32, shape(2), 0,
        Double.POSITIVE_INFINITY, Double.NaN);
    assertValues(Tensor.of(1.0).div(Tensor.of(4L)), DType.FLOAT64, shape(1), 0, 0.25);
  }

  @Test
  void comparisonsAreBoolWhateverTheInputs() {
    assertBools(Tensor.of(1L, 2L).lt(Tensor.of(1.5f, 1.5f)), shape(2), true, false);
    assertBools(Tensor.of(0.1).eq(Tensor.of(0.1)), shape(1), true);
    // Compared in float32: the float64 0-d 0.1 becomes the float32 0.1, equal to the tensor's.
    assertBools(Tensor.of((float) 0.1).eq(Tensor.scalar(0.1, DType.FLOAT64)), shape(1), true);
    // Compared in float64: the float32 0.1 (0.10000000149...) differs from the float64 0.1.
    assertBools(Tensor.of((float) 0.1).eq(Tensor.of(0.1)), shape(1), false);
    assertBools(Tensor.of(true).ge(Tensor.of(0L)), shape(1), true);
    assertBools(Tensor.of(2L).gt(1.5), shape(1), true);
  }

  @Test
  void transcendentalOpsOfIntegersAreFloat32() {
    assertValues(Tensor.of(0L, 1L).exp(), DType.FLOAT32, shape(2), 1e-6, 1, Math.E);
    assertFloats(Tensor.of(4L, 9L).sqrt(), shape(2), 2, 3);
    assertFloats(Tensor.of(1L).log(), shape(1), 0);
    assertFloats(Tensor.of(0L).sigmoid(), shape(1), 0.5);
    assertFloats(Tensor.of(0L).tanh(), shape(1), 0);
    assertValues(Tensor.of(true, false).exp().log(), DType.FLOAT32, shape(2), 1e-6, 1, 0);
    // Ops that are exact on integers keep them.
    assertLongs(Tensor.of(-4L).abs(), shape(1), 4);
    assertLongs(Tensor.of(-4L).neg(), shape(1), 4);
    assertLongs(Tensor.of(-4L).sign(), shape(1), -1);
  }

  @Test
  void whereAndMaximumPromoteTheirOperands() {
    assertValues(Tensor.where(Tensor.of(true, false), Tensor.of(1f, 1f), Tensor.of(0.1, 0.1)),
        DType.FLOAT64, shape(2), 0, 1, 0.1);
    assertFloats(Tensor.of(1L, 5L).maximum(Tensor.of(2.5f, 2.5f)), shape(2), 2.5, 5);
  }
}
