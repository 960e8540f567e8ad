package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Sequential}: PyTorch's registry names, printing, modes and chaining. */
class SequentialTest {
  @Test
  void layersAreNamedByPosition() {
    Sequential s = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        List.copyOf(s.namedParameters().keySet()));
    assertEquals(List.of("0", "1", "2"), List.copyOf(s.namedModules().keySet()));
    assertArrayEquals(new int[] {2}, s.parameter("2.bias").shape());
    Tensor w = Tensor.zeros(4, 3);
    s.setParameter("0.weight", w);
    assertSame(w, ((Linear) s.get(0)).weight);
    assertEquals(4 * 3 + 4 + 2 * 4 + 2, s.numParameters());
  }

  @Test
  void nestedContainersAndBuffersKeepPyTorchKeys() {
    Sequential s = new Sequential(new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)),
        new ReLU(), new Flatten());
    assertEquals(List.of("0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias",
        "0.1.running_mean", "0.1.running_var", "0.1.num_batches_tracked"),
        List.copyOf(s.stateDict().keySet()));
    assertEquals(List.of("0", "0.0", "0.1", "1", "2"), List.copyOf(s.namedModules().keySet()));
  }

  @Test
  void printsLikePyTorch() {
    Sequential s = new Sequential(new Conv2d(1, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(24, 5), new LogSoftmax(1));
    assertEquals(String.join("\n",
        "Sequential(",
        "  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
        "  (1): ReLU()",
        "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
        "  (3): Flatten(start_dim=1, end_dim=-1)",
        "  (4): Linear(in_features=24, out_features=5, bias=True)",
        "  (5): LogSoftmax(dim=1)",
        ")"), s.toString());
  }

  @Test
  void modesReachEveryLayer() {
    Dropout d = new Dropout(0.5);
    Sequential s = new Sequential(new Linear(2, 2), new Sequential(d));
    s.eval();
    assertFalse(d.training());
    s.train();
    assertTrue(d.training());
  }

  @Test
  void appliesLayersInOrderAndBackpropagatesThroughThem() {
    Generator gen = new Generator(9);
    Linear a = new Linear(3, 4, true, gen);
    Linear b = new Linear(4, 2, true, gen);
    Sequential s = new Sequential(a, new Tanh()).append(b);
    assertEquals(3, s.size());
    assertSame(b, s.get(-1));
    Tensor x = Tensor.randn(gen, 5, 3).requiresGrad_(true);
    Tensor y = s.call(x);
    Tensor expected = b.call(a.call(x).tanh());
    assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 0f);
    y.sum().backward();
    Tensor gx = x.grad();
    x.setGrad(null);
    expected.sum().backward();
    assertArrayEquals(x.grad().toFloatArray(), gx.toFloatArray(), 1e-6f);
    assertThrows(IndexOutOfBoundsException.class, () -> s.get(3));
  }

  /**
   * The first layer is asked for its input's gradient only when the input wants one: with an
   * input that requires grad, it gets the gradient of the same ops recorded one by one; without,
   * none, and the parameters' gradients are the same bits either way.
   */
  @Test
  void theFirstLayersInputGradientIsComputedOnlyWhenWanted() {
    Generator g = new Generator(4);
    Linear first = new Linear(5, 4, true, g);
    Linear second = new Linear(4, 3, true, g);
    Sequential model = new Sequential(first, new Tanh(), second);
    Tensor x = Tensor.randn(g, 6, 5);

    model.call(x).sum().backward();
    assertEquals(null, x.grad());
    Tensor w1 = first.parameter("weight").grad().clone();
    Tensor w2 = second.parameter("weight").grad().clone();

    model.zeroGrad();
    Tensor xg = x.clone().requiresGrad_(true);
    model.call(xg).sum().backward();
    assertEquals(0, w1.sub(first.parameter("weight").grad()).abs().max().item());
    assertEquals(0, w2.sub(second.parameter("weight").grad()).abs().max().item());

    Tensor xr = x.clone().requiresGrad_(true);
    Tensor a = first.parameter("weight").detach();
    Tensor b = first.parameter("bias").detach();
    Tensor c = second.parameter("weight").detach();
    Tensor d = second.parameter("bias").detach();
    xr.matmul(a.t()).add(b).tanh().matmul(c.t()).add(d).sum().backward();
    assertTrue(xg.grad() != null, "no gradient for an input that requires one");
    assertEquals(0, xr.grad().sub(xg.grad()).abs().max().item(), 1e-6);
  }
}
