package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The engine owns the gradients it makes: a leaf's first gradient is adopted without a copy when
 * nothing else shares it, a node's incoming gradient is released after the node ran when nothing
 * shares it, and values the caller holds (the seed, saved forward values) are never released.
 * Values are checked against hand-derived gradients.
 */
class GradientOwnershipTest {
  @Test
  void aLeafAdoptsTheGradientTheEngineMade() {
    Tensor w = Tensor.of(1.0, 2.0, 3.0).requiresGrad_(true);
    Tensor x = Tensor.of(4.0, 5.0, 6.0);
    // d/dw sum(w * x * 2) = 2x: the mul node's fresh output, not a copy of it.
    w.mul(x).mul(2.0).sum().backward();
    assertArrayEquals(new double[] {8, 10, 12}, w.grad().toDoubleArray());
    assertTrue(w.grad().storage().serial() > x.storage().serial());
    // A second backward adds into the adopted gradient.
    w.mul(x).sum().backward();
    assertArrayEquals(new double[] {12, 15, 18}, w.grad().toDoubleArray());
  }

  @Test
  void theCallersSeedIsNeverAdoptedNorReleased() {
    Tensor a = Tensor.of(1.0, 2.0).requiresGrad_(true);
    Tensor seed = Tensor.of(0.5, -1.0);
    // add passes g through unchanged: a's gradient would be the seed itself.
    a.add(1.0).backward(seed);
    assertFalse(seed.storage().isReleased());
    assertNotSame(seed.storage(), a.grad().storage());
    assertArrayEquals(new double[] {0.5, -1.0}, seed.toDoubleArray());
    a.grad().mul_(3.0);
    assertArrayEquals(new double[] {0.5, -1.0}, seed.toDoubleArray(), "the seed was aliased");
  }

