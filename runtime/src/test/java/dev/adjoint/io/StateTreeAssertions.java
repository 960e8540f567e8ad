package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Exact equality of state trees: the same value classes (an Integer is not a Long), the same map
 * keys of the same classes in the same order, doubles and floats bit for bit (NaN payloads and
 * -0.0 included), and tensors with the same dtype, shape and element bits.
 */
final class StateTreeAssertions {
  private StateTreeAssertions() {}

  static void assertTreeEquals(Object expected, Object actual) {
    assertTreeEquals(expected, actual, "root", true);
  }

  /** As {@link #assertTreeEquals(Object, Object)}, ignoring the order of the root map's keys. */
  static void assertTreeEqualsAnyRootOrder(Map<?, ?> expected, Map<?, ?> actual) {
    assertEquals(expected.keySet(), actual.keySet(), "root keys");
    for (Object k : expected.keySet()) {
      assertTreeEquals(expected.get(k), actual.get(k), String.valueOf(k), true);
    }
  }

  private static void assertTreeEquals(Object expected, Object actual, String path,
      boolean ordered) {
    if (expected == null || actual == null) {
      assertEquals(expected, actual, path);
      return;
    }
    if (expected instanceof Tensor e) {
      assertTrue(actual instanceof Tensor, path + ": expected a tensor, got " + actual.getClass());
      assertTensorBitsEqual(e, (Tensor) actual, path);
      return;
    }
    if (expected instanceof Map<?, ?> e) {
      assertTrue(actual instanceof Map<?, ?>, path + ": expected a map, got " + actual.getClass());
      Map<?, ?> a = (Map<?, ?>) actual;
      List<Object> ek = new ArrayList<>(e.keySet());
      List<Object> ak = new ArrayList<>(a.keySet());
      assertEquals(ek, ak, path + ": keys");
      for (int i = 0; i < ek.size(); i++) {
        assertEquals(ek.get(i).getClass(), ak.get(i).getClass(), path + ": class of key "
            + ek.get(i));
        assertTreeEquals(e.get(ek.get(i)), a.get(ak.get(i)), path + "." + ek.get(i), ordered);
      }
      return;
    }
    if (expected instanceof List<?> e) {
      assertTrue(actual instanceof List<?>, path + ": expected a list, got " + actual.getClass());
      List<?> a = (List<?>) actual;
      assertEquals(e.size(), a.size(), path + ": size");
      for (int i = 0; i < e.size(); i++) {
        assertTreeEquals(e.get(i), a.get(i), path + "." + i, ordered);
      }
      return;
    }
    assertEquals(expected.getClass(), actual.getClass(), path + ": class");
    if (expected instanceof Double d) {
      assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual),
          path + ": bits of " + d + " vs " + actual);
    } else if (expected instanceof Float f) {
      assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual),
          path + ": bits of " + f + " vs " + actual);
    } else {
      assertEquals(expected, actual, path);
    }
  }

  /** Same dtype, shape and element bits. */
  static void assertTensorBitsEqual(Tensor expected, Tensor actual, String what) {
    assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
    assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()),
        what + ": shape");
    switch (expected.dtype()) {
      case FLOAT32 -> {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
          if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
            fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (bits "
                + Integer.toHexString(Float.floatToRawIntBits(a[i])) + " vs "
                + Integer.toHexString(Float.floatToRawIntBits(e[i])) + ")");
          }
        }
      }
      case FLOAT64 -> {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
          if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
            fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
          }
        }
      }
      case INT64 -> assertEquals(Arrays.toString(expected.toLongArray()),
          Arrays.toString(actual.toLongArray()), what);
      case BOOL -> assertEquals(Arrays.toString(expected.toBooleanArray()),
          Arrays.toString(actual.toBooleanArray()), what);
      default -> fail(what + ": unexpected dtype " + expected.dtype());
    }
  }
}
