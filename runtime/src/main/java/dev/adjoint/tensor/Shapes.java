package dev.adjoint.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor ops: numel, strides, broadcasting, dims and views. */
final class Shapes {
  private Shapes() {}

  /** The most elements one tensor may hold: Java arrays are int-indexed, and the VM reserves 8. */
  static final int MAX_NUMEL = Integer.MAX_VALUE - 8;

  /**
   * Number of elements, checked to fit an int (Java arrays are int-indexed). A shape with a
   * dimension of size 0 is empty however large its other dimensions, as in PyTorch.
   *
   * @throws IllegalArgumentException naming {@code op} for a negative size or too many elements
   */
  static int numel(String op, int[] shape) {
    return numel(op, "shape", shape);
  }

  /**
   * {@link #numel(String, int[])} for a shape that is not the argument itself, such as a result
   * or a broadcast operand; {@code what} names it in the message ("result shape").
   */
  static int numel(String op, String what, int[] shape) {
    if (shape == null) {
      throw new NullPointerException(op + ": " + what + " is null");
    }
    long n = 1;
    boolean empty = false;
    for (int s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException(
            op + ": negative dimension " + s + " in " + what + " " + str(shape));
      }
      empty |= s == 0;
      // Saturate rather than overflow; only the comparison with MAX_NUMEL matters past it.
      n = n > MAX_NUMEL ? n : n * s;
    }
    if (empty) {
      return 0;
    }
    if (n > MAX_NUMEL) {
      throw new IllegalArgumentException(op + ": " + what + " " + str(shape) + " would have "
          + exactCount(shape) + " elements, more than the 2^31 - 9 that"
          + " one tensor can hold");
    }
    return (int) n;
  }

  /** The element count of a shape too large for a long, as text. */
  private static String exactCount(int[] shape) {
    java.math.BigInteger n = java.math.BigInteger.ONE;
    for (int s : shape) {
      n = n.multiply(java.math.BigInteger.valueOf(s));
    }
    return n.toString();
  }

  /** Row-major strides of a dense tensor of this shape. */
  static int[] contiguousStrides(int[] shape) {
    int[] strides = new int[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      // Only an empty tensor can get past MAX_NUMEL here, and it never reads an element; its
      // strides saturate instead of overflowing into negative offsets.
      strides[d] = (int) Math.min(s, Integer.MAX_VALUE);
      s = Math.min(s * Math.max(shape[d], 1), (long) Integer.MAX_VALUE);
    }
    return strides;
  }

  /** {@code [2, 3]}. */
  static String str(int[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * Wraps a possibly negative dim into {@code [0, rank)}.
   *
   * @throws IndexOutOfBoundsException naming the op, the dim and the valid range
   */
  static int dim(String op, int dim, int rank) {
    int lo = rank == 0 ? -1 : -rank;
    int hi = rank == 0 ? 0 : rank - 1;
    if (dim < lo || dim > hi) {
      throw new IndexOutOfBoundsException(op + ": dimension " + dim
          + " is out of range (expected to be in [" + lo + ", " + hi + "] for a " + rank
          + "-d tensor)");
    }
    return dim < 0 ? dim + Math.max(rank, 1) : dim;
  }

  /** NumPy broadcasting of two shapes. */
  static int[] broadcast(String op, int[] a, int[] b) {
    int n = Math.max(a.length, b.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int da = i - (n - a.length);
      int db = i - (n - b.length);
      int sa = da >= 0 ? a[da] : 1;
      int sb = db >= 0 ? b[db] : 1;
      if (sa != sb && sa != 1 && sb != 1) {
        throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
            + " cannot be broadcast together (size " + sa + " vs " + sb + " at dimension " + i
            + " of the result)");
      }
      out[i] = sa == 1 ? sb : sa;
    }
    numel(op, "broadcast shape", out);
    return out;
  }

  /** Replaces one -1 in {@code shape} by the size that makes it hold {@code numel} elements. */
  static int[] inferSize(String op, int[] shape, int numel, int[] from) {
    if (shape == null) {
      throw new NullPointerException(op + ": shape is null");
    }
    int[] out = shape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(op + ": only one dimension can be -1, got "
              + str(shape));
        }
        infer = i;
      } else if (out[i] < 0) {
        throw new IllegalArgumentException(op + ": invalid size " + out[i] + " in " + str(shape));
      } else {
        // Saturates, never wraps; a 0 anywhere still makes the product 0.
        known = out[i] == 0 ? 0 : known > MAX_NUMEL ? known : known * out[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || numel % known != 0) {
        throw new IllegalArgumentException(op + ": shape " + str(shape)
            + " is invalid for input of size " + numel + " (shape " + str(from) + ")");
      }
      out[infer] = (int) (numel / known);
    } else if (known != numel) {
      throw new IllegalArgumentException(op + ": shape " + str(shape)
          + " is invalid for input of size " + numel + " (shape " + str(from) + ")");
    }
    return out;
  }

  /**
   * Strides that let a tensor of {@code oldShape, oldStrides} be viewed as {@code newShape}
   * without copying, or null when the memory layout does not allow it (then reshape copies).
   */
  static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
    int[] newStrides = new int[newShape.length];
    if (oldShape.length == 0) {
      return contiguousStrides(newShape);
    }
    int numel = 1;
    for (int s : oldShape) {
      numel *= s;
    }
    if (numel == 0) {
      return contiguousStrides(newShape);
    }
    int viewD = newShape.length - 1;
    long chunkBaseStride = oldStrides[oldStrides.length - 1];
    long tensorNumel = 1;
    long viewNumel = 1;
    for (int tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
      tensorNumel *= oldShape[tensorD];
      // A chunk ends where the next-outer dim is not laid out right after this one.
      if (tensorD == 0
          || (oldShape[tensorD - 1] != 1
              && oldStrides[tensorD - 1] != tensorNumel * chunkBaseStride)) {
        while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
          newStrides[viewD] = (int) (viewNumel * chunkBaseStride);
          viewNumel *= newShape[viewD];
          viewD--;
        }
        if (viewNumel != tensorNumel) {
          return null;
        }
        if (tensorD > 0) {
          chunkBaseStride = oldStrides[tensorD - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    return viewD == -1 ? newStrides : null;
  }
}
