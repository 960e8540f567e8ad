package dev.adjoint.nn;

import static dev.adjoint.nn.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link SmoothL1Loss}. */
class SmoothL1LossTest {
  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("SmoothL1Loss");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator gen = new Generator(13);
    double[] betas = {1.0, 0.5, 0.0};
    for (Reduction r : Reduction.values()) {
      for (double beta : betas) {
        Tensor input = randn(gen, 3, 4).mul(2.0);
        Tensor target = randn(gen, 3, 4).requiresGrad_(true);
        // Both zones are visited, and no point sits within 1e-3 of a kink (0 or beta).
        Tensor z = input.sub(target).abs();
        assertTrue(z.min().item() > 1e-3 && z.sub(beta).abs().min().item() > 1e-3);
        assertTrue(beta == 0
            || z.lt(beta).sum().itemLong() > 0 && z.gt(beta).sum().itemLong() > 0);
        LossGradCheck.check(new SmoothL1Loss(r, beta), input, target);
      }
    }
  }

  @Test
  void handDerivedZones() {
    // beta = 1, z = |x - y| = [0.5, 2]: 0.5 z^2 / beta = 0.125 and z - 0.5 beta = 1.5;
    // dL/dx = (x - y) / beta = 0.5 inside the quadratic zone and sign(x - y) = -1 outside.
    Tensor x = Tensor.of(0.5, -2.0).requiresGrad_(true);
    Tensor loss = new SmoothL1Loss(Reduction.NONE).call(x, Tensor.of(0.0, 0.0));
    assertArrayEquals(new double[] {0.125, 1.5}, loss.toDoubleArray(), 1e-15);
    loss.sum().backward();
    assertArrayEquals(new double[] {0.5, -1.0}, x.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void betaZeroIsTheL1Loss() {
    Generator gen = new Generator(14);
    Tensor input = randn(gen, 2, 5);
    Tensor target = randn(gen, 2, 5);
    Tensor a = new SmoothL1Loss(Reduction.NONE, 0.0).call(input, target);
    Tensor b = new L1Loss(Reduction.NONE).call(input, target);
    assertArrayEquals(b.toDoubleArray(), a.toDoubleArray(), 0.0);
    assertEquals(1.0, new SmoothL1Loss().beta());
  }

  @Test
  void negativeBetaIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> new SmoothL1Loss(-1.0));
    assertEquals("SmoothL1Loss: beta must be non-negative (smooth_l1_loss does not support"
        + " negative values for beta), got -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SmoothL1Loss(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new SmoothL1Loss("avg", 1.0));
  }

  @Test
  void mismatchedShapesAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new SmoothL1Loss().call(Tensor.zeros(4), Tensor.zeros(4, 1)));
    assertTrue(e.getMessage().startsWith(
        "SmoothL1Loss: target shape [4, 1] does not match input shape [4]"), e.getMessage());
  }
}
