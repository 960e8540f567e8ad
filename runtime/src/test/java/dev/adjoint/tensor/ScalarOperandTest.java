package dev.adjoint.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A Java scalar operand ({@code x.add(1.0)}, {@code x.mul(2L)}) gives exactly what the same op with
 * a 0-d tensor of PyTorch's scalar dtype gives (a Python float is the tensor's float dtype, or
 * float32 for an integer tensor; a Python int is int64 and widens nothing): the same dtype and the
 * same bits, in and out of place, on dense and strided inputs.
 */
class ScalarOperandTest {
  private static final List<Tensor> INPUTS = List.of(
      Tensor.of(-1.5f, 0f, 0.1f, 3f, Float.NaN, -0f),
      Tensor.of(-1.5, 0.0, 0.1, 3.0, Double.POSITIVE_INFINITY, 7.25),
      Tensor.of(-3L, 0L, 1L, 2L, 5L, 40L),
      Tensor.of(-3L, 0L, 1L, 2L, 5L, 40L).toFloat().reshape(2, 3).t(), // strided
      Tensor.scalar(2.5f, DType.FLOAT32));

  private static final double[] DOUBLES = {1.0, -0.1, 3.0000001, 1e-30};
  private static final long[] LONGS = {1L, -2L, 3L, (1L << 53) + 1};

  @Test
  void doubleScalarsMatchTheZeroDimTensor() {
    for (Tensor x : INPUTS) {
      DType sd = x.dtype().isFloatingPoint() ? x.dtype() : DType.FLOAT32;
      for (double v : DOUBLES) {
        Tensor s = Tensor.scalar(v, sd);
        same(x.add(v), x.add(s), "add", x, v);
        same(x.sub(v), x.sub(s), "sub", x, v);
        same(x.mul(v), x.mul(s), "mul", x, v);
        same(x.div(v), x.div(s), "div", x, v);
        same(x.lt(v), x.lt(s), "lt", x, v);
        same(x.eq(v), x.eq(s), "eq", x, v);
        same(x.ge(v), x.ge(s), "ge", x, v);
      }
    }
  }

  @Test
  void longScalarsMatchTheZeroDimInt64Tensor() {
    for (Tensor x : INPUTS) {
      for (long v : LONGS) {
        Tensor s = Tensor.scalar(v);
        same(x.add(v), x.add(s), "add", x, v);
        same(x.sub(v), x.sub(s), "sub", x, v);
        same(x.mul(v), x.mul(s), "mul", x, v);
      }
    }
  }

  @Test
  void inPlaceScalarOpsMatchTheirOutOfPlaceResults() {
    for (double v : DOUBLES) {
      Tensor x = Tensor.of(-1.5f, 0f, 0.1f, 3f);
      Tensor want = x.mul(v);
      x.mul_(v);
      same(x, want, "mul_", x, v);
      Tensor y = Tensor.of(-1.5, 0.0, 0.1, 3.0);
      Tensor want2 = y.add(v);
      y.add_(v);
      same(y, want2, "add_", y, v);
    }
    Tensor i = Tensor.of(1L, 2L);
    i.add_(3L);
    assertArrayEquals(new long[] {4, 5}, i.toLongArray());
  }

  @Test
  void promotionFollowsPyTorch() {
    // float32 tensor + Python float stays float32; int64 + Python float is float32; int64 +
    // Python int stays int64; int64 / int is float32 (true division).
    assertEquals(DType.FLOAT32, Tensor.of(1f).add(0.1).dtype());
    assertEquals(DType.FLOAT32, Tensor.of(1L).add(0.5).dtype());
    assertEquals(DType.INT64, Tensor.of(1L).add(2L).dtype());
    assertEquals(DType.FLOAT32, Tensor.of(3L).div(2.0).dtype());
    assertArrayEquals(new float[] {1.5f}, Tensor.of(3L).div(2.0).toFloatArray());
    // 1 + 2^53 + 1 in int64 is exact: the scalar does not pass through a rounding double.
    assertArrayEquals(new long[] {(1L << 53) + 2}, Tensor.of(1L).add((1L << 53) + 1)
        .toLongArray());
  }

  private static void same(Tensor got, Tensor want, String op, Tensor x, Object v) {
    String what = op + "(" + x.dtype() + " " + java.util.Arrays.toString(x.shape()) + ", " + v
        + ")";
    assertEquals(want.dtype(), got.dtype(), what + " dtype");
    assertArrayEquals(want.shape(), got.shape(), what + " shape");
    double[] a = want.toDoubleArray();
    double[] b = got.toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      assertEquals(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(b[i]),
          what + " at " + i + ": " + b[i] + " vs " + a[i]);
    }
  }
}
