package dev.adjoint.tensor;

import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import java.util.Objects;

/**
 * Creation ops: factories ({@code zeros}, {@code arange}, {@code rand}, {@code of}, ...) and the
 * {@code *Like} ops. None is differentiable: a new tensor is a leaf.
 */
final class Creation {
  private Creation() {}

  // ---------------------------------------------------------------- eye

  static Tensor eye(int n) {
    return eye(n, n, DType.FLOAT32);
  }

  static Tensor eye(int n, int m) {
    return eye(n, m, DType.FLOAT32);
  }

  static Tensor eye(int n, int m, DType dtype) {
    Objects.requireNonNull(dtype, "eye: dtype");
    if (n < 0 || m < 0) {
      throw new IllegalArgumentException("eye: sizes must be non-negative, got " + n + ", " + m);
    }
    Tensor.numel("eye", new int[] {n, m});
    Tensor out = zeros(dtype, n, m);
    Tensor diagonal =
        out.viewOf(Layout.of(new int[] {Math.min(n, m)}, new long[] {m + 1L}, 0));
    diagonal.fill_(1);
    return out;
  }

  // ---------------------------------------------------------------- zeros

  static Tensor zeros(int... shape) {
    return zeros(DType.FLOAT32, shape);
  }

  static Tensor zeros(DType dtype, int... shape) {
    return filled("zeros", 0, dtype, shape);
  }

  static Tensor zeros(DType dtype, Device device, int... shape) {
    Objects.requireNonNull(dtype, "zeros: dtype");
    Objects.requireNonNull(device, "zeros: device");
    Tensor.numel("zeros", shape);
    return Tensor.zeroed(dtype, device, shape);
  }

  // ---------------------------------------------------------------- ones

  static Tensor ones(int... shape) {
    return filled("ones", 1, DType.FLOAT32, shape);
  }

  static Tensor ones(DType dtype, int... shape) {
    return filled("ones", 1, dtype, shape);
  }

  // ---------------------------------------------------------------- full

  static Tensor full(double value, int... shape) {
    return full(value, DType.FLOAT32, shape);
  }

  static Tensor full(double value, DType dtype, int... shape) {
    return filled("full", value, dtype, shape);
  }

  /** A new tensor of {@code shape} filled with {@code value}, its shape checked as {@code op}. */
  private static Tensor filled(String op, double value, DType dtype, int[] shape) {
    if (dtype == null) {
      throw new NullPointerException(op + ": dtype");
    }
    Tensor.numel(op, shape);
    Tensor out = Tensor.zeroed(dtype, Device.cpu(), shape);
    return value == 0 ? out : out.fill_(value);
  }

  // ---------------------------------------------------------------- zerosLike

  static Tensor zerosLike(Tensor self) {
    return Tensor.zeroed(self.dtype, self.device(), self.shape);
  }

  // ---------------------------------------------------------------- onesLike

  static Tensor onesLike(Tensor self) {
    return self.zerosLike().fill_(1);
  }

  // ---------------------------------------------------------------- arange

  static Tensor arange(long end) {
    return arange(0, end, 1);
  }

  static Tensor arange(long start, long end) {
    return arange(start, end, 1);
  }

  static Tensor arange(long start, long end, long step) {
    int n;
    if (step == 0 || (step > 0 ? end <= start : end >= start)) {
      n = arangeLength(start, end, step); // refuses step 0 and a wrong sign; else empty
    } else {
      // Exactly, where doubles would round: the span as an unsigned 64-bit number.
      long span = step > 0 ? end - start : start - end;
      long stride = step > 0 ? step : -step; // Long.MIN_VALUE stays itself: unsigned 2^63
      long count = Long.divideUnsigned(span - 1, stride) + 1;
      if (Long.compareUnsigned(count, Tensor.MAX_NUMEL) > 0) {
        throw new IllegalArgumentException("arange: start=" + start + ", end=" + end + ", step="
            + step + " gives " + Long.toUnsignedString(count) + " elements, more than the"
            + " 2^31 - 9 that one tensor can hold");
      }
      n = (int) count;
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = start + i * step;
    }
    return fromArray(values, n);
  }

