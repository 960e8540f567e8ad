package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BroadcastingTest {
  private final Tensor g = Tensor.of(new double[] {1, 2, 3}, new double[] {4, 5, 6});

  private static void assertTensor(int[] shape, double[] values, Tensor actual) {
    assertArrayEquals(shape, actual.shape());
    assertArrayEquals(values, actual.toDoubleArray(), 1e-12);
  }

  @Test
  void sumsLeadingDims() {
    assertTensor(new int[] {3}, new double[] {5, 7, 9}, Broadcasting.unbroadcast(g, new int[] {3}));
  }

  @Test
  void sumsStretchedDimsKeepingThem() {
    assertTensor(new int[] {2, 1}, new double[] {6, 15},
        Broadcasting.unbroadcast(g, new int[] {2, 1}));
    assertTensor(new int[] {1, 3}, new double[] {5, 7, 9},
        Broadcasting.unbroadcast(g, new int[] {1, 3}));
    assertTensor(new int[] {1}, new double[] {21}, Broadcasting.unbroadcast(g, new int[] {1}));
  }

  @Test
  void sumsEverythingIntoAScalar() {
    assertTensor(new int[] {}, new double[] {21}, Broadcasting.unbroadcast(g, new int[] {}));
  }

  @Test
  void sumsLeadingAndStretchedDimsTogether() {
    Tensor g3 = Tensor.ones(dev.adjoint.tensor.DType.FLOAT64, 4, 2, 3);
    assertTensor(new int[] {2, 1}, new double[] {12, 12},
        Broadcasting.unbroadcast(g3, new int[] {2, 1}));
  }

  @Test
  void returnsTheGradientItselfWhenNothingWasBroadcast() {
    assertSame(g, Broadcasting.unbroadcast(g, new int[] {2, 3}));
  }

  @Test
  void rejectsShapesThatCannotHaveBeenBroadcast() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Broadcasting.unbroadcast(g, new int[] {4}));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Broadcasting.unbroadcast(g, new int[] {1, 2, 3, 4}));
  }
}