  @Test
  void oneGradientRoutedToTwoLeavesIsNotShared() {
    Tensor x = Tensor.of(1.0, 2.0).requiresGrad_(true);
    Tensor y = Tensor.of(3.0, 4.0).requiresGrad_(true);
    // (x + y) * 3: add's rule hands the same fresh gradient (3, 3) to both leaves.
    x.add(y).mul(3.0).sum().backward();
    assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray());
    assertArrayEquals(new double[] {3, 3}, y.grad().toDoubleArray());
    assertNotSame(x.grad().storage(), y.grad().storage());
    x.grad().zero_();
    assertArrayEquals(new double[] {3, 3}, y.grad().toDoubleArray(), "y's gradient was x's");
  }

  @Test
  void savedValuesSurviveAndTheGraphCanRunAgain() {
    Tensor x = Tensor.of(0.5, 1.5).requiresGrad_(true);
    Tensor h = x.mul(x); // saves x
    Tensor out = h.exp().sum(); // saves exp(h)
    out.backward(null, true);
    double[] first = x.grad().toDoubleArray();
    // d/dx exp(x^2) = 2x exp(x^2)
    assertArrayEquals(new double[] {2 * 0.5 * Math.exp(0.25), 2 * 1.5 * Math.exp(2.25)}, first,
        1e-12);
    assertFalse(h.storage().isReleased(), "a forward value the caller holds");
    out.backward(null, false);
    assertArrayEquals(new double[] {2 * first[0], 2 * first[1]}, x.grad().toDoubleArray(),
        1e-12);
  }

  @Test
  void anOptimizersFirstStateOutlivesTheCallersArena() {
    // A training step run inside the caller's own arena (as bench/run does): the Adam state made
    // on the first step belongs to the optimizer, not to the arena that was open when it was
    // made. Released with the arena, the second step read freed memory.
    dev.adjoint.nn.Linear layer = new dev.adjoint.nn.Linear(3, 2, true,
        new dev.adjoint.tensor.Generator(4));
    dev.adjoint.optim.Adam opt = new dev.adjoint.optim.Adam(layer.parameters(), 0.1);
    Tensor x = Tensor.of(1.0, -2.0, 0.5).reshape(1, 3).to(dev.adjoint.tensor.DType.FLOAT32);
    for (int step = 0; step < 3; step++) {
      Temporaries.releasing(() -> {
        opt.zeroGrad(false);
        layer.call(x).sum().backward();
        opt.step();
        return null;
      });
    }
    Tensor bias = layer.parameters().get(1);
    java.util.Map<String, Object> state = opt.state(bias);
    // Each step's bias gradient is 1 (d sum / d bias), so after three steps Adam's averages are
    // m = 0.1 (1 + 0.9 + 0.81) = 1 - 0.9^3 and v = 0.001 (1 + 0.999 + 0.999^2) = 1 - 0.999^3.
    assertArrayEquals(new double[] {1 - Math.pow(0.9, 3), 1 - Math.pow(0.9, 3)},
        ((Tensor) state.get("exp_avg")).toDoubleArray(), 1e-6);
    assertArrayEquals(new double[] {1 - Math.pow(0.999, 3), 1 - Math.pow(0.999, 3)},
        ((Tensor) state.get("exp_avg_sq")).toDoubleArray(), 1e-6);
    assertFalse(bias.storage().isReleased());
  }

  @Test
  void dataAndGradientsALeafAdoptsInsideAnArenaOutliveIt() {
    // Module.to, setGrad and an optimizer's loadStateDict called inside a caller's arena: the
    // tensors they store belong to the module, the leaf and the optimizer afterwards.
    dev.adjoint.nn.Linear layer = new dev.adjoint.nn.Linear(2, 1, true,
        new dev.adjoint.tensor.Generator(5));
    Tensor w = layer.parameters().get(0);
    double[] before = w.toDoubleArray();
    dev.adjoint.optim.SGD opt = dev.adjoint.optim.SGD.builder(layer.parameters())
        .lr(0.5).momentum(0.9).build();
    layer.call(Tensor.of(1.0, 1.0).reshape(1, 2).to(dev.adjoint.tensor.DType.FLOAT32)).sum()
        .backward();
    opt.step(); // a momentum buffer for each parameter
    java.util.Map<String, Object> saved = opt.stateDict();
    Temporaries.releasing(() -> {
      layer.to(dev.adjoint.tensor.DType.FLOAT64);
      w.setGrad(Tensor.of(1.0, 2.0).reshape(1, 2).mul(2.0)); // made in the arena
      opt.loadStateDict(saved);
      return null;
    });
    assertFalse(w.storage().isReleased());
    assertFalse(w.grad().storage().isReleased());
    assertArrayEquals(new double[] {2.0, 4.0}, w.grad().toDoubleArray());
    Tensor buffer = (Tensor) opt.state(w).get("momentum_buffer");
    assertFalse(buffer.storage().isReleased());
    // The first step's buffer is the gradient, d sum / d w = the input (1, 1); the step moved w
    // by -0.5 each.
    assertArrayEquals(new double[] {1.0, 1.0}, buffer.toDoubleArray(), 1e-7);
    assertArrayEquals(new double[] {before[0] - 0.5, before[1] - 0.5}, w.toDoubleArray(), 1e-6);
  }

  @Test
  void aReleasedStorageRefusesUse() {
    Tensor t = Tensor.zeros(2048);
    dev.adjoint.backend.Backends.of(t.device()).release(t.storage());
    assertTrue(t.storage().isReleased());
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> t.add(1.0));
    assertTrue(e.getMessage().contains("released"), e.getMessage());
    assertSame(e.getClass(), IllegalStateException.class);
  }

  @Test
  void aBackwardsTemporariesAreReleasedWhenItReturns() {
    Tensor x = Tensor.of(1.0, 2.0, 3.0, 4.0).requiresGrad_(true);
    Tensor y = Tensor.of(5.0, 6.0, 7.0, 8.0).requiresGrad_(true);
    Tensor[] seen = new Tensor[3];
    Tensor out = x.add(y);
    // A node whose backward makes a temporary (2g), returns a view of another (3g, reshaped)
    // for x and a fresh one for y: only the temporary nothing returns is released.
    out.setGradFn(null);
    Node node = new Node("ProbeBackward", x, y) {
      @Override
      protected Tensor[] apply(Tensor g) {
        seen[0] = g.mul(2.0);
        seen[1] = g.mul(3.0).reshape(2, 2);
        seen[2] = seen[0].add(1.0);
        return new Tensor[] {seen[1].reshape(4), seen[2]};
      }
    };
    out.setGradFn(node);
    out.backward(Tensor.of(1.0, 1.0, 1.0, 1.0));
    assertTrue(seen[0].storage().isReleased(), "the temporary 2g");
    assertFalse(seen[1].storage().isReleased(), "x's gradient is a view of it");
    assertFalse(seen[2].storage().isReleased(), "y's gradient");
    assertArrayEquals(new double[] {3, 3, 3, 3}, x.grad().toDoubleArray());
    assertArrayEquals(new double[] {3, 3, 3, 3}, y.grad().toDoubleArray());
  }

  @Test
  void aParametersFirstGradientIsNotReleasedWithTheTemporaries() {
    // Generated layer backwards accumulate into parameters themselves: the stored copy escapes.
    dev.adjoint.nn.Linear fc = new dev.adjoint.nn.Linear(3, 2);
    Tensor x = Tensor.of(new double[][] {{1, 2, 3}}).toFloat();
    fc.call(x).sum().backward();
    for (Tensor p : fc.parameters()) {
      assertFalse(p.grad().storage().isReleased(), "a parameter's gradient was released");
    }
    // d/db sum(x W^T + b) = 1 per output; d/dW = x for each row.
    assertArrayEquals(new float[] {1, 1}, fc.parameters().get(1).grad().toFloatArray());
    assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3},
        fc.parameters().get(0).grad().toFloatArray());
  }
}
