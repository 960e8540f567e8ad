package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertBools;
import static dev.adjoint.tensor.TensorAssertions.assertFloats;
import static dev.adjoint.tensor.TensorAssertions.assertLongs;
import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;
import static dev.adjoint.tensor.TensorAssertions.assertValues;
import static dev.adjoint.tensor.TensorAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Methods ending in {@code _}: they return this, write through views, and refuse lossy casts. */
class InPlaceTest {
  /** As in ElementwiseTest: one float32 rounding of a double result, 6e-8 relative at most. */
  private static final double F32_TOL = 1e-6;

  private static Tensor v(float... values) {
    return Tensor.of(values);
  }

  /** Applies {@code op}, checks it returned the same object, and returns it. */
  private static Tensor inPlace(Tensor t, UnaryOperator<Tensor> op) {
    Tensor r = op.apply(t);
    assertSame(t, r, "an in-place op must return this");
    return r;
  }

  @Test
  void arithmeticInPlaceReturnsThisAndUpdatesIt() {
    assertFloats(inPlace(v(1, 2, 3), t -> t.add_(v(10, 20, 30))), shape(3), 11, 22, 33);
    assertFloats(inPlace(v(1, 2, 3), t -> t.add_(0.5)), shape(3), 1.5, 2.5, 3.5);
    assertFloats(inPlace(v(1, 2, 3), t -> t.add_(v(1, 1, 1), -2.0)), shape(3), -1, 0, 1);
    assertFloats(inPlace(v(1, 2, 3), t -> t.sub_(v(3, 2, 1))), shape(3), -2, 0, 2);
    assertFloats(inPlace(v(1, 2, 3), t -> t.sub_(1.0)), shape(3), 0, 1, 2);
    assertFloats(inPlace(v(1, 2, 3), t -> t.mul_(v(2, 0, -1))), shape(3), 2, 0, -3);
    assertFloats(inPlace(v(1, 2, 3), t -> t.mul_(4.0)), shape(3), 4, 8, 12);
    assertFloats(inPlace(v(1, 2, 3), t -> t.div_(v(4, 8, -2))), shape(3), 0.25, 0.25, -1.5);
    assertFloats(inPlace(v(1, 2, 3), t -> t.div_(2.0)), shape(3), 0.5, 1, 1.5);
    assertFloats(inPlace(v(1, -2, 3), t -> t.pow_(2.0)), shape(3), 1, 4, 9);
    assertFloats(inPlace(v(4, 9, 0.25f), t -> t.pow_(0.5)), shape(3), 2, 3, 0.5);
  }

  @Test
  void integerScalarsWorkInPlaceOnInt64() {
    // x.add_(1) on an int64 tensor is fine in PyTorch: an int scalar does not promote.
    assertLongs(inPlace(Tensor.of(1L, 2L), t -> t.add_(1L)), shape(2), 2, 3);
    assertLongs(inPlace(Tensor.of(1L, 2L), t -> t.sub_(5L)), shape(2), -4, -3);
    assertLongs(inPlace(Tensor.of(1L, 2L), t -> t.mul_(3L)), shape(2), 3, 6);
    assertLongs(inPlace(Tensor.of(1L, 2L), t -> t.add_(Tensor.of(10L, 20L))), shape(2), 11, 22);
    // And on a float tensor they act as the same float.
    assertFloats(inPlace(v(0.5f), t -> t.add_(2L)), shape(1), 2.5);
  }

