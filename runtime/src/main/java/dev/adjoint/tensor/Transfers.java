package dev.adjoint.tensor;

import static dev.adjoint.tensor.OpSupport.zeros;

import dev.adjoint.annotations.Adjoint;
import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Host and device transfer: dtype and device conversion ({@code to}, {@code toFloat}, ...), their
 * adjoints, {@code copy_}, and the explicit host reads ({@code toArray}, {@code item}). The public
 * methods are the rule table's adjoints, which generated backward code calls; the forwards are
 * package-private behind {@link Tensor}.
 */
public final class Transfers {
  private Transfers() {}

  // ---------------------------------------------------------------- to

  static Tensor to(Tensor self, Device device) {
    Objects.requireNonNull(device, "to: device");
    if (device.equals(self.device())) {
      return self;
    }
    Backend target = Backends.of(device);
    Tensor c = self.contiguous();
    Object host = c.backend().toHostArray(c.storage, c.layout);
    Tensor out = Tensor.dense(target.fromHostArray(host), self.shape.clone());
    return TensorTape.to(out, self, device);
  }

  @Adjoint(of = "to", wrt = "self", signature = {"Device"})
  public static Tensor toDeviceSelf(Tensor g, Tensor self) {
    return g.to(self.device());
  }

  static Tensor to(Tensor self, DType dtype) {
    Objects.requireNonNull(dtype, "to: dtype");

    return TensorTape.to(converted(self, dtype), self, dtype);
  }

  /**
   * The gradient goes back in the input's dtype; a conversion to an integer or bool dtype is not
   * differentiable (the per-op graph records no node on such a result; here it passes zeros).
   */
  @Adjoint(of = "to", wrt = "self", signature = {"DType"})
  public static Tensor toDTypeSelf(Tensor g, DType selfDType, DType dtype, int[] selfShape) {
    return dtype.isFloatingPoint() ? g.to(selfDType)
        : Tensor.zeros(selfDType, g.device(), selfShape);
  }

  private static Tensor converted(Tensor self, DType dtype) {
    if (dtype == self.dtype) {
      return self;
    }
    Tensor out = Tensor.uninitialized(dtype, self.device(), self.shape);
    self.backend().copy(self.storage, self.layout, out.storage, out.layout);
    return out;
  }

  static Tensor to(Tensor self, Device device, DType dtype) {
    Objects.requireNonNull(dtype, "to: dtype");

    return self.to(dtype).to(device);
  }

  // ---------------------------------------------------------------- cpu

  static Tensor cpu(Tensor self) {
    return self.to(Device.cpu());
  }

  // ---------------------------------------------------------------- toFloat

  static Tensor toFloat(Tensor self) {
    return TensorTape.toFloat(converted(self, DType.FLOAT32), self);
  }

  @Adjoint(of = "toFloat", wrt = "self")
  public static Tensor toFloatSelf(Tensor g, DType selfDType) {
    return g.to(selfDType);
  }

  // ---------------------------------------------------------------- toDouble

  static Tensor toDouble(Tensor self) {
    return TensorTape.toDouble(converted(self, DType.FLOAT64), self);
  }

  @Adjoint(of = "toDouble", wrt = "self")
  public static Tensor toDoubleSelf(Tensor g, DType selfDType) {
    return g.to(selfDType);
  }

  // ---------------------------------------------------------------- toLong

  static Tensor toLong(Tensor self) {
    return converted(self, DType.INT64);
  }

  // ---------------------------------------------------------------- toBool

  static Tensor toBool(Tensor self) {
    return converted(self, DType.BOOL);
  }

  // ---------------------------------------------------------------- back to Java

  private static Object hostArray(Tensor self) {
    Tensor c = self.contiguous();
    return c.backend().toHostArray(c.storage, c.layout);
  }

  // ---------------------------------------------------------------- toFloatArray

  static float[] toFloatArray(Tensor self) {
    return (float[]) hostArray(self.to(DType.FLOAT32));
  }

  // ---------------------------------------------------------------- toDoubleArray

  static double[] toDoubleArray(Tensor self) {
    return (double[]) hostArray(self.to(DType.FLOAT64));
  }

