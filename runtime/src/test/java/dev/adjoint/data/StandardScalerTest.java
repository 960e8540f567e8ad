package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

class StandardScalerTest {
  // Column 0: 1, 2, 3, 4: mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
  // Column 1: constant 5: variance 0, so scale 1 and the column becomes 0.
  // Column 2: -2, 0, 0, 6: mean 1, population variance (9 + 1 + 1 + 25) / 4 = 9, scale 3.
  private static final Tensor TRAIN = Tensor.of(new double[][] {
      {1, 5, -2}, {2, 5, 0}, {3, 5, 0}, {4, 5, 6}});

  private static void assertClose(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, "element " + i);
    }
  }

  @Test
  void learnsPopulationStatisticsAndLeavesConstantColumnsUnscaled() {
    StandardScaler scaler = new StandardScaler().fit(TRAIN);
    assertArrayEquals(new double[] {2.5, 5, 1}, scaler.mean().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {1.25, 0, 9}, scaler.var().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {Math.sqrt(1.25), 1, 3}, scaler.scale().toDoubleArray(),
        1e-15);
    assertEquals(3, scaler.numFeatures());
    assertEquals(4, scaler.samplesSeen());
    double s = Math.sqrt(1.25);
    double[] expected = {
        -1.5 / s, 0, -1, -0.5 / s, 0, -1.0 / 3, 0.5 / s, 0, -1.0 / 3, 1.5 / s, 0, 5.0 / 3};
    Tensor z = scaler.transform(TRAIN);
    assertEquals(DType.FLOAT64, z.dtype());
    assertClose(expected, z.toDoubleArray(), 1e-15);
  }

  @Test
  void transformedTrainingColumnsHaveMeanZeroAndPopulationStdOne() {
    Tensor x = Tensor.randn(new Generator(5), 200, 4).mul(Tensor.of(1f, 10f, 0.01f, 300f))
        .add(Tensor.of(-3f, 50f, 0f, 1e4f));
    Tensor z = new StandardScaler().fitTransform(x);
    assertEquals(DType.FLOAT32, z.dtype());
    assertClose(new double[4], z.mean(0).toDoubleArray(), 1e-5);
    // torch.std(z, dim=0, correction=0): computed by the tensor library, not by the scaler.
    assertClose(new double[] {1, 1, 1, 1},
        z.std(new int[] {0}, 0, false).toDoubleArray(), 1e-5);
  }

  @Test
  void otherSplitsUseTheTrainingStatistics() {
    StandardScaler scaler = new StandardScaler().fit(TRAIN);
    Tensor test = Tensor.of(new double[][] {{2.5, 7, 4}});
    // (2.5 - 2.5) / s, (7 - 5) / 1, (4 - 1) / 3
    assertClose(new double[] {0, 2, 1}, scaler.transform(test).toDoubleArray(), 1e-15);
  }

  @Test
  void inverseTransformUndoesTransform() {
    StandardScaler scaler = new StandardScaler().fit(TRAIN);
    Tensor back = scaler.inverseTransform(scaler.transform(TRAIN));
    assertClose(TRAIN.toDoubleArray(), back.toDoubleArray(), 1e-14);
  }

  @Test
  void nearlyConstantColumnsFromRoundingAreConstant() {
    // 0.1 ten times: the float64 mean is not exactly 0.1, but the column is constant.
    double[][] rows = new double[10][];
    for (int i = 0; i < 10; i++) {
      rows[i] = new double[] {0.1, i};
    }
    StandardScaler scaler = new StandardScaler().fit(Tensor.of(rows));
    assertEquals(1.0, scaler.scale().toDoubleArray()[0]);
    assertEquals(0.0, scaler.var().toDoubleArray()[0]);
    double[] z = scaler.transform(Tensor.of(rows)).toDoubleArray();
    for (int i = 0; i < 10; i++) {
      assertTrue(Math.abs(z[2 * i]) < 1e-15, "constant column maps to 0, got " + z[2 * i]);
    }
  }

  @Test
  void withMeanAndWithStdSwitchTheSteps() {
    double s = Math.sqrt(1.25);
    Tensor centredOnly = new StandardScaler(true, false).fitTransform(TRAIN);
    assertClose(new double[] {-1.5, 0, -3}, centredOnly.toDoubleArray2d()[0], 1e-15);
    Tensor scaledOnly = new StandardScaler(false, true).fitTransform(TRAIN);
    assertClose(new double[] {1 / s, 5, -2.0 / 3}, scaledOnly.toDoubleArray2d()[0], 1e-15);
  }

  @Test
  void integerInputGivesFloat32() {
    Tensor ints = Tensor.of(new long[][] {{1, 2}, {3, 2}});
    Tensor z = new StandardScaler().fitTransform(ints);
    assertEquals(DType.FLOAT32, z.dtype());
    assertArrayEquals(new float[] {-1, 0, 1, 0}, z.toFloatArray());
  }

  @Test
  void misuseIsExplained() {
    StandardScaler scaler = new StandardScaler();
    assertFalse(scaler.isFitted());
    var state = assertThrows(IllegalStateException.class, () -> scaler.transform(TRAIN));
    assertEquals("StandardScaler.transform: this scaler is not fitted yet; call fit(xTrain) first",
        state.getMessage());
    var e = assertThrows(IllegalArgumentException.class, () -> scaler.fit(Tensor.of(1f, 2f)));
    assertEquals("StandardScaler.fit: expected a 2-d tensor [samples, features], got shape [2];"
        + " for one feature use x.unsqueeze(1)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> scaler.fit(Tensor.of(new double[][] {{1, 2}, {Double.NaN, 3}})));
    assertEquals("StandardScaler.fit: x[1, 0] is NaN; remove or impute non-finite values before"
        + " fitting", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> scaler.fit(Tensor.zeros(0, 3)));
    assertTrue(e.getMessage().contains("has no rows"), e.getMessage());
    scaler.fit(TRAIN);
    e = assertThrows(IllegalArgumentException.class, () -> scaler.transform(Tensor.zeros(2, 2)));
    assertEquals("StandardScaler.transform: x has 2 features (shape [2, 2]) but the scaler was"
        + " fitted on 3", e.getMessage());
  }
}
