package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Tensor#indexAdd} and {@link Tensor#scatterAdd}: the scatter-backs of the gathers. */
class IndexAddScatterAddTest {
  private static Tensor rows(double[]... r) {
    return Tensor.of(r);
  }

  private static void assertMessage(Class<? extends Throwable> type, String fragment,
      org.junit.jupiter.api.function.Executable call) {
    Throwable e = assertThrows(type, call);
    assertTrue(e.getMessage().contains(fragment), () -> "message: " + e.getMessage());
  }

  @Test
  void indexAddAccumulatesRepeatedRowsOutOfPlace() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 3, 2);
    Tensor out = self.indexAdd(0, Tensor.of(2L, 0L, 2L),
        rows(new double[] {1, 2}, new double[] {3, 4}, new double[] {5, 6}));
    assertArrayEquals(new double[] {3, 4, 0, 0, 6, 8}, out.toDoubleArray());
    assertArrayEquals(new double[6], self.toDoubleArray());
  }

  @Test
  void indexAddTakesNegativeDimsAndOtherDims() {
    Tensor self = Tensor.ones(DType.FLOAT32, 2, 3);
    Tensor out = self.indexAdd(-1, Tensor.of(2L, 0L),
        Tensor.of(new float[] {1, 2}, new float[] {3, 4}));
    assertEquals(DType.FLOAT32, out.dtype());
    assertArrayEquals(new float[] {3, 1, 2, 5, 1, 4}, out.toFloatArray());
  }

  @Test
  void indexAddTakesA0dIndexAndStridedOperands() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 3, 2).t();
    Tensor out = self.indexAdd(1, Tensor.scalar(1L), rows(new double[] {7}, new double[] {8}));
    assertArrayEquals(new double[] {0, 7, 0, 0, 8, 0}, out.toDoubleArray());
    Tensor ints = Tensor.zeros(DType.INT64, 2, 2)
        .indexAdd(0, Tensor.of(1L, 1L), Tensor.of(new long[] {1, 2}, new long[] {3, 4}).t());
    assertArrayEquals(new long[] {0, 0, 3, 7}, ints.toLongArray());
  }

  @Test
  void indexAddExplainsBadArguments() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 3, 2);
    Tensor source = Tensor.zeros(DType.FLOAT64, 2, 2);
    assertMessage(IllegalArgumentException.class, "index must be torch.int64",
        () -> self.indexAdd(0, Tensor.of(0.0, 1.0), source));
    assertMessage(IllegalArgumentException.class, "0-d or 1-d",
        () -> self.indexAdd(0, Tensor.of(new long[] {0, 1}, new long[] {1, 2}), source));
    assertMessage(IllegalArgumentException.class, "source shape [2, 2]",
        () -> self.indexAdd(0, Tensor.of(0L, 1L, 2L), source));
    assertMessage(IllegalArgumentException.class, "dtype",
        () -> self.indexAdd(0, Tensor.of(0L, 1L), Tensor.zeros(DType.FLOAT32, 2, 2)));
    assertMessage(IndexOutOfBoundsException.class, "index 3 is out of range",
        () -> self.indexAdd(0, Tensor.of(0L, 3L), source));
    assertMessage(IndexOutOfBoundsException.class, "dimension 2",
        () -> self.indexAdd(2, Tensor.of(0L, 1L), source));
  }

  @Test
  void scatterAddAccumulatesOverTheIndexOnly() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 2, 3);
    Tensor src = rows(new double[] {1, 2, 9}, new double[] {3, 4, 9});
    Tensor out = self.scatterAdd(1, Tensor.of(new long[] {0, 0}, new long[] {2, 1}), src);
    assertArrayEquals(new double[] {3, 0, 0, 0, 4, 3}, out.toDoubleArray());
    assertArrayEquals(new double[6], self.toDoubleArray());
  }

  @Test
  void scatterAddAlongDim0WithStridedSource() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 3, 2);
    Tensor src = rows(new double[] {1, 3}, new double[] {2, 4}).t();
    Tensor out = self.scatterAdd(0, Tensor.of(new long[] {2, 2}, new long[] {1, 2}), src);
    assertArrayEquals(new double[] {0, 0, 3, 0, 1, 6}, out.toDoubleArray());
  }

  @Test
  void scatterAddOfBoolIsLogicalOr() {
    Tensor self = Tensor.of(false, false, true);
    Tensor out = self.scatterAdd(0, Tensor.of(0L, 0L), Tensor.of(true, false));
    assertArrayEquals(new boolean[] {true, false, true}, out.toBooleanArray());
  }

  @Test
  void scatterAddExplainsBadArguments() {
    Tensor self = Tensor.zeros(DType.FLOAT64, 2, 3);
    Tensor src = Tensor.zeros(DType.FLOAT64, 2, 2);
    assertMessage(IllegalArgumentException.class, "index must be torch.int64",
        () -> self.scatterAdd(1, src, src));
    assertMessage(IllegalArgumentException.class, "as many dimensions",
        () -> self.scatterAdd(1, Tensor.of(0L, 1L), src));
    assertMessage(IllegalArgumentException.class, "exceeds src's size",
        () -> self.scatterAdd(1, Tensor.zeros(DType.INT64, 2, 3), src));
    assertMessage(IllegalArgumentException.class, "exceeds the input's size",
        () -> self.scatterAdd(1, Tensor.zeros(DType.INT64, 3, 1), Tensor.zeros(DType.FLOAT64,
            3, 3)));
    assertMessage(IndexOutOfBoundsException.class, "index -1 is out of bounds",
        () -> self.scatterAdd(1, Tensor.of(new long[] {0, -1}, new long[] {0, 0}), src));
    assertMessage(IllegalArgumentException.class, "dtype",
        () -> self.scatterAdd(1, Tensor.zeros(DType.INT64, 2, 2), Tensor.zeros(2, 2)));
  }
}
