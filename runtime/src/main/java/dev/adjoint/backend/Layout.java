package dev.adjoint.backend;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Where a tensor's elements lie in its storage: the size of each dimension, the distance in
 * elements between neighbours along each dimension (the strides), and the position of the first
 * element (the offset). Immutable.
 *
 * <p>This is what a {@link Backend} kernel receives with each {@link Storage}; kernels never see
 * a tensor. Sizes are {@code int} per dimension, while element counts, strides and offsets are
 * {@code long}, so one storage may exceed 2^31 elements on a device with the memory (the CPU's
 * storages are Java arrays and stop below that; its kernels narrow to {@code int} once, checked).
 *
 * <p>The class also holds the shape arithmetic every layer above shares: element counts,
 * broadcasting, dim wrapping, {@code -1} inference and the strides of a view. Methods that take
 * an {@code op} name it in their messages, as the tensor op that called them would.
 *
 * <p>A stride of 0 repeats elements along a broadcast dimension. No op produces negative strides
 * today; {@link #fitsIn} checks a layout against a storage either way.
 */
public final class Layout {
  private final int[] shape;
  private final long[] strides;
  private final long offset;
  private final long numel;

  private Layout(int[] shape, long[] strides, long offset, long numel) {
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.numel = numel;
  }

  /**
   * A layout of the given sizes, strides and offset (the arrays are copied).
   *
   * @throws IllegalArgumentException when the arrays differ in length, a size or the offset is
   *     negative, or the element count overflows a {@code long}
   */
  public static Layout of(int[] shape, long[] strides, long offset) {
    if (shape == null || strides == null) {
      throw new NullPointerException("Layout.of: " + (shape == null ? "shape" : "strides")
          + " is null");
    }
    if (shape.length != strides.length) {
      throw new IllegalArgumentException("Layout.of: shape " + str(shape) + " and strides "
          + Arrays.toString(strides) + " differ in length");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("Layout.of: negative offset " + offset);
    }
    return new Layout(shape.clone(), strides.clone(), offset, numel("Layout.of", shape));
  }

  /** A dense row-major layout of {@code shape} starting at element 0. */
  public static Layout contiguous(int... shape) {
    return new Layout(shape.clone(), contiguousStrides(shape), 0, numel("Layout", shape));
  }

  /** A dense row-major layout of {@code shape} starting at element {@code offset}. */
  public static Layout contiguous(long offset, int... shape) {
    if (offset < 0) {
      throw new IllegalArgumentException("Layout.contiguous: negative offset " + offset);
    }
    return new Layout(shape.clone(), contiguousStrides(shape), offset, numel("Layout", shape));
  }

  // ---------------------------------------------------------------- properties

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The sizes (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The size of dimension {@code d} (0 &lt;= d &lt; rank). */
  public int size(int d) {
    return shape[d];
  }

  /** The strides in elements (a copy). */
  public long[] strides() {
    return strides.clone();
  }

  /** The stride of dimension {@code d} (0 &lt;= d &lt; rank). */
  public long stride(int d) {
    return strides[d];
  }

  /** The position of the first element in the storage. */
  public long offset() {
    return offset;
  }

  /** The number of elements (the product of the sizes; 1 for a 0-d layout). */
  public long numel() {
    return numel;
  }

  /** Whether the elements lie densely in row-major order (always, when there are none). */
  public boolean isContiguous() {
    if (numel == 0) {
      return true;
    }
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }

  /** Whether some element is reached by two index tuples (a stride 0 over a size above 1). */
  public boolean hasBroadcastDims() {
    for (int d = 0; d < shape.length; d++) {
      if (strides[d] == 0 && shape[d] > 1) {
        return true;
      }
    }
    return false;
  }

  /** Whether every element lies in a storage of {@code size} elements. */
  public boolean fitsIn(long size) {
    if (numel == 0) {
      return offset <= size;
    }
    long lo = offset;
    long hi = offset;
    for (int d = 0; d < shape.length; d++) {
      long span = (shape[d] - 1L) * strides[d];
      if (span < 0) {
        lo += span;
      } else {
        hi += span;
      }
    }
    return lo >= 0 && hi < size;
  }

  /** The storage position of the element at row-major position {@code i} of this layout. */
  public long position(long i) {
    long at = offset;
    for (int d = shape.length - 1; d >= 0; d--) {
      int s = shape[d];
      at += (i % s) * strides[d];
      i /= s;
    }
    return at;
  }

  // ---------------------------------------------------------------- views

  /** The same elements with dimensions {@code a} and {@code b} swapped (both already wrapped). */
  public Layout transpose(int a, int b) {
    int[] s = shape.clone();
    long[] st = strides.clone();
    s[a] = shape[b];
    s[b] = shape[a];
    st[a] = strides[b];
    st[b] = strides[a];
    return new Layout(s, st, offset, numel);
  }

  /** The same elements with dimension {@code i} of the result taken from {@code dims[i]}. */
  public Layout permute(int[] dims) {
    int[] s = new int[dims.length];
    long[] st = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = shape[dims[i]];
      st[i] = strides[dims[i]];
    }
    return new Layout(s, st, offset, numel);
  }

  /** Index {@code i} of dimension {@code d}, which is dropped. */
  public Layout select(int d, long i) {
    return new Layout(remove(shape, d), remove(strides, d), offset + i * strides[d],
        shape[d] == 0 ? 0 : numel / shape[d]);
  }

  /**
   * Elements {@code start, start + step, ...} ({@code length} of them) along dimension {@code d}.
   */
  public Layout slice(int d, long start, int length, int step) {
    int[] s = shape.clone();
    long[] st = strides.clone();
    s[d] = length;
    st[d] = length > 1 ? strides[d] * step : strides[d];
    return new Layout(s, st, offset + (length > 0 ? start * strides[d] : 0),
        numel("slice", s));
  }

  /** A new dimension of size 1 at {@code d} (0 &lt;= d &lt;= rank). */
  public Layout unsqueeze(int d) {
    long stride = d < shape.length ? shape[d] * strides[d] : 1;
    return new Layout(insert(shape, d, 1), insert(strides, d, stride), offset, numel);
  }

  /** Dimension {@code d}, of size 1, dropped. */
  public Layout squeeze(int d) {
    return new Layout(remove(shape, d), remove(strides, d), offset, numel);
  }

  /** Every dimension of size 1 dropped. */
  public Layout squeezeAll() {
    int kept = 0;
    for (int s : shape) {
      kept += s == 1 ? 0 : 1;
    }
    int[] s = new int[kept];
    long[] st = new long[kept];
    for (int d = 0, j = 0; d < shape.length; d++) {
      if (shape[d] != 1) {
        s[j] = shape[d];
        st[j++] = strides[d];
      }
    }
    return new Layout(s, st, offset, numel);
  }

  /**
   * The view that repeats this layout's elements over {@code target} (already checked to be a
   * broadcast of this shape): new leading dimensions and sizes grown from 1 get stride 0.
   */
  public Layout expand(int[] target) {
    int lead = target.length - shape.length;
    long[] st = new long[target.length];
    for (int i = 0; i < target.length; i++) {
      int d = i - lead;
      st[i] = d < 0 || (shape[d] == 1 && target[i] != 1) ? 0 : strides[d];
    }
    return new Layout(target.clone(), st, offset, numel("expand", target));
  }

  /**
   * This layout's elements seen as {@code newShape} without moving any, or null when the strides
   * do not allow it (then a reshape copies).
   */
  public Layout view(int[] newShape) {
    long[] st = viewStrides(shape, strides, newShape);
    return st == null ? null : new Layout(newShape.clone(), st, offset, numel);
  }

  /** The same sizes and strides starting at {@code newOffset}. */
  public Layout withOffset(long newOffset) {
    return new Layout(shape, strides, newOffset, numel);
  }

  // ---------------------------------------------------------------- shape arithmetic

  /**
   * The number of elements of {@code shape} (0 when any size is 0, however large the others).
   *
   * @throws IllegalArgumentException naming {@code op} for a negative size or a count that
   *     overflows a long
   */
  public static long numel(String op, int[] shape) {
    return numel(op, "shape", shape);
  }

  /**
   * {@link #numel(String, int[])} for a shape that is not the argument itself, such as a result
   * or a broadcast operand; {@code what} names it in the message ("result shape").
   */
  public static long numel(String op, String what, int[] shape) {
    if (shape == null) {
      throw new NullPointerException(op + ": " + what + " is null");
    }
    long n = 1;
    boolean empty = false;
    boolean overflow = false;
    for (int s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException(
            op + ": negative dimension " + s + " in " + what + " " + str(shape));
      }
      empty |= s == 0;
      if (!overflow && s != 0) {
        long m = n * s;
        overflow = m / s != n || m < 0;
        n = m;
      }
    }
    if (empty) {
      return 0;
    }
    if (overflow) {
      throw new IllegalArgumentException(op + ": " + what + " " + str(shape) + " would have "
          + exactCount(shape) + " elements, more than a long can count");
    }
    return n;
  }

  /** The element count of {@code shape} as exact text, however large. */
  public static String exactCount(int[] shape) {
    BigInteger n = BigInteger.ONE;
    for (int s : shape) {
      n = n.multiply(BigInteger.valueOf(s));
    }
    return n.toString();
  }

  /** Row-major strides of a dense layout of this shape. */
  public static long[] contiguousStrides(int[] shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      // Saturates for an empty shape too large to count, whose strides are never used.
      long size = Math.max(shape[d], 1);
      s = s > Long.MAX_VALUE / size ? Long.MAX_VALUE : s * size;
    }
    return strides;
  }

  /** {@code [2, 3]}. */
  public static String str(int[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * Wraps a possibly negative dim into {@code [0, rank)} (a 0-d tensor accepts -1 and 0).
   *
   * @throws IndexOutOfBoundsException naming the op, the dim and the valid range
   */
  public static int dim(String op, int dim, int rank) {
    int lo = rank == 0 ? -1 : -rank;
    int hi = rank == 0 ? 0 : rank - 1;
    if (dim < lo || dim > hi) {
      throw new IndexOutOfBoundsException(op + ": dimension " + dim
          + " is out of range (expected to be in [" + lo + ", " + hi + "] for a " + rank
          + "-d tensor)");
    }
    return dim < 0 ? dim + Math.max(rank, 1) : dim;
  }

  /**
   * NumPy broadcasting of two shapes.
   *
   * @throws IllegalArgumentException naming {@code op}, both shapes and the first dimension
   *     where they conflict
   */
  public static int[] broadcast(String op, int[] a, int[] b) {
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

  /**
   * Replaces one -1 in {@code shape} by the size that makes it hold {@code numel} elements
   * ({@code from} is the input's shape, for the message).
   */
  public static int[] inferSize(String op, int[] shape, long numel, int[] from) {
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
        known = out[i] == 0 ? 0 : known > numel ? known : known * out[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || numel % known != 0 || numel / known > Integer.MAX_VALUE) {
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
   * Strides that let {@code oldShape, oldStrides} be seen as {@code newShape} (same element
   * count) without moving any element, or null when the memory layout does not allow it.
   */
  static long[] viewStrides(int[] oldShape, long[] oldStrides, int[] newShape) {
    long[] newStrides = new long[newShape.length];
    if (oldShape.length == 0) {
      return contiguousStrides(newShape);
    }
    long numel = 1;
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
          newStrides[viewD] = viewNumel * chunkBaseStride;
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

  private static int[] remove(int[] a, int i) {
    int[] out = new int[a.length - 1];
    System.arraycopy(a, 0, out, 0, i);
    System.arraycopy(a, i + 1, out, i, a.length - i - 1);
    return out;
  }

  private static long[] remove(long[] a, int i) {
    long[] out = new long[a.length - 1];
    System.arraycopy(a, 0, out, 0, i);
    System.arraycopy(a, i + 1, out, i, a.length - i - 1);
    return out;
  }

  private static int[] insert(int[] a, int i, int v) {
    int[] out = new int[a.length + 1];
    System.arraycopy(a, 0, out, 0, i);
    out[i] = v;
    System.arraycopy(a, i, out, i + 1, a.length - i);
    return out;
  }

  private static long[] insert(long[] a, int i, long v) {
    long[] out = new long[a.length + 1];
    System.arraycopy(a, 0, out, 0, i);
    out[i] = v;
    System.arraycopy(a, i, out, i + 1, a.length - i);
    return out;
  }

  /** Two layouts are equal when sizes, strides and offset are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Layout l && offset == l.offset && Arrays.equals(shape, l.shape)
        && Arrays.equals(strides, l.strides);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + Long.hashCode(offset);
  }

  /** {@code Layout[shape=[2, 3], strides=[3, 1], offset=0]}. */
  @Override
  public String toString() {
    return "Layout[shape=" + str(shape) + ", strides=" + Arrays.toString(strides) + ", offset="
        + offset + "]";
  }
}