  static Tensor arange(double start, double end, double step) {
    int n = arangeLength(start, end, step);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (start + i * step);
    }
    return fromArray(values, n);
  }

  private static int arangeLength(double start, double end, double step) {
    if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
      throw new IllegalArgumentException("arange: start, end and step must be finite and step"
          + " nonzero, got start=" + start + ", end=" + end + ", step=" + step);
    }
    if ((end - start) / step < 0) {
      throw new IllegalArgumentException("arange: upper bound and larger bound inconsistent with"
          + " step sign (start=" + start + ", end=" + end + ", step=" + step + ")");
    }
    double n = Math.ceil((end - start) / step);
    if (n > Tensor.MAX_NUMEL) {
      throw new IllegalArgumentException("arange: start=" + start + ", end=" + end + ", step="
          + step + " gives " + n + " elements, more than the 2^31 - 9 that one tensor can hold");
    }
    return (int) n;
  }

  // ---------------------------------------------------------------- linspace

  static Tensor linspace(double start, double end, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("linspace: number of steps must be non-negative, got "
          + steps);
    }
    Tensor.numel("linspace", "steps", new int[] {steps});
    float[] values = new float[steps];
    double step = steps > 1 ? (end - start) / (steps - 1) : 0;
    int half = steps == 1 ? 1 : steps / 2; // one step gives start, as torch.linspace does
    for (int i = 0; i < steps; i++) {
      // Fill from both ends, as PyTorch does, so the last value is exactly end.
      values[i] = (float) (i < half ? start + i * step : end - (steps - 1 - i) * step);
    }
    return fromArray(values, steps);
  }

  // ---------------------------------------------------------------- rand

  static Tensor rand(int... shape) {
    return rand(Generator.defaultGenerator(), shape);
  }

  static Tensor rand(Generator gen, int... shape) {
    Objects.requireNonNull(gen, "rand: gen");
    Tensor.numel("rand", shape); // checked here, so that errors name rand
    Tensor out = Tensor.zeroed(DType.FLOAT32, Device.cpu(), shape);
    long n = out.numel();
    out.backend().randomUniform(out.storage, 0, n, gen.initialSeed(), gen.reserve(n), 0, 1);
    return out;
  }

  // ---------------------------------------------------------------- randn

  static Tensor randn(int... shape) {
    return randn(Generator.defaultGenerator(), shape);
  }

  static Tensor randn(Generator gen, int... shape) {
    Objects.requireNonNull(gen, "randn: gen");
    Tensor.numel("randn", shape); // checked here, so that errors name randn
    Tensor out = Tensor.zeroed(DType.FLOAT32, Device.cpu(), shape);
    long n = out.numel();
    out.backend().randomNormal(out.storage, 0, n, gen.initialSeed(), gen.reserve(n), 0, 1);
    return out;
  }

  // ---------------------------------------------------------------- randint

  static Tensor randint(long low, long high, int... shape) {
    return randint(Generator.defaultGenerator(), low, high, shape);
  }

  static Tensor randint(Generator gen, long low, long high, int... shape) {
    if (high <= low) {
      throw new IllegalArgumentException(
          "randint: expected low < high, got low=" + low + ", high=" + high);
    }
    if (high - low <= 0) {
      throw new IllegalArgumentException("randint: the range [" + low + ", " + high
          + ") is wider than 2^63 - 1");
    }
    Objects.requireNonNull(gen, "randint: gen");
    Tensor.numel("randint", shape); // checked here, so that errors name randint
    Tensor out = Tensor.zeroed(DType.INT64, Device.cpu(), shape);
    long n = out.numel();
    out.backend().randomInt(out.storage, 0, n, gen.initialSeed(), gen.reserve(n), low, high);
    return out;
  }

  // ---------------------------------------------------------------- manualSeed

  static void manualSeed(long seed) {
    Generator.manualSeed(seed);
  }

  // ---------------------------------------------------------------- of

  static Tensor of(float... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  static Tensor of(float[]... rows) {
    Objects.requireNonNull(rows, "of: rows");

    int cols = checkRows("of", rows, r -> ((float[]) r).length);
    float[] flat = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return fromArray(flat, rows.length, cols);
  }

  static Tensor of(double... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  static Tensor of(double[]... rows) {
    Objects.requireNonNull(rows, "of: rows");

    int cols = checkRows("of", rows, r -> ((double[]) r).length);
    double[] flat = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return fromArray(flat, rows.length, cols);
  }

  static Tensor of(long... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  static Tensor of(long[]... rows) {
    Objects.requireNonNull(rows, "of: rows");

    int cols = checkRows("of", rows, r -> ((long[]) r).length);
    long[] flat = new long[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return fromArray(flat, rows.length, cols);
  }

  static Tensor of(boolean... values) {
    Objects.requireNonNull(values, "of: values");

    return fromArray(values.clone(), values.length);
  }

  private static int checkRows(String op, Object[] rows,
      java.util.function.ToIntFunction<Object> len) {
    if (rows.length == 0) {
      return 0;
    }
    int cols = len.applyAsInt(Objects.requireNonNull(rows[0], () -> op + ": row 0 is null"));
    for (int i = 1; i < rows.length; i++) {
      if (rows[i] == null) {
        throw new NullPointerException(op + ": row " + i + " is null");
      }
      if (len.applyAsInt(rows[i]) != cols) {
        throw new IllegalArgumentException(op + ": rows must have the same length; row 0 has "
            + cols + " values, row " + i + " has " + len.applyAsInt(rows[i]));
      }
    }
    // Rows may share one array, so their total can pass an int though each exists.
    Tensor.numel(op, "shape", new int[] {rows.length, cols});
    return cols;
  }

  // ---------------------------------------------------------------- fromArray

  static Tensor fromArray(Object data, int... shape) {
    Objects.requireNonNull(data, "fromArray: data");
    if (!(data instanceof float[] || data instanceof double[] || data instanceof long[]
        || data instanceof boolean[])) {
      throw new IllegalArgumentException("fromArray: data must be a float[], double[], long[] or"
          + " boolean[], got " + data.getClass().getSimpleName());
    }
    int n = Tensor.numel("fromArray", shape);
    int length = java.lang.reflect.Array.getLength(data);
    if (length != n) {
      throw new IllegalArgumentException("fromArray: " + length + " values do not fill shape "
          + Layout.str(shape) + " (" + n + " elements)");
    }
    Object copy = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), n);
    System.arraycopy(data, 0, copy, 0, n);
    return Tensor.dense(Backends.cpu().fromHostArray(copy), shape.clone());
  }

  // ---------------------------------------------------------------- scalar

  static Tensor scalar(double value) {
    return scalar(value, DType.FLOAT32);
  }

  static Tensor scalar(double value, DType dtype) {
    Objects.requireNonNull(dtype, "scalar: dtype");

    return full(value, dtype);
  }

  static Tensor scalar(long value) {
    return fromArray(new long[] {value});
  }

  static Tensor scalar(boolean value) {
    return fromArray(new boolean[] {value});
  }
}
