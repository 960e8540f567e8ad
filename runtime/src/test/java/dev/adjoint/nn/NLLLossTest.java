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

/** {@link NLLLoss}. */
class NLLLossTest {
  private static final Tensor WEIGHT = Tensor.of(0.5, 2.0, 1.0, 0.25, 1.5);

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("NLLLoss");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator gen = new Generator(21);
    Tensor labels = Tensor.of(1L, -100L, 4L, 0L, 1L);
    for (Reduction r : Reduction.values()) {
      LossGradCheck.check(new NLLLoss(WEIGHT, -100, r), randn(gen, 5, 5), labels);
    }
    Tensor spatial = Tensor.of(new long[][] {{0, 2}, {1, 0}}).reshape(2, 2, 1);
    LossGradCheck.check(new NLLLoss(Reduction.NONE), randn(gen, 2, 3, 2, 1), spatial);
    LossGradCheck.check(new NLLLoss(), randn(gen, 5), Tensor.scalar(3L));
  }

  @Test
  void handDerivedWeightedMean() {
    // L = -(w1 x[0,1] + w0 x[2,0]) / (w1 + w0), the ignored row 1 neither adding nor counting:
    // w = [0.5, 2], so L = -(2 * -1 + 0.5 * -3) / 2.5 = 1.4, dL/dx[0,1] = -0.8,
    // dL/dx[2,0] = -0.2 and 0 elsewhere.
    Tensor x = Tensor.of(new double[][] {{-5, -1}, {-7, -9}, {-3, -4}}).requiresGrad_(true);
    Tensor loss = new NLLLoss(Tensor.of(0.5, 2.0), -100, Reduction.MEAN)
        .call(x, Tensor.of(1L, -100L, 0L));
    assertEquals(1.4, loss.item(), 1e-15);
    loss.backward();
    assertArrayEquals(new double[] {0, -0.8, 0, 0, -0.2, 0}, x.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void weightIsABuffer() {
    NLLLoss weighted = new NLLLoss(WEIGHT);
    assertEquals(List.of("weight"), List.copyOf(weighted.namedBuffers().keySet()));
    assertEquals(0, weighted.parameters().size());
    assertEquals(List.of(), List.copyOf(new NLLLoss().namedBuffers().keySet()));
  }

  @Test
  void outOfRangeTargetsAreRejected() {
    Tensor x = Tensor.zeros(3, 5);
    var e = assertThrows(IndexOutOfBoundsException.class,
        () -> new NLLLoss().call(x, Tensor.of(0L, 5L, 1L)));
    assertEquals("NLLLoss: target 5 is out of bounds for 5 classes (expected 0 <= target < 5,"
        + " or ignoreIndex -100)", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class,
        () -> new NLLLoss().call(x, Tensor.of(0L, -1L, 1L)));
    // -1 is fine when it is the ignored value.
    new NLLLoss(null, -1, Reduction.MEAN).call(x, Tensor.of(0L, -1L, 1L));
  }

  @Test
  void badTargetsAreRejected() {
    Tensor x = Tensor.zeros(3, 5);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new NLLLoss().call(x, Tensor.of(0.0, 1.0, 2.0)));
    assertEquals("NLLLoss: expected a target of class indices of dtype torch.int64 with shape"
        + " [3], got torch.float64 target of shape [3]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new NLLLoss().call(x, Tensor.of(0L, 1L)));
    assertEquals("NLLLoss: expected target shape [3] for input of shape [3, 5] (the input's shape"
        + " without its class dimension 1), got target of shape [2]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new NLLLoss().call(Tensor.scalar(1.0), Tensor.scalar(0L)));
    assertEquals("NLLLoss: expected an input with 1 or more dimensions ([C], [N, C] or"
        + " [N, C, d1, ...]), got a 0-d tensor", e.getMessage());
  }

  @Test
  void badWeightsAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new NLLLoss(Tensor.ones(3)).call(Tensor.zeros(2, 4), Tensor.of(0L, 1L)));
    assertEquals("NLLLoss: weight tensor should be defined either for all 4 classes or no classes"
        + " but got weight tensor of shape [3]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new NLLLoss(Tensor.ones(2, 2)));
    assertEquals("NLLLoss: weight must be a 1-d floating point tensor with one value per class,"
        + " got torch.float32 of shape [2, 2]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new NLLLoss(Tensor.of(1L, 2L)));
  }
}
