package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batch normalisation's state: running statistics after training batches against values derived
 * by hand, evaluation with them, and the options that change what is tracked. Expected values are
 * exact decimals computed in the comments, compared to float32 rounding (1e-6 relative).
 */
class BatchNormTest {
  private static final double TOL = 1e-6;

  // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased variance (2.25 + .25 + .25 + 2.25) / 4 = 1.25,
  // unbiased 5 / 3. Channel 1 holds 0, 0, 2, -2: mean 0, biased variance 8 / 4 = 2, unbiased 8/3.
  private static Tensor batch() {
    return Tensor.of(new float[][] {{1, 0}, {2, 0}, {3, 2}, {4, -2}});
  }

  private static void assertValues(Tensor t, double... expected) {
    double[] a = t.toDoubleArray();
    assertEquals(expected.length, a.length, "element count of " + t);
    for (int i = 0; i < a.length; i++) {
      assertEquals(expected[i], a[i], TOL * Math.max(1, Math.abs(expected[i])),
          "element " + i + " of " + t);
    }
  }

  @Test
  void trainingUpdatesRunningStatisticsWithTheUnbiasedVariance() {
    BatchNorm1d bn = new BatchNorm1d(2);
    Tensor y = bn.call(batch());
    // running = 0.9 * running + 0.1 * batch statistic; running_var starts at 1.
    assertValues(bn.running_mean, 0.25, 0);
    assertValues(bn.running_var, 0.9 + 0.1 * 5 / 3.0, 0.9 + 0.1 * 8 / 3.0);
    assertEquals(DType.INT64, bn.num_batches_tracked.dtype());
    assertEquals(0, bn.num_batches_tracked.dim(), "a 0-d count, as PyTorch's");
    assertEquals(1, bn.num_batches_tracked.itemLong());
    // Normalised with the biased variance: (x - 2.5) / sqrt(1.25 + 1e-5), x / sqrt(2 + 1e-5).
    double s0 = Math.sqrt(1.25 + 1e-5);
    double s1 = Math.sqrt(2 + 1e-5);
    assertValues(y, -1.5 / s0, 0, -0.5 / s0, 0, 0.5 / s0, 2 / s1, 1.5 / s0, -2 / s1);

    bn.call(batch());
    // Second step from (0.25, 0) and (1.0667, 1.1667): 0.9 * old + 0.1 * the same statistics.
    assertValues(bn.running_mean, 0.9 * 0.25 + 0.25, 0);
    assertValues(bn.running_var, 0.9 * (0.9 + 0.5 / 3) + 0.5 / 3, 0.9 * (0.9 + 0.8 / 3) + 0.8 / 3);
    assertEquals(2, bn.num_batches_tracked.itemLong());
  }