  @Test
  void unaryInPlaceReturnsThisAndUpdatesIt() {
    assertFloats(inPlace(v(1, -2), Tensor::neg_), shape(2), -1, 2);
    // exp(1) = e, log(e) = 1, sqrt(2) = 1.4142135623730951, tanh(1) = 0.7615941559557649,
    // sigmoid(0) = 1/2.
    assertValues(inPlace(v(0, 1), Tensor::exp_), DType.FLOAT32, shape(2), F32_TOL, 1, Math.E);
    assertValues(inPlace(v(1, (float) Math.E), Tensor::log_), DType.FLOAT32, shape(2), F32_TOL,
        0, 1);
    assertValues(inPlace(v(4, 2), Tensor::sqrt_), DType.FLOAT32, shape(2), F32_TOL,
        2, 1.4142135623730951);
    assertFloats(inPlace(v(-3, 2), Tensor::abs_), shape(2), 3, 2);
    assertFloats(inPlace(v(-3, 0, 2), Tensor::sign_), shape(3), -1, 0, 1);
    assertValues(inPlace(v(0, 1), Tensor::tanh_), DType.FLOAT32, shape(2), F32_TOL,
        0, 0.7615941559557649);
    assertFloats(inPlace(v(0), Tensor::sigmoid_), shape(1), 0.5);
    assertFloats(inPlace(v(-1, 3), Tensor::relu_), shape(2), 0, 3);
    assertFloats(inPlace(v(-5, 0.5f, 5), t -> t.clamp_(-1, 1)), shape(3), -1, 0.5, 1);
    assertLongs(inPlace(Tensor.of(-5L, 5L), Tensor::neg_), shape(2), 5, -5);
    assertLongs(inPlace(Tensor.of(-5L, 0L, 5L), t -> t.clamp_(-1, 1)), shape(3), -1, 0, 1);
  }

  @Test
  void fillZeroAndCopy() {
    assertFloats(inPlace(Tensor.zeros(2, 2), t -> t.fill_(2.5)), shape(2, 2), 2.5, 2.5, 2.5, 2.5);
    assertLongs(inPlace(Tensor.ones(DType.INT64, 2), t -> t.fill_(7)), shape(2), 7, 7);
    assertFloats(inPlace(v(1, 2), Tensor::zero_), shape(2), 0, 0);
    // copy_ broadcasts the source: a row into every row.
    assertFloats(inPlace(Tensor.zeros(2, 3), t -> t.copy_(v(1, 2, 3))), shape(2, 3),
        1, 2, 3, 1, 2, 3);
    assertFloats(inPlace(Tensor.zeros(2, 2), t -> t.copy_(Tensor.scalar(4.0))), shape(2, 2),
        4, 4, 4, 4);
    // copy_ converts: floats to int64 truncate toward zero, int64 to float32 exactly.
    assertLongs(inPlace(Tensor.zeros(DType.INT64, 3), t -> t.copy_(v(1.7f, -1.7f, 0.2f))),
        shape(3), 1, -1, 0);
    assertFloats(inPlace(Tensor.zeros(2), t -> t.copy_(Tensor.of(3L, -4L))), shape(2), 3, -4);
    assertBools(inPlace(Tensor.zeros(DType.BOOL, 3), t -> t.copy_(v(0, 0.5f, -2))), shape(3),
        false, true, true);
  }

  @Test
  void copyFromAnOverlappingViewReadsTheOldValues() {
    // a.copy_(a.t()) is a transpose, as if the source were read fully before any write.
    Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
    a.copy_(a.t());
    assertFloats(a, shape(2, 2), 1, 3, 2, 4);
  }

  @Test
  void writesThroughASliceReachTheOriginal() {
    Tensor m = Tensor.zeros(3, 4);
    m.select(0, 1).fill_(7); // row 1
    m.slice(1, 0, null, 2).add_(1); // columns 0 and 2
    m.get(2, 3).fill_(5); // one element
    m.select(1, 3).narrow(0, 0, 2).sub_(v(1, 2)); // column 3, rows 0 and 1
    assertFloats(m, shape(3, 4),
        1, 0, 1, -1,
        8, 7, 8, 5,
        1, 0, 1, 5);
    // Through a transposed view, scaled in place.
    m.t().mul_(2.0);
    assertFloats(m, shape(3, 4),
        2, 0, 2, -2,
        16, 14, 16, 10,
        2, 0, 2, 10);
    // Through a reshaped (view) alias.
    m.view(12).narrow(0, 4, 4).zero_();
    assertFloats(m, shape(3, 4),
        2, 0, 2, -2,
        0, 0, 0, 0,
        2, 0, 2, 10);
    // Unary in place on a strided view only touches its elements.
    m.slice(1, 1, null, 2).neg_().add_(100);
    assertFloats(m, shape(3, 4),
        2, 100, 2, 102,
        0, 100, 0, 100,
        2, 100, 2, 90);
  }

