package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.GradMode;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The {@link Functional} ops outside {@code @Forward} code: on tracked tensors each records one
 * graph node (named like PyTorch's), whose backward gives the rules' gradients; under
 * {@code noGrad} nothing is recorded. And a layer's {@code @Forward} run as plain Java (one node
 * per op) gives the same gradients as the generated backward.
 */
class FunctionalTapeTest {
  private static final int[] ONE = {1};

  @Test
  void opsOnTrackedTensorsRecordOneNodeEach() {
    Generator gen = new Generator(31);
    Tensor x = Tensor.randn(gen, 2, 2, 5, 5).toDouble().requiresGrad_(true);
    Tensor w = Tensor.randn(gen, 3, 2, 3, 3).toDouble().requiresGrad_(true);
    Tensor b = Tensor.randn(gen, 3).toDouble().requiresGrad_(true);
    Tensor y = Functional.conv2d(x, w, b, ONE, ONE, ONE, 1);
    assertEquals("Conv2dBackward0", y.gradFn().name());
    Tensor p = Functional.maxPool2d(y, new int[] {2}, null, new int[] {0}, ONE);
    assertEquals("MaxPool2dBackward0", p.gradFn().name());
    Tensor g = Tensor.randn(gen, p.shape()).toDouble();
    p.backward(g);
    // The same gradients from the rules, chained by hand.
    Tensor gy = FunctionalRules.maxPool2dInput(g, y.detach(), new int[] {2}, null,
        new int[] {0}, ONE);
    assertTrue(x.grad().allClose(FunctionalRules.conv2dInput(gy, w.detach(), x.shape(), ONE,
        ONE, ONE, 1), 1e-12, 1e-12));
    assertTrue(w.grad().allClose(FunctionalRules.conv2dWeight(gy, x.detach(), w.shape(), ONE,
        ONE, ONE, 1), 1e-12, 1e-12));
    assertTrue(b.grad().allClose(FunctionalRules.conv2dBias(gy), 1e-12, 1e-12));
    try (GradMode.Scope off = GradMode.noGrad()) {
      assertNull(Functional.softmax(x, 1).gradFn());
    }
    assertEquals("LogSoftmaxBackward0", Functional.logSoftmax(x, 1).gradFn().name());
  }

  @Test
  void eagerLayerForwardMatchesTheGeneratedBackward() {
    Generator gen = new Generator(32);
    Sequential generated = new Sequential(new Conv2d(2, 3, 3, 1, 1), new GELU(),
        new MaxPool2d(2), new Flatten(), new Linear(12, 2));
    Sequential eager = new Sequential(new Conv2d(2, 3, 3, 1, 1), new GELU(),
        new MaxPool2d(2), new Flatten(), new Linear(12, 2));
    generated.namedParameters().forEach((k, v) -> eager.setParameter(k, v.detach().clone()));
    Tensor x = Tensor.randn(gen, 2, 2, 4, 4);
    Tensor x1 = x.clone().requiresGrad_(true);
    Tensor x2 = x.clone().requiresGrad_(true);
    generated.call(x1).sum().backward();
    Tensor h = x2;
    for (int i = 0; i < eager.size(); i++) {
      Module m = eager.get(i);
      h = m instanceof Conv2d c ? c.forward(h) : m instanceof GELU a ? a.forward(h)
          : m instanceof MaxPool2d mp ? mp.forward(h) : m instanceof Flatten f ? f.forward(h)
          : ((Linear) m).forward(h);
    }
    h.sum().backward();
    assertTrue(x1.grad().allClose(x2.grad(), 1e-6, 1e-7), "input gradients");
    generated.namedParameters().forEach((k, v) -> assertTrue(
        v.grad().allClose(eager.parameter(k).grad(), 1e-6, 1e-7), k));
  }
}
