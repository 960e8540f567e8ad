package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The graph recorded by primitive ops outside {@code @Forward} code (the notebook's autograd). */
class TapeTest {

  @Test
  void notebookSquare() {
    // x = torch.tensor(2., requires_grad=True); y = x ** 2; y.backward(); x.grad -> 4 (dy/dx = 2x)
    Tensor x = Tensor.scalar(2.0).requiresGrad_(true);
    assertEquals("tensor(2., requires_grad=True)", x.toString());
    assertNull(x.grad());
    Tensor y = x.pow(2.0);
    assertNull(x.grad(), "no gradient before backward");
    y.backward();
    assertEquals("tensor(4.)", x.grad().toString());
  }

  @Test
  void printsGradFn() {
    Tensor x = Tensor.scalar(2.0).requiresGrad_(true);
    assertEquals("tensor(4., grad_fn=<MulBackward0>)", x.mul(x).toString());
  }

  @Test
  void noGradRecordsNothing() {
    Tensor x = Tensor.scalar(2.0).requiresGrad_(true);
    try (GradMode.Scope off = GradMode.noGrad()) {
      Tensor y = x.mul(x);
      assertNull(y.gradFn());
      assertTrue(!y.requiresGrad());
    }
    assertNotNull(x.mul(x).gradFn(), "recording resumes after the scope");
  }

  @Test
  void gradientsAccumulateAcrossBackwardCalls() {
    Tensor x = Tensor.scalar(3.0).requiresGrad_(true);
    x.mul(x).backward(); // d(x^2)/dx = 6
    x.mul(5.0).backward(); // + 5
    assertEquals(11.0, x.grad().item(), 0);
  }

  @Test
  void sharedSubexpressionAccumulates() {
    // z = a*b + a  ->  dz/da = b + 1 = 5, dz/db = a = 2
    Tensor a = Tensor.scalar(2.0).requiresGrad_(true);
    Tensor b = Tensor.scalar(4.0).requiresGrad_(true);
    a.mul(b).add(a).backward();
    assertEquals(5.0, a.grad().item(), 0);
    assertEquals(2.0, b.grad().item(), 0);
  }

  @Test
  void secondBackwardNeedsRetainGraph() {
    Tensor x = Tensor.scalar(2.0).requiresGrad_(true);
    Tensor y = x.exp();
    y.backward(Tensor.scalar(1.0), true);
    y.backward(); // allowed: the graph was retained
    assertEquals(2 * Math.exp(2.0), x.grad().item(), 1e-5);
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("second time"), e.getMessage());
  }

  @Test
  void nonScalarNeedsGradient() {
    Tensor x = Tensor.ones(3).requiresGrad_(true);
    Tensor y = x.mul(2.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
    assertTrue(e.getMessage().contains("one-element"), e.getMessage());
    y.backward(Tensor.of(1f, 10f, 100f));
    assertArrayEquals(new float[] {2, 20, 200}, x.grad().toFloatArray());
  }

  @Test
  void detachCutsAndLeavesAreMarked() {
    Tensor x = Tensor.ones(2).requiresGrad_(true);
    Tensor d = x.detach();
    assertTrue(x.isLeaf());
    assertTrue(!d.requiresGrad());
    assertSame(null, d.gradFn());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.ones(DType.INT64, 2).requiresGrad_(true));
  }

  @Test
  void chainThroughViewsAndReductions() {
    // f(W) = sum((W^T)[0, :] * 3) over a 2x3 W: gradient is 3 in column 0, 0 elsewhere.
    Tensor w = Tensor.zeros(2, 3).requiresGrad_(true);
    w.t().get(0).mul(3.0).sum().backward();
    assertArrayEquals(new float[] {3, 0, 0, 3, 0, 0}, w.grad().toFloatArray());
  }

  @Test
  void compositeOpsRecordOneNode() {
    // add with alpha, t, flatten, sum(dim), contiguous of a view, stack, get and maskedFill are
    // built from other ops; each records one node whose inputs are its own arguments.
    Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}}).requiresGrad_(true);
    Tensor y = Tensor.of(new double[][] {{5, 6}, {7, 8}}).requiresGrad_(true);
    Tensor sum = x.add(y, 2.0);
    assertEquals("AddBackward1", sum.gradFn().name());
    assertEquals(2, sum.gradFn().inputCount());
    assertSame(x, sum.gradFn().input(0));
    assertSame(y, sum.gradFn().input(1));
    Tensor xt = x.t();
    assertSame(xt, xt.contiguous().gradFn().input(0));
    for (Tensor r : new Tensor[] {xt, x.flatten(), x.sum(1), Tensor.stack(java.util.List.of(x, y)),
        x.get(1), x.maskedFill(x.gt(2.0), 0.0)}) {
      for (int i = 0; i < r.gradFn().inputCount(); i++) {
        Tensor in = r.gradFn().input(i);
        assertTrue(in == null || in == x || in == y, r.gradFn().name() + " input " + i
            + " is an intermediate, not an argument");
      }
    }
  }

  @Test
  void aSecondNodeOnOneResultIsRefused() {
    // The check that finds composites recording their parts: the second node would replace the
    // first on the same result.
    Tensor x = Tensor.of(1.0, 2.0).requiresGrad_(true);
    Tensor twice = x.mul(2.0);
    Node first = twice.gradFn();
    Node other = x.add(1.0).gradFn();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> twice.setGradFn(other));
    assertTrue(e.getMessage().startsWith(other.name() + " would replace " + first.name()),
        e.getMessage());
    twice.setGradFn(first); // the same node again is not a second one
  }
}
