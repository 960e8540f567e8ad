package dev.adjoint.nn;

import dev.adjoint.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Argument checks and printing shared by the built-in layers; not part of the API. */
final class Layers {
  private Layers() {}

  /** One or two positive values as {@code {height, width}}, checked. */
  static int[] positivePair(String layer, String what, int[] values) {
    int[] p = Functional.pair(layer, what, values, -1);
    if (p[0] < 1 || p[1] < 1) {
      throw new IllegalArgumentException(layer + ": " + what + " must be positive, got "
          + Arrays.toString(values));
    }
    return p;
  }

  /** One or two non-negative values as {@code {height, width}}, checked. */
  static int[] nonNegativePair(String layer, String what, int[] values) {
    int[] p = Functional.pair(layer, what, values, -1);
    if (p[0] < 0 || p[1] < 0) {
      throw new IllegalArgumentException(layer + ": " + what + " must be non-negative, got "
          + Arrays.toString(values));
    }
    return p;
  }

  /**
   * Refuses a parameter of {@code shape} too large for one tensor, naming the layer, the
   * parameter and the constructor's {@code arguments}, before anything is allocated.
   */
  static void checkParameter(String layer, String what, String arguments, int... shape) {
    long n = 1;
    for (int s : shape) {
      n = n > Integer.MAX_VALUE ? n : n * s; // saturates at far below Long.MAX_VALUE
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(layer + ": " + what + " " + Arrays.toString(shape)
          + " would have " + (n > Integer.MAX_VALUE ? "more than 2^31" : String.valueOf(n))
          + " elements, more than the 2^31 - 9 that one tensor can hold (" + arguments + ")");
    }
  }

  /** {@code (3, 3)}, as PyTorch prints a size tuple. */
  static String tuple(int[] pair) {
    return "(" + pair[0] + ", " + pair[1] + ")";
  }

  /** {@code 2} for a square pair, else {@code (2, 3)}. */
  static String intOrTuple(int[] pair) {
    return pair[0] == pair[1] ? Integer.toString(pair[0]) : tuple(pair);
  }

  /** {@code True} or {@code False}, as Python prints booleans. */
  static String py(boolean b) {
    return b ? "True" : "False";
  }

  /** A double as Python prints it ({@code 1e-05}, {@code 0.1}). */
  static String py(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return (long) d + ".0";
    }
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    // Java 1.0E-5 -> Python 1e-05
    String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
    int exp = Integer.parseInt(s.substring(e + 1));
    return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "")
        + Math.abs(exp);
  }

  /**
   * State shapes by name, in the order given, from alternating names and shapes; a null shape
   * (an absent bias) is left out.
   */
  static Map<String, int[]> shapes(Object... namesAndShapes) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndShapes.length; i += 2) {
      if (namesAndShapes[i + 1] instanceof int[] shape) {
        for (int d : shape) {
          if (d < 0) {
            throw new IllegalArgumentException(namesAndShapes[i] + ": the configuration gives"
                + " it the shape " + Arrays.toString(shape) + ", with a negative dimension");
          }
        }
        out.put((String) namesAndShapes[i], shape.clone());
      }
    }
    return out;
  }

  /** The shapes of the tensor-valued config entries {@code keys} that are not null. */
  static Map<String, int[]> tensorShapes(LayerConfig c, String... keys) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (String key : keys) {
      Tensor t = c.tensor(key);
      if (t != null) {
        out.put(key, t.shape());
      }
    }
    return out;
  }
}
