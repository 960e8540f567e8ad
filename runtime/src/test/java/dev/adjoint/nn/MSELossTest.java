package dev.adjoint.nn;

import static dev.adjoint.nn.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link MSELoss} and the {@link Reduction} names every loss accepts. */
class MSELossTest {
  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return LossCases.tests("MSELoss");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator gen = new Generator(11);
    for (Reduction r : Reduction.values()) {
      Tensor target = randn(gen, 3, 4).requiresGrad_(true);
      LossGradCheck.check(new MSELoss(r), randn(gen, 3, 4), target);
    }
  }

  @Test
  void handDerivedMean() {
    // L = mean((x - y)^2) = (1 + 4 + 1 + 4) / 4 = 2.5 and dL/dx = 2 (x - y) / 4.
    Tensor x = Tensor.of(1.0, 2.0, 0.0, 3.0).requiresGrad_(true);
    Tensor y = Tensor.of(0.0, 0.0, 1.0, 1.0);
    Tensor loss = new MSELoss().call(x, y);
    assertEquals(2.5, loss.item(), 1e-15);
    loss.backward();
    assertArrayEquals(new double[] {0.5, 1.0, -0.5, 1.0}, x.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void defaultsAndNames() {
    assertEquals(Reduction.MEAN, new MSELoss().reduction());
    assertEquals(Reduction.SUM, new MSELoss("sum").reduction());
    assertEquals(Reduction.NONE, Reduction.of("none"));
    assertEquals("mean", Reduction.MEAN.toString());
    assertEquals(DType.FLOAT32, new MSELoss().call(Tensor.ones(2), Tensor.zeros(2)).dtype());
  }

  @Test
  void unknownReductionIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MSELoss("avg"));
    assertEquals("reduction: 'avg' is not a valid value for reduction; expected 'mean', 'sum'"
        + " or 'none'", e.getMessage());
    assertThrows(NullPointerException.class, () -> new MSELoss((Reduction) null));
  }

  @Test
  void mismatchedShapesAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new MSELoss().call(Tensor.zeros(3, 4), Tensor.zeros(4)));
    assertEquals("MSELoss: target shape [4] does not match input shape [3, 4]; the loss compares"
        + " them element by element, so they must have the same size (PyTorch would broadcast"
        + " them with a warning)", e.getMessage());
  }

  @Test
  void integerInputIsRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new MSELoss().call(Tensor.of(1L, 2L), Tensor.of(1.0, 2.0)));
    assertEquals("MSELoss: expected a floating point input, got torch.int64", e.getMessage());
  }
}
