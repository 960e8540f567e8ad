package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.function.Executable;

/** Assertions on a tensor's dtype, shape and elements, shared by the tensor tests. */
final class TensorAssertions {
  private TensorAssertions() {}

  /** {@code shape(2, 3)} reads better than {@code new int[] {2, 3}} next to expected values. */
  static int[] shape(int... dims) {
    return dims;
  }

  /**
   * Checks dtype, shape and elements (row-major). An expected NaN needs a NaN, an expected
   * infinity the same infinity; otherwise {@code |actual - expected| <= tol * max(1, |expected|)},
   * i.e. {@code tol} is absolute below magnitude 1 and relative above it.
   */
  static void assertValues(Tensor t, DType dtype, int[] shape, double tol, double... expected) {
    assertEquals(dtype, t.dtype(), () -> "dtype of " + t);
    assertArrayEquals(shape, t.shape(), () -> "shape of " + t);
    double[] actual = t.toDoubleArray();
    assertEquals(expected.length, actual.length, "element count");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      int at = i;
      if (Double.isNaN(e)) {
        assertTrue(Double.isNaN(a), () -> "element " + at + ": expected NaN, got " + a + " in " + t);
      } else if (Double.isInfinite(e)) {
        assertEquals(e, a, () -> "element " + at + " of " + t);
      } else {
        double bound = tol * Math.max(1, Math.abs(e));
        assertTrue(Math.abs(a - e) <= bound,
            () -> "element " + at + ": expected " + e + " +- " + bound + ", got " + a + " in " + t);
      }
    }
  }

  /** float32 with exactly these values (each expected value must be a float32 value). */
  static void assertFloats(Tensor t, int[] shape, double... expected) {
    assertValues(t, DType.FLOAT32, shape, 0, expected);
  }

  /** int64 with exactly these values. */
  static void assertLongs(Tensor t, int[] shape, long... expected) {
    assertEquals(DType.INT64, t.dtype(), () -> "dtype of " + t);
    assertArrayEquals(shape, t.shape(), () -> "shape of " + t);
    assertArrayEquals(expected, t.toLongArray(), () -> "elements of " + t);
  }

  /** bool with exactly these values. */
  static void assertBools(Tensor t, int[] shape, boolean... expected) {
    assertEquals(DType.BOOL, t.dtype(), () -> "dtype of " + t);
    assertArrayEquals(shape, t.shape(), () -> "shape of " + t);
    assertArrayEquals(expected, t.toBooleanArray(), () -> "elements of " + t);
  }

  /** Runs {@code call}, which must throw {@code type} with a message containing every part. */
  static <T extends Throwable> T assertThrowsWith(Class<T> type, Executable call,
      String... parts) {
    T e = assertThrows(type, call);
    assertNotNull(e.getMessage(), "exception without a message");
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p),
          () -> "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
    }
    return e;
  }

  /**
   * Bad input must be refused with an {@link IllegalArgumentException} or a (non-array)
   * {@link IndexOutOfBoundsException} whose message starts with the op's name: a kernel must never
   * leak an {@link ArrayIndexOutOfBoundsException} from its internals.
   */
  static void assertRefused(String op, Executable call) {
    Throwable e;
    try {
      call.execute();
      fail(op + ": expected an exception");
      return;
    } catch (Throwable t) {
      e = t;
    }
    Throwable thrown = e;
    assertFalse(thrown instanceof ArrayIndexOutOfBoundsException,
        () -> op + " leaked " + thrown);
    assertTrue(thrown instanceof IllegalArgumentException
        || thrown instanceof IndexOutOfBoundsException,
        () -> op + ": expected IllegalArgumentException or IndexOutOfBoundsException, got "
            + thrown);
    assertNotNull(thrown.getMessage(), op + ": exception without a message");
    assertTrue(thrown.getMessage().startsWith(op + ":"),
        () -> "message \"" + thrown.getMessage() + "\" should start with \"" + op + ":\"");
  }
}
