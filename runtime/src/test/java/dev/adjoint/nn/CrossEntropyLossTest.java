package dev.adjoint.nn;

import static dev.adjoint.nn.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link CrossEntropyLoss}: class indices, class probabilities, weights, smoothing, errors. */
class CrossEntropyLossTest {
  private static final Tensor WEIGHT = Tensor.of(0.5, 2.0, 1.0, 0.25, 1.5);

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("CrossEntropyLoss");
  }

  @Test
  void classIndexGradientsMatchFiniteDifferences() {
    Generator gen = new Generator(31);
    Tensor labels = Tensor.of(1L, -100L, 4L, 0L, 1L);
    for (Reduction r : Reduction.values()) {
      LossGradCheck.check(new CrossEntropyLoss(WEIGHT, -100, r, 0.1), randn(gen, 5, 5), labels);
    }
    Tensor spatial = Tensor.of(new long[][] {{0, 2}, {1, -100}}).reshape(2, 2, 1);
    LossGradCheck.check(new CrossEntropyLoss(WEIGHT.narrow(0, 0, 3), -100, Reduction.NONE, 0.3),
        randn(gen, 2, 3, 2, 1), spatial);
    LossGradCheck.check(new CrossEntropyLoss(null, -100, Reduction.NONE, 0.2), randn(gen, 5),
        Tensor.scalar(3L));
  }

  @Test
  void probabilityGradientsMatchFiniteDifferences() {
    Generator gen = new Generator(32);
    for (Reduction r : Reduction.values()) {
      Tensor target = randn(gen, 4, 5).exp();
      target = target.div(target.sum(1, true)).requiresGrad_(true);
      LossGradCheck.check(new CrossEntropyLoss(WEIGHT, -100, r, 0.15), randn(gen, 4, 5), target);
    }
  }

  @Test
  void handDerivedTwoClasses() {
    // Logits [0, ln 3]: softmax = [1/4, 3/4], so for target 0 the loss is -ln(1/4) = ln 4 and
    // dL/dx = softmax - onehot = [-3/4, 3/4].
    Tensor x = Tensor.of(0.0, Math.log(3)).reshape(1, 2).requiresGrad_(true);
    Tensor loss = new CrossEntropyLoss().call(x, Tensor.of(0L));
    assertEquals(Math.log(4), loss.item(), 1e-15);
    loss.backward();
    assertArrayEquals(new double[] {-0.75, 0.75}, x.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void extremeLogitsGiveFiniteLossesAndGradients() {
    // Logit gaps of 2e30 (float32) and 1e4 (whose exp overflows even float64): the loss is the
    // gap to the largest logit, and the gradient softmax - onehot with softmax one-hot too.
    Tensor x = Tensor.of(new float[][] {{1e30f, -1e30f, 0f}, {-1e4f, 0f, 1e4f}})
        .requiresGrad_(true);
    Tensor loss = new CrossEntropyLoss(Reduction.SUM).call(x, Tensor.of(1L, 0L));
    assertEquals(2e30, loss.item(), 2e23); // a float32 ulp at 2e30 is 1.5e23; 2e4 is below it
    loss.backward();
    assertArrayEquals(new float[] {1, -1, 0, -1, 0, 1}, x.grad().toFloatArray(), 0f);
  }

  @Test
  void directForwardGivesTheSameGradientsAsTheGeneratedCall() {
    // forward() runs the Java body op by op on the tape; call() runs the generated backward.
    Generator gen = new Generator(33);
    CrossEntropyLoss lossFn = new CrossEntropyLoss(WEIGHT, 2, Reduction.MEAN, 0.1);
    Tensor labels = Tensor.of(1L, 2L, 4L, 0L);
    Tensor a = randn(gen, 4, 5).requiresGrad_(true);
    Tensor b = a.detach().clone().requiresGrad_(true);
    Tensor viaCall = lossFn.call(a, labels);
    Tensor viaForward = lossFn.forward(b, labels);
    assertNotNull(viaForward.gradFn());
    assertEquals(viaCall.item(), viaForward.item(), 1e-15);
    viaCall.backward();
    viaForward.backward();
    assertArrayEquals(a.grad().toDoubleArray(), b.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void allIgnoredMeanIsNan() {
    // 0 / 0, as PyTorch.
    Tensor loss = new CrossEntropyLoss().call(Tensor.zeros(2, 3), Tensor.of(-100L, -100L));
    assertTrue(Double.isNaN(loss.item()));
  }

  @Test
  void floatTargetsOfTheIndexShapeAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss().call(Tensor.zeros(3, 5), Tensor.of(0f, 1f, 1f)));
    assertEquals("CrossEntropyLoss: a torch.float32 target holds class probabilities and must have"
        + " the input's shape [3, 5], got [3]; a target of class indices must be torch.int64"
        + " with shape [3]", e.getMessage());
  }

  @Test
  void badIndexTargetsAreRejected() {
    Tensor x = Tensor.zeros(3, 5);
    var e = assertThrows(IndexOutOfBoundsException.class,
        () -> new CrossEntropyLoss().call(x, Tensor.of(0L, 7L, 1L)));
    assertEquals("CrossEntropyLoss: target 7 is out of bounds for 5 classes (expected 0 <="
        + " target < 5, or ignoreIndex -100)", e.getMessage());
    e = assertThrows(IndexOutOfBoundsException.class,
        () -> new CrossEntropyLoss().call(x, Tensor.of(0L, -3L, 1L)));
    assertTrue(e.getMessage().startsWith("CrossEntropyLoss: target -3 is out of bounds"));
    var shape = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss().call(Tensor.zeros(2, 3, 4), Tensor.of(0L, 1L)));
    assertEquals("CrossEntropyLoss: expected target shape [2, 4] for input of shape [2, 3, 4]"
        + " (the input's shape without its class dimension 1), got target of shape [2]",
        shape.getMessage());
    var dtype = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss().call(x, Tensor.of(true, false, true)));
    assertTrue(dtype.getMessage().contains("class indices of dtype torch.int64"),
        dtype.getMessage());
  }

  @Test
  void probabilityTargetsCannotIgnoreAClass() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss(null, 1, Reduction.MEAN, 0.0)
            .call(Tensor.zeros(2, 3), Tensor.full(1.0 / 3, 2, 3)));
    assertEquals("CrossEntropyLoss: ignoreIndex (1) is not supported for class-probability"
        + " (floating point) targets", e.getMessage());
  }

  @Test
  void badOptionsAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss(null, -100, Reduction.MEAN, 1.5));
    assertEquals("CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got 1.5",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss(null, -100, Reduction.MEAN, -0.1));
    assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss(null, -100, Reduction.MEAN, Double.NaN));
    e = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss(Tensor.ones(4)).call(Tensor.zeros(2, 5), Tensor.of(0L, 1L)));
    assertEquals("CrossEntropyLoss: weight tensor should be defined either for all 5 classes or"
        + " no classes but got weight tensor of shape [4]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss("avg"));
    assertTrue(e.getMessage().contains("'avg' is not a valid value for reduction"));
    e = assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropyLoss().call(Tensor.zeros(DType.INT64, 2, 3), Tensor.of(0L, 1L)));
    assertEquals("CrossEntropyLoss: expected a floating point input, got torch.int64",
        e.getMessage());
  }
}