  @Test
  void evaluationUsesRunningStatisticsAndChangesNothing() {
    BatchNorm1d bn = new BatchNorm1d(2);
    bn.call(batch());
    bn.eval();
    Tensor x = Tensor.of(new float[][] {{1, 1}, {-1, 3}});
    Tensor y = bn.call(x);
    double m0 = 0.25;
    double v0 = 0.9 + 0.5 / 3;
    double v1 = 0.9 + 0.8 / 3;
    assertValues(y, (1 - m0) / Math.sqrt(v0 + 1e-5), 1 / Math.sqrt(v1 + 1e-5),
        (-1 - m0) / Math.sqrt(v0 + 1e-5), 3 / Math.sqrt(v1 + 1e-5));
    assertValues(bn.running_mean, 0.25, 0);
    assertEquals(1, bn.num_batches_tracked.itemLong(), "eval does not count");
    // One sample per channel is fine in evaluation, not in training.
    bn.call(Tensor.of(new float[][] {{1, 2}}));
    bn.train();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> bn.call(Tensor.of(new float[][] {{1, 2}})));
    assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
  }

  @Test
  void affineParametersScaleAndShiftPerChannel() {
    BatchNorm2d bn = new BatchNorm2d(2);
    bn.setParameter("weight", Tensor.of(2f, -1f));
    bn.setParameter("bias", Tensor.of(0.5f, 3f));
    Tensor x = Tensor.randn(new Generator(3), 4, 2, 3, 3).mul(3).add(1);
    Tensor y = bn.call(x);
    // Per channel the normalised values have mean 0 and biased variance var / (var + eps) ~ 1,
    // so y has mean = bias and standard deviation |weight| (to 1e-5 relative from eps).
    double[][] expected = {{0.5, 2}, {3, 1}};
    for (int c = 0; c < 2; c++) {
      Tensor ch = y.select(1, c);
      assertEquals(expected[c][0], ch.mean().item(), 1e-5, "mean of channel " + c);
      assertEquals(expected[c][1], ch.std(new int[] {0, 1, 2}, 0, false).item(), 1e-4,
          "std of channel " + c);
    }
  }

  @Test
  void buffersHavePyTorchNamesAndStayOutOfTheGraph() {
    BatchNorm2d bn = new BatchNorm2d(3);
    assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
        List.copyOf(bn.stateDict().keySet()), "state_dict keys, in PyTorch's order");
    assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
        List.copyOf(bn.namedBuffers().keySet()));
    Tensor x = Tensor.randn(new Generator(1), 2, 3, 2, 2).requiresGrad_(true);
    bn.call(x).sum().backward();
    assertFalse(bn.running_mean.requiresGrad(), "running statistics are not in the graph");
    assertNull(bn.running_var.gradFn());
    assertNull(bn.running_mean.grad());
  }

  @Test
  void withoutTrackingBatchStatisticsAreUsedInBothModes() {
    BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, false, false);
    assertTrue(bn.namedBuffers().isEmpty(), "no running statistics");
    assertTrue(bn.namedParameters().isEmpty(), "no affine parameters");
    Tensor x = Tensor.randn(new Generator(2), 3, 2, 2, 2);
    Tensor train = bn.call(x);
    bn.eval();
    Tensor eval = bn.call(x);
    assertArrayEquals(train.toFloatArray(), eval.toFloatArray(), 0f);
  }

  @Test
  void zeroMomentumKeepsTheRunningStatistics() {
    BatchNorm1d bn = new BatchNorm1d(2, 1e-5, 0, true, true);
    bn.call(batch());
    assertValues(bn.running_mean, 0, 0);
    assertValues(bn.running_var, 1, 1);
    assertEquals(1, bn.num_batches_tracked.itemLong());
  }

  @Test
  void threeDimensionalInputsAverageOverBatchAndLength() {
    BatchNorm1d bn = new BatchNorm1d(1);
    // [2, 1, 2] holding 1, 3 and 5, 7: mean 4, unbiased variance (9 + 1 + 1 + 9) / 3 = 20 / 3.
    bn.call(Tensor.fromArray(new float[] {1, 3, 5, 7}, 2, 1, 2));
    assertValues(bn.running_mean, 0.4);
    assertValues(bn.running_var, 0.9 + 2 / 3.0);
  }

  @Test
  void eagerForwardMatchesTheGeneratedOne() {
    // Running the @Forward body as plain Java records one node per op; gradients must agree with
    // the generated backward of the same body (to float32 rounding: the two sum in other orders).
    Generator gen = new Generator(8);
    Tensor x = Tensor.randn(gen, 4, 3, 3, 3);
    Tensor g = Tensor.randn(gen, 4, 3, 3, 3);
    BatchNorm2d generated = new BatchNorm2d(3);
    BatchNorm2d eager = new BatchNorm2d(3);
    Tensor w = Tensor.randn(gen, 3);
    generated.setParameter("weight", w.clone());
    eager.setParameter("weight", w.clone());
    Tensor x1 = x.clone().requiresGrad_(true);
    Tensor x2 = x.clone().requiresGrad_(true);
    generated.call(x1).backward(g);
    eager.forward(x2).backward(g);
    assertTrue(x1.grad().allClose(x2.grad(), 1e-5, 1e-6), "input gradients");
    assertTrue(generated.weight.grad().allClose(eager.weight.grad(), 1e-5, 1e-5));
    assertTrue(generated.bias.grad().allClose(eager.bias.grad(), 1e-5, 1e-5));
    assertTrue(generated.running_var.allClose(eager.running_var, 1e-6, 1e-6));
  }
}
