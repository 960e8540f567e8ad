package dev.adjoint.nn;

import static dev.adjoint.nn.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link BCELoss} and its primitive {@link LossOps#binaryCrossEntropy}. */
class BCELossTest {
  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("BCELoss");
  }

  /** Probabilities in [0.05, 0.95], away from the clamps at 0 and 1. */
  private static Tensor probabilities(Generator gen, int... shape) {
    return randn(gen, shape).sigmoid().mul(0.9).add(0.05);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator gen = new Generator(41);
    for (Reduction r : Reduction.values()) {
      Tensor target = probabilities(gen, 3, 4).requiresGrad_(true);
      LossGradCheck.check(new BCELoss(null, r), probabilities(gen, 3, 4), target);
    }
    Tensor weight = Tensor.of(0.5, 2.0, 1.0, 0.25);
    LossGradCheck.check(new BCELoss(weight, Reduction.MEAN), probabilities(gen, 3, 4),
        probabilities(gen, 3, 4));
  }

  @Test
  void handDerivedPrimitiveOnTheTape() {
    // Outside any @Forward the primitive records one node. For x = 0.25, y = 1:
    // -log(0.25) = ln 4 and d/dx = (x - y) / (x (1 - x)) = -0.75 / 0.1875 = -4;
    // d/dy = log(1 - x) - log(x) = ln 3.
    Tensor x = Tensor.of(0.25).requiresGrad_(true);
    Tensor y = Tensor.of(1.0).requiresGrad_(true);
    Tensor loss = LossOps.binaryCrossEntropy(x, y);
    assertNotNull(loss.gradFn());
    assertEquals(Math.log(4), loss.item(), 1e-15);
    loss.backward();
    assertEquals(-4.0, x.grad().item(), 1e-14);
    assertEquals(Math.log(3), y.grad().item(), 1e-15);
  }

  @Test
  void probabilitiesZeroAndOneGiveFiniteLossesAndGradients() {
    // log clamped at -100: x = 0 with y = 1 costs 100; x = 0 with y = 0 costs 0. The gradient
    // denominator x (1 - x) = 0 is floored at PyTorch's float 1e-12f (not quite 1e-12):
    // (0 - 1) / 1e-12f, (0 - 0) / 1e-12f = 0 and (1 - 0) / 1e-12f.
    Tensor x = Tensor.of(0.0, 0.0, 1.0).requiresGrad_(true);
    Tensor loss = new BCELoss(Reduction.NONE).call(x, Tensor.of(1.0, 0.0, 0.0));
    assertArrayEquals(new double[] {100, 0, 100}, loss.toDoubleArray(), 0.0);
    loss.sum().backward();
    double floor = 1e-12f;
    assertArrayEquals(new double[] {-1 / floor, 0, 1 / floor}, x.grad().toDoubleArray(), 0.0);
  }

  @Test
  void weightIsABuffer() {
    assertEquals(List.of("weight"),
        List.copyOf(new BCELoss(Tensor.ones(3), Reduction.SUM).namedBuffers().keySet()));
  }

  @Test
  void badInputIsRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new BCELoss().call(Tensor.of(0.5, 1.5), Tensor.of(1.0, 0.0)));
    assertEquals("BCELoss: all elements of input should be between 0 and 1, found 1.5",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new BCELoss().call(Tensor.of(0.5, Double.NaN), Tensor.of(1.0, 0.0)));
    e = assertThrows(IllegalArgumentException.class,
        () -> LossOps.binaryCrossEntropy(Tensor.of(-0.5), Tensor.of(1.0)));
    assertEquals("binaryCrossEntropy: all elements of input should be between 0 and 1, found"
        + " -0.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BCELoss().call(Tensor.of(0.5, 0.5), Tensor.of(1L, 0L)));
    assertEquals("BCELoss: expected a floating point target (probabilities), got torch.int64;"
        + " convert it with toFloat()", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BCELoss().call(Tensor.full(0.5, 2, 1), Tensor.full(0.5, 2)));
    assertTrue(e.getMessage().startsWith(
        "BCELoss: target shape [2] does not match input shape [2, 1]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BCELoss(Tensor.ones(3), Reduction.MEAN).call(Tensor.full(0.5, 2, 4),
            Tensor.full(0.5, 2, 4)));
    assertEquals("BCELoss: weight of shape [3] cannot be broadcast to the input's shape [2, 4]",
        e.getMessage());
  }
}
