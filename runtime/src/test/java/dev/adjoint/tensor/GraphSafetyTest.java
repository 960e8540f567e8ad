package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import org.junit.jupiter.api.Test;

/** Writes that would silently corrupt gradients or memory are refused, as in PyTorch. */
class GraphSafetyTest {
  @Test
  void inPlaceOnALeafThatRequiresGradIsRefused() {
    Tensor w = Tensor.ones(3).requiresGrad_(true);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.mul_(2.0));
    assertTrue(e.getMessage().startsWith("mul_: a leaf tensor that requires grad"), e.getMessage());
    try (GradMode.Scope off = GradMode.noGrad()) {
      w.mul_(2.0); // what optimizers do
    }
    assertArrayEquals(new float[] {2, 2, 2}, w.toFloatArray());
  }

  @Test
  void inPlaceOnAGraphTensorIsRefused() {
    // y = 2x then y *= 3 in place: PyTorch's d(sum y)/dx is 6; recording nothing would give 2.
    Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad_(true);
    Tensor y = x.mul(2.0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.mul_(3.0));
    assertTrue(e.getMessage().contains("computed by MulBackward"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> y.exp_());
    assertThrows(IllegalStateException.class, () -> y.fill_(0));
    assertThrows(IllegalStateException.class, () -> y.copy_(Tensor.zeros(3)));
  }

  @Test
  void integerCastsCutTheGraph() {
    Tensor x = Tensor.of(1.5f, 2.7f).requiresGrad_(true);
    Tensor l = x.toLong();
    assertFalse(l.requiresGrad());
    assertNull(l.gradFn());
    assertEquals("tensor([1, 2])", l.toString());
    assertFalse(l.abs().requiresGrad());
  }

  @Test
  void writingThroughAnExpandedViewIsRefused() {
    Tensor z = Tensor.zeros(1).expand(5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> z.add_(1.0));
    assertTrue(e.getMessage().contains("single memory location"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> z.copy_(Tensor.arange(0.0, 5.0, 1.0)));
    assertEquals(0.0, Tensor.zeros(1).expand(1).add_(1.0).item(), 1.0, "size 1 is fine");
  }

  @Test
  void badlyScaledButRegularMatricesInvert() {
    // diag(1e-20, 1)^-1 = diag(1e20, 1): tiny entries are not singularity.
    Tensor a = Tensor.of(new double[][] {{1e-20, 0}, {0, 1}});
    assertArrayEquals(new double[] {1e20, 0, 0, 1}, a.inverse().toDoubleArray(), 1e4);
    Tensor b = Tensor.of(new float[][] {{1e-8f, 0}, {0, 1}});
    assertEquals(1e8, b.inverse().get(0, 0).item(), 1e8 * 1e-6);
    assertThrows(SingularMatrixException.class,
        () -> Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}).inverse());
  }

  @Test
  void divisionGradientDoesNotUnderflow() {
    // d(x/y)/dy = -x / y^2 = -1e-30 / 1e-46 = -1e16 in float32 (y*y would underflow to 0).
    Tensor y = Tensor.of(1e-23f).requiresGrad_(true);
    Tensor.of(1e-30f).div(y).sum().backward();
    assertEquals(-1e16, y.grad().item(), 1e16 * 1e-5);
  }

  @Test
  void signOfNanAndNegativeZeroIsZero() {
    // torch.sign([nan, -0., 0., -2., 3.]) = [0., 0., 0., -1., 1.] (PyTorch 1.13)
    Tensor s = Tensor.of(Float.NaN, -0f, 0f, -2f, 3f).sign();
    assertEquals("tensor([ 0.,  0.,  0., -1.,  1.])", s.toString());
    assertEquals("tensor([0., 0.], dtype=torch.float64)",
        Tensor.of(Double.NaN, -0.0).sign().toString());
  }
}