  @Test
  void broadcastingTheOtherOperandInPlace() {
    Tensor m = Tensor.zeros(2, 3);
    m.add_(v(1, 2, 3)); // [3] over [2, 3]
    m.mul_(Tensor.fromArray(new float[] {1, -1}, 2, 1)); // [2, 1] over [2, 3]
    assertFloats(m, shape(2, 3), 1, 2, 3, -1, -2, -3);
  }

  @Test
  void theOutputShapeCannotGrow() {
    // this [3] + other [2, 3] would broadcast to [2, 3], which does not fit in this.
    assertThrowsWith(IllegalArgumentException.class, () -> v(1, 2, 3).add_(Tensor.ones(2, 3)),
        "add_:", "[3]", "[2, 3]");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.ones(2, 1).mul_(Tensor.ones(1, 3)), "mul_:", "[2, 1]", "[2, 3]");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.zeros(3).copy_(Tensor.ones(2, 3)), "copy_:", "[2, 3]", "[3]");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.zeros(3).copy_(Tensor.ones(2)), "copy_:", "[3]", "[2]");
  }

  @Test
  void aResultThatCannotBeCastIsRefused() {
    Tensor k = Tensor.of(1L, 2L);
    assertThrowsWith(IllegalArgumentException.class, () -> k.add_(1.5), "add_:",
        "torch.float32", "torch.int64");
    assertThrowsWith(IllegalArgumentException.class, () -> k.mul_(v(0.5f, 0.5f)), "mul_:",
        "can't be cast");
    // True division of integers is a float.
    assertThrowsWith(IllegalArgumentException.class, () -> k.div_(Tensor.of(2L, 2L)), "div_:",
        "can't be cast");
    assertThrowsWith(IllegalArgumentException.class, k::exp_, "exp_:", "can't be cast");
    assertThrowsWith(IllegalArgumentException.class, k::sqrt_, "sqrt_:");
    assertThrowsWith(IllegalArgumentException.class, () -> k.clamp_(0.5, 1.5), "clamp_:",
        "can't be cast");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.of(true).add_(Tensor.of(1L)), "add_:", "torch.bool");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.of(true, false).neg_(), "neg_", "bool");
    // The refused op left the tensor as it was.
    assertLongs(k, shape(2), 1, 2);
  }

  @Test
  void aWiderFloatIsRoundedIntoAFloat32Tensor() {
    // PyTorch allows float64 -> float32 in place (same category): 1f + 0.1 computed in float32.
    Tensor t = v(1, 2);
    t.add_(Tensor.of(0.1, 0.1));
    float tenth = (float) 0.1;
    assertFloats(t, shape(2), 1f + tenth, 2f + tenth);
    // and int64 or bool into floats, bool into int64.
    assertFloats(v(1, 2).add_(Tensor.of(1L, 2L)), shape(2), 2, 4);
    assertLongs(Tensor.of(1L, 2L).add_(Tensor.of(true, false)), shape(2), 2, 2);
    assertBools(Tensor.of(true, false).add_(Tensor.of(false, false)), shape(2), true, false);
  }

  @Test
  void anAliasedOperandIsReadBeforeItIsOverwritten() {
    // a + a^T for a = [[1, 2], [3, 4]] is [[2, 5], [5, 8]]; a naive in-place loop would write
    // a[0][1] = 5 before reading it back as a^T[1][0], giving 9 at [1][0].
    Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor expected = a.add(a.t());
    assertFloats(expected, shape(2, 2), 2, 5, 5, 8);
    a.add_(a.t());
    assertArrayEquals(expected.toFloatArray(), a.toFloatArray());

    // A larger non-symmetric case, checked against out of place.
    Tensor b = Tensor.arange(0.0, 25.0, 1.0).view(5, 5).mul(Tensor.arange(0.0, 25.0, 1.0)
        .view(5, 5).t().add(1.0));
    Tensor want = b.sub(b.t());
    b.sub_(b.t());
    assertArrayEquals(want.toFloatArray(), b.toFloatArray());

    Tensor c = v(1, 2, 3);
    c.mul_(c); // squares
    assertFloats(c, shape(3), 1, 4, 9);
  }
}
