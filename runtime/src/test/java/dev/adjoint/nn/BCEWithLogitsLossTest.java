package dev.adjoint.nn;

import static dev.adjoint.nn.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link BCEWithLogitsLoss}. */
class BCEWithLogitsLossTest {
  private static final Tensor POS_WEIGHT = Tensor.of(2.0, 0.5, 3.0, 1.0);

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("BCEWithLogitsLoss");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator gen = new Generator(51);
    for (Reduction r : Reduction.values()) {
      Tensor target = randn(gen, 3, 4).sigmoid().requiresGrad_(true);
      LossGradCheck.check(new BCEWithLogitsLoss(r), randn(gen, 3, 4).mul(3.0), target);
      target = randn(gen, 3, 4).sigmoid().requiresGrad_(true);
      LossGradCheck.check(new BCEWithLogitsLoss(Tensor.of(0.5, 2.0, 1.5).reshape(3, 1), r,
          POS_WEIGHT), randn(gen, 3, 4).mul(3.0), target);
    }
  }

  @Test
  void gradientAtLogitZeroIsSigmoidMinusTarget() {
    // max(x, 0) and |x| both have a kink at 0 that cancels in the loss; the gradient there is
    // sigmoid(0) - y = 0.5 - y, and with posWeight p it is (1 + (p - 1) y) sigmoid(0) - p y:
    // for y = 0.25, 0.5 - 0.25 = 0.25 and with p = 3: 1.5 * 0.5 - 0.75 = 0.
    Tensor x = Tensor.of(0.0, 0.0).requiresGrad_(true);
    Tensor y = Tensor.of(0.25, 0.25);
    new BCEWithLogitsLoss(null, Reduction.SUM, Tensor.of(1.0, 3.0)).call(x, y).backward();
    assertArrayEquals(new double[] {0.25, 0.0}, x.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void extremeLogitsGiveFiniteLossesAndGradients() {
    // x = +-1e30 in float32: the loss is (1 - y) x for x > 0 and -y x for x < 0 (softplus of a
    // huge argument is the argument), and the gradient sigmoid(x) - y is 1 - y or -y.
    Tensor x = Tensor.of(1e30f, -1e30f).requiresGrad_(true);
    Tensor loss = new BCEWithLogitsLoss(Reduction.NONE).call(x, Tensor.of(0.25f, 0.25f));
    assertArrayEquals(new float[] {0.75e30f, 0.25e30f}, loss.toFloatArray(), 1e23f);
    loss.sum().backward();
    assertArrayEquals(new float[] {0.75f, -0.25f}, x.grad().toFloatArray(), 0f);
  }

  @Test
  void weightsAreBuffers() {
    BCEWithLogitsLoss lossFn = new BCEWithLogitsLoss(Tensor.ones(4), Reduction.MEAN, POS_WEIGHT);
    assertEquals(List.of("weight", "posWeight"), List.copyOf(lossFn.namedBuffers().keySet()));
  }

  @Test
  void badInputIsRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new BCEWithLogitsLoss(null, Reduction.MEAN, Tensor.ones(3))
            .call(Tensor.zeros(3, 4), Tensor.zeros(3, 4)));
    assertEquals("BCEWithLogitsLoss: posWeight of shape [3] cannot be broadcast to the input's"
        + " shape [3, 4]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BCEWithLogitsLoss().call(Tensor.zeros(3, 4), Tensor.zeros(4)));
    assertEquals("BCEWithLogitsLoss: target shape [4] does not match input shape [3, 4]; the"
        + " loss compares them element by element, so they must have the same size (PyTorch"
        + " would broadcast them with a warning)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BCEWithLogitsLoss().call(Tensor.zeros(2), Tensor.of(1L, 0L)));
    assertEquals("BCEWithLogitsLoss: expected a floating point target (probabilities), got"
        + " torch.int64; convert it with toFloat()", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BCEWithLogitsLoss(null, Reduction.MEAN, Tensor.of(1L)));
    assertEquals("BCEWithLogitsLoss: posWeight must be a floating point tensor, got torch.int64",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BCEWithLogitsLoss("batchmean"));
  }
}
