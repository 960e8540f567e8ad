package dev.adjoint.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Metrics against hand-derived values and the examples in scikit-learn's documentation of
 * {@code r2_score}, {@code mean_squared_error} and {@code accuracy_score}. Sums of a few exact
 * binary fractions are exact, so most comparisons allow 1e-12 only for the final division.
 */
class MetricsTest {
  private static final double EPS = 1e-12;

  private static Tensor labels(long... v) {
    return Tensor.of(v);
  }

  @Test
  void accuracyFromLogitsTakesTheRowArgmax() {
    Tensor logits = Tensor.of(new float[][] {{2, 1, 0}, {0, 3, 1}, {1, 0, 0.5f}, {0, 0, 4}});
    // predicted classes 0, 1, 0, 2 against 0, 1, 2, 2: three of four right.
    assertEquals(0.75, Metrics.accuracy(logits, labels(0, 1, 2, 2)), EPS);
  }

  @Test
  void accuracyFromLabels() {
    // sklearn: accuracy_score([0, 1, 2, 3], [0, 2, 1, 3]) == 0.5 (y_pred, y_true here).
    assertEquals(0.5, Metrics.accuracy(labels(0, 2, 1, 3), labels(0, 1, 2, 3)), EPS);
  }

  @Test
  void accuracyIgnoresGradientTracking() {
    Tensor logits = Tensor.of(new float[][] {{0, 1}, {1, 0}}).requiresGrad_(true);
    assertEquals(1.0, Metrics.accuracy(logits, labels(1, 0)), EPS);
  }

  @Test
  void accuracyRejectsMismatchedShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.accuracy(Tensor.zeros(3, 2), labels(0, 1)));
    assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2]"),
        e.getMessage());
  }

  @Test
  void meanSquaredError() {
    // errors 0, 2, -2: (0 + 4 + 4) / 3.
    assertEquals(8.0 / 3, Metrics.meanSquaredError(Tensor.of(1f, 2f, 3f), Tensor.of(1f, 0f, 5f)),
        EPS);
    // sklearn's example: mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.375.
    assertEquals(0.375, Metrics.meanSquaredError(Tensor.of(2.5, 0.0, 2, 8),
        Tensor.of(3, -0.5, 2, 7)), EPS);
  }

  @Test
  void meanSquaredErrorDoesNotBroadcast() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.meanSquaredError(Tensor.zeros(4), Tensor.zeros(4, 1)));
    assertTrue(e.getMessage().contains("differ in shape"), e.getMessage());
  }

  @Test
  void r2OfSklearnsExamples() {
    // r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]): SS_res = 1.5, mean 2.875, SS_tot = 29.1875.
    assertEquals(1 - 1.5 / 29.1875, Metrics.r2Score(Tensor.of(2.5, 0.0, 2, 8),
        Tensor.of(3, -0.5, 2, 7)), EPS);
    // Multi-output, uniform average: column 1 SS_res 1.25, SS_tot 36.1666..; column 2 SS_res
    // 3, SS_tot 32.6666.. (sklearn documents 0.936...).
    Tensor yTrue = Tensor.of(new double[][] {{0.5, 1}, {-1, 1}, {7, -6}});
    Tensor yPred = Tensor.of(new double[][] {{0, 2}, {-1, 2}, {8, -5}});
    double expected = ((1 - 1.25 / (217.0 / 6)) + (1 - 3 / (98.0 / 3))) / 2;
    assertEquals(expected, Metrics.r2Score(yPred, yTrue), EPS);
    assertEquals(0.936, Metrics.r2Score(yPred, yTrue), 1e-3);
    // r2_score([1, 2, 3], [3, 2, 1]) == -3.0
    assertEquals(-3.0, Metrics.r2Score(Tensor.of(3f, 2f, 1f), Tensor.of(1f, 2f, 3f)), EPS);
  }

  @Test
  void r2OfPerfectAndOfTheMeanPrediction() {
    Tensor y = Tensor.of(1f, 2f, 3f, 4f);
    assertEquals(1.0, Metrics.r2Score(y, y), EPS);
    assertEquals(0.0, Metrics.r2Score(Tensor.full(2.5, 4), y), EPS);
    // SS_tot = 5, SS_res = 1.
    assertEquals(0.8, Metrics.r2Score(Tensor.of(1f, 2f, 3f, 5f), y), EPS);
  }

  @Test
  void r2OfConstantTargetsFollowsForceFinite() {
    Tensor y = Tensor.of(-2.0, -2.0, -2.0);
    assertEquals(1.0, Metrics.r2Score(y, y), 0);
    assertEquals(0.0, Metrics.r2Score(Tensor.of(-2.0, -2.0, -2.0 + 1e-8), y), 0);
  }

  @Test
  void r2NeedsTwoSamples() {
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.r2Score(Tensor.of(1f), Tensor.of(1f)));
  }
}