  // ---------------------------------------------------------------- toLongArray

  static long[] toLongArray(Tensor self) {
    return (long[]) hostArray(self.to(DType.INT64));
  }

  // ---------------------------------------------------------------- toBooleanArray

  static boolean[] toBooleanArray(Tensor self) {
    return (boolean[]) hostArray(self.to(DType.BOOL));
  }

  // ---------------------------------------------------------------- toFloatArray2d

  static float[][] toFloatArray2d(Tensor self) {
    require2d(self, "toFloatArray2d");
    float[] flat = self.toFloatArray();
    float[][] rows = new float[self.shape[0]][];
    for (int i = 0; i < self.shape[0]; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * self.shape[1], (i + 1) * self.shape[1]);
    }
    return rows;
  }

  // ---------------------------------------------------------------- toDoubleArray2d

  static double[][] toDoubleArray2d(Tensor self) {
    require2d(self, "toDoubleArray2d");
    double[] flat = self.toDoubleArray();
    double[][] rows = new double[self.shape[0]][];
    for (int i = 0; i < self.shape[0]; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * self.shape[1], (i + 1) * self.shape[1]);
    }
    return rows;
  }

  private static void require2d(Tensor self, String op) {
    if (self.shape.length != 2) {
      throw new IllegalArgumentException(op + ": expected a 2-d tensor, got shape "
          + Layout.str(self.shape));
    }
  }

  // ---------------------------------------------------------------- toArray

  static Object toArray(Tensor self) {
    Object flat = hostArray(self);
    if (self.shape.length == 0) {
      return java.lang.reflect.Array.get(flat, 0);
    }
    return nest(self, flat, 0, 0);
  }

  private static Object nest(Tensor self, Object flat, int dim, int start) {
    int n = self.shape[dim];
    if (dim == self.shape.length - 1) {
      Object row = java.lang.reflect.Array.newInstance(flat.getClass().getComponentType(), n);
      System.arraycopy(flat, start, row, 0, n);
      return row;
    }
    int block = 1;
    for (int d = dim + 1; d < self.shape.length; d++) {
      block *= self.shape[d];
    }
    Class<?> rowType = flat.getClass();
    for (int d = dim + 2; d < self.shape.length; d++) {
      rowType = rowType.arrayType();
    }
    Object out = java.lang.reflect.Array.newInstance(rowType, n);
    for (int i = 0; i < n; i++) {
      java.lang.reflect.Array.set(out, i, nest(self, flat, dim + 1, start + i * block));
    }
    return out;
  }

  // ---------------------------------------------------------------- item

  static double item(Tensor self) {
    requireOneElement(self, "item");
    return self.toDoubleArray()[0];
  }

  // ---------------------------------------------------------------- itemLong

  static long itemLong(Tensor self) {
    requireOneElement(self, "itemLong");
    return self.toLongArray()[0];
  }

  // ---------------------------------------------------------------- itemBoolean

  static boolean itemBoolean(Tensor self) {
    requireOneElement(self, "itemBoolean");
    return self.toBooleanArray()[0];
  }

  private static void requireOneElement(Tensor self, String op) {
    if (self.numel != 1) {
      throw new IllegalStateException(op + ": a tensor with " + self.numel
          + " elements cannot be converted to a scalar (shape " + Layout.str(self.shape) + ")");
    }
  }

  // ---------------------------------------------------------------- copy

  static Tensor copy_(Tensor self, Tensor src) {
    Objects.requireNonNull(src, "copy_: src");

    self.checkInPlace("copy_");
    Tensor.checkUntrackedOperand("copy_", src);
    OpSupport.checkSameDevice(self, "copy_", src);
    int[] s = Tensor.broadcast("copy_", self.shape, src.shape);
    if (!Arrays.equals(s, self.shape)) {
      throw new IllegalArgumentException("copy_: source shape " + Layout.str(src.shape)
          + " cannot be broadcast to destination shape " + Layout.str(self.shape));
    }
    Tensor from = src.storage == self.storage ? src.clone() : src;
    Tensor expanded = from.expand(self.shape);
    self.backend().copy(expanded.storage, expanded.layout, self.storage, self.layout);
    return self;
  }
}
