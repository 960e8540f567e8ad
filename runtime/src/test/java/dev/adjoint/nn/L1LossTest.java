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

/** {@link L1Loss}. */
class L1LossTest {
  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("L1Loss");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator gen = new Generator(12);
    for (Reduction r : Reduction.values()) {
      Tensor input = randn(gen, 3, 4);
      Tensor target = randn(gen, 3, 4).requiresGrad_(true);
      // Finite differences cannot judge the kink at input == target.
      assertTrue(input.sub(target).abs().min().item() > 1e-3);
      LossGradCheck.check(new L1Loss(r), input, target);
    }
  }

  @Test
  void gradientIsZeroWhereInputEqualsTarget() {
    // dL/dx = sign(x - y) / n with sign(0) = 0 (PyTorch): n = 3, so [1/3, 0, -1/3].
    Tensor x = Tensor.of(2.0, 1.0, -1.0).requiresGrad_(true);
    Tensor loss = new L1Loss().call(x, Tensor.of(1.0, 1.0, 1.0));
    assertEquals(1.0, loss.item(), 1e-15);
    loss.backward();
    assertArrayEquals(new double[] {1.0 / 3, 0.0, -1.0 / 3}, x.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void mismatchedShapesAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new L1Loss("sum").call(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
    assertTrue(e.getMessage().startsWith(
        "L1Loss: target shape [3, 2] does not match input shape [2, 3]"), e.getMessage());
  }
}
