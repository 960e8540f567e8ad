package dev.adjoint.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * scikit-learn's documented example: {@code confusion_matrix(y_true=[2, 0, 2, 2, 0, 1],
 * y_pred=[0, 0, 2, 2, 0, 2])} is {@code [[2, 0, 0], [0, 0, 1], [1, 0, 2]]}.
 */
class ConfusionMatrixTest {
  private static ConfusionMatrix sklearnExample() {
    ConfusionMatrix cm = new ConfusionMatrix(3);
    // Two batches: the first as labels, the second as scores whose arg-max is 2, 0, 2.
    cm.update(Tensor.of(0L, 0L, 2L), Tensor.of(2L, 0L, 2L));
    cm.update(Tensor.of(new float[][] {{0, 0, 1}, {5, 1, 1}, {0, 1, 2}}), Tensor.of(2L, 0L, 1L));
    return cm;
  }

  @Test
  void countsAcrossBatches() {
    ConfusionMatrix cm = sklearnExample();
    assertArrayEquals(new long[][] {{2, 0, 0}, {0, 0, 1}, {1, 0, 2}}, cm.counts());
    assertEquals(6, cm.total());
    assertEquals(1, cm.count(2, 0));
    assertEquals(4.0 / 6, cm.accuracy(), 1e-12);
  }

  @Test
  void precisionAndRecallPerClass() {
    ConfusionMatrix cm = sklearnExample();
    // Column 0 holds 2 + 0 + 1 predictions of class 0, 2 right; row 0 holds 2 samples, 2 found.
    assertEquals(2.0 / 3, cm.precision(0), 1e-12);
    assertEquals(1.0, cm.recall(0), 1e-12);
    // Class 1 is never predicted: precision 0 (scikit-learn's zero_division default), recall 0.
    assertEquals(0.0, cm.precision(1), 0);
    assertEquals(0.0, cm.recall(1), 0);
    assertEquals(2.0 / 3, cm.precision(2), 1e-12);
    assertEquals(2.0 / 3, cm.recall(2), 1e-12);
  }

  @Test
  void printsATable() {
    assertEquals(String.join("\n",
        "true \\ predicted 0 1 2  precision  recall",
        "0                2 0 0     0.6667  1.0000",
        "1                0 0 1     0.0000  0.0000",
        "2                1 0 2     0.6667  0.6667",
        "accuracy 0.6667 (6 samples)"), sklearnExample().toString());
  }

  @Test
  void namedClassesLabelTheRows() {
    ConfusionMatrix cm = new ConfusionMatrix(List.of("cat", "dog"));
    cm.update(Tensor.of(1L, 1L), Tensor.of(0L, 1L));
    assertEquals(String.join("\n",
        "true \\ predicted 0 1  precision  recall",
        "0 cat            0 1     0.0000  0.0000",
        "1 dog            0 1     0.5000  1.0000",
        "accuracy 0.5000 (2 samples)"), cm.toString());
  }

  @Test
  void rejectsOutOfRangeLabelsWithoutCounting() {
    ConfusionMatrix cm = new ConfusionMatrix(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cm.update(Tensor.of(0L, 1L), Tensor.of(0L, 2L)));
    assertEquals("ConfusionMatrix.update: target 2 (sample 1 of the batch) is outside 0..1",
        e.getMessage());
    assertEquals(0, cm.total());
    cm.update(Tensor.of(0L), Tensor.of(0L));
    cm.reset();
    assertEquals(0, cm.total());
  }
}
