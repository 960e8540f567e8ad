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
  void aReleasedStorageRefusesUse() {
    Tensor t = Tensor.zeros(2048);
    dev.adjoint.backend.Backends.of(t.device()).release(t.storage());
    assertTrue(t.storage().isReleased());
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> t.add(1.0));
    assertTrue(e.getMessage().contains("released"), e.getMessage());
    assertSame(e.getClass(), IllegalStateException.class);
  }
}
