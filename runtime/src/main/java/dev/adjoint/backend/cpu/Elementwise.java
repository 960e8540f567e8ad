package dev.adjoint.backend.cpu;

import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.UnaryOp;

/**
 * Row kernels of the elementwise ops: one tight loop per op and dtype over {@code n} elements at
 * offsets {@code ai, bi, oi} stepping by {@code as, bs, os}.
 */
final class Elementwise {
  private Elementwise() {}

  /**
   * Unit-stride rows: with both operands at one offset, {@link #denseUnaryF32Same}'s loops; at
   * two offsets only {@link DenseMath}'s exp, tanh and sigmoid (Vector API kernels that take
   * offsets; bit-identical to the strided loops' {@link FloatMath}), since a plain loop with two
   * offset variables is not vectorized and the strided loop computes the same; false otherwise.
   */
  private static boolean denseUnaryF32(UnaryOp op, float[] a, int a0, float[] o, int o0, int n,
      double lo, double hi) {
    if (a0 == o0) {
      return denseUnaryF32Same(op, a, o, a0, n, lo, hi);
    }
    switch (op) {
      case EXP -> DenseMath.kernels().exp(a, a0, o, o0, n);
      case TANH -> DenseMath.kernels().tanh(a, a0, o, o0, n);
      case SIGMOID -> DenseMath.kernels().sigmoid(a, a0, o, o0, n);
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * The unit-stride loops of {@link #denseUnaryF32}, every operand at one offset: one index for all
   * arrays, the form the JIT vectorizes (with offsets that differ it must assume that a store
   * may change what a later iteration reads, and ran such loops element by element: ReLU of 64k
   * floats 6x slower). Branch-free (a NaN propagates through {@code Math.max} and {@code
   * Math.min} as through the strided loops' tests); false for ops that have none.
   */
  private static boolean denseUnaryF32Same(UnaryOp op, float[] a, float[] o, int off, int n,
      double lo, double hi) {
    switch (op) {
      case NEG -> {
        for (int k = off; k < off + n; k++) {
          o[k] = -a[k];
        }
      }
      case ABS -> {
        for (int k = off; k < off + n; k++) {
          o[k] = Math.abs(a[k]);
        }
      }
      case RELU -> {
        for (int k = off; k < off + n; k++) {
          o[k] = Math.max(a[k], 0f); // -0. gives 0., NaN stays NaN, as PyTorch
        }
      }
      case CLAMP -> {
        // Rounding is monotone, so clamping to the rounded bounds equals rounding the clamp.
        float l = (float) lo;
        float h = (float) hi;
        for (int k = off; k < off + n; k++) {
          o[k] = Math.min(Math.max(a[k], l), h);
        }
      }
      case SQRT -> {
        for (int k = off; k < off + n; k++) {
          o[k] = (float) Math.sqrt(a[k]);
        }
      }
      case EXP -> DenseMath.kernels().exp(a, off, o, off, n);
      case TANH -> DenseMath.kernels().tanh(a, off, o, off, n);
      case SIGMOID -> DenseMath.kernels().sigmoid(a, off, o, off, n);
      default -> {
        return false;
      }
    }
    return true;
  }

  static void unaryF32(UnaryOp op, float[] a, int a0, int as, float[] o, int o0, int os, int n,
      double lo, double hi) {
    if (as == 1 && os == 1 && denseUnaryF32(op, a, a0, o, o0, n, lo, hi)) {
      return;
    }
    switch (op) {
      case NEG -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = -a[ai];
        }
      }
      case ABS -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.abs(a[ai]);
        }
      }
      case SIGN -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = a[ai] > 0 ? 1 : a[ai] < 0 ? -1 : 0; // NaN and -0. give 0, as PyTorch
        }
      }
      case RELU -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = a[ai] > 0 || a[ai] != a[ai] ? a[ai] : 0;
        }
      }
      case CLAMP -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = a[ai] != a[ai] ? a[ai] : (float) Math.min(Math.max(a[ai], lo), hi);
        }
      }
      case EXP -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = FloatMath.exp(a[ai]);
        }
      }
      case LOG -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = (float) Math.log(a[ai]);
        }
      }
      case SQRT -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = (float) Math.sqrt(a[ai]);
        }
      }
      case TANH -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = FloatMath.tanh(a[ai]);
        }
      }
      case SIGMOID -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = FloatMath.sigmoid(a[ai]);
        }
      }
      case ERF -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = (float) SpecialFunctions.erf(a[ai]);
        }
      }
    }
  }

  /**
   * Unit-stride rows with both operands at one offset: {@link #denseUnaryF64Same}'s loops; false
   * otherwise (a plain loop with two offset variables is not vectorized, and the strided loop
   * computes the same).
   */
  private static boolean denseUnaryF64(UnaryOp op, double[] a, int a0, double[] o, int o0, int n,
      double lo, double hi) {
    return a0 == o0 && denseUnaryF64Same(op, a, o, a0, n, lo, hi);
  }

  /**
   * The unit-stride loops of {@link #denseUnaryF64}, every operand at one offset: one index for all
   * arrays, the form the JIT vectorizes (with offsets that differ it must assume that a store
   * may change what a later iteration reads, and ran such loops element by element: ReLU of 64k
   * floats 6x slower). Branch-free (a NaN propagates through {@code Math.max} and {@code
   * Math.min} as through the strided loops' tests); false for ops that have none.
   */
  private static boolean denseUnaryF64Same(UnaryOp op, double[] a, double[] o, int off, int n,
      double lo, double hi) {
    switch (op) {
      case NEG -> {
        for (int k = off; k < off + n; k++) {
          o[k] = -a[k];
        }
      }
      case ABS -> {
        for (int k = off; k < off + n; k++) {
          o[k] = Math.abs(a[k]);
        }
      }
      case RELU -> {
        for (int k = off; k < off + n; k++) {
          o[k] = Math.max(a[k], 0.0); // -0. gives 0., NaN stays NaN, as PyTorch
        }
      }
      case CLAMP -> {
        // Rounding is monotone, so clamping to the rounded bounds equals rounding the clamp.
        double l = lo;
        double h = hi;
        for (int k = off; k < off + n; k++) {
          o[k] = Math.min(Math.max(a[k], l), h);
        }
      }
      case SQRT -> {
        for (int k = off; k < off + n; k++) {
          o[k] = Math.sqrt(a[k]);
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  static void unaryF64(UnaryOp op, double[] a, int a0, int as, double[] o, int o0, int os, int n,
      double lo, double hi) {
    if (as == 1 && os == 1 && denseUnaryF64(op, a, a0, o, o0, n, lo, hi)) {
      return;
    }
    switch (op) {
      case NEG -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = -a[ai];
        }
      }
      case ABS -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.abs(a[ai]);
        }
      }
      case SIGN -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = a[ai] > 0 ? 1 : a[ai] < 0 ? -1 : 0; // NaN and -0. give 0, as PyTorch
        }
      }
      case RELU -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = a[ai] > 0 || a[ai] != a[ai] ? a[ai] : 0;
        }
      }
      case CLAMP -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = a[ai] != a[ai] ? a[ai] : Math.min(Math.max(a[ai], lo), hi);
        }
      }
      case EXP -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.exp(a[ai]);
        }
      }
      case LOG -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.log(a[ai]);
        }
      }
      case SQRT -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.sqrt(a[ai]);
        }
      }
      case TANH -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.tanh(a[ai]);
        }
      }
      case SIGMOID -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = 1.0 / (1.0 + Math.exp(-a[ai]));
        }
      }
      case ERF -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = SpecialFunctions.erf(a[ai]);
        }
      }
    }
  }

  static void unaryI64(UnaryOp op, long[] a, int a0, int as, long[] o, int o0, int os, int n,
      double lo, double hi) {
    switch (op) {
      case NEG -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = -a[ai];
        }
      }
      case ABS -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.abs(a[ai]);
        }
      }
      case SIGN -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Long.signum(a[ai]);
        }
      }
      case RELU -> {
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.max(a[ai], 0L);
        }
      }
      case CLAMP -> {
        // Bounds are whole here (or infinite, which the casts saturate); comparing as longs keeps
        // values beyond 2^53 exact.
        long l = (long) lo;
        long h = (long) hi;
        for (int k = 0, ai = a0, oi = o0; k < n; k++, ai += as, oi += os) {
          o[oi] = Math.min(Math.max(a[ai], l), h);
        }
      }
      default -> throw new IllegalStateException(
          op + " has no int64 kernel; it is computed in float32");
    }
  }

  /**
   * The four arithmetic ops over unit-stride {@code a} and {@code o} at one offset, with {@code b}
   * at any offset or one broadcast value (a bias added to each row of a product):
   * {@link DenseMath#arithmetic}, the vector kernels' or {@link #denseF32Same}'s loops; false
   * otherwise (the strided loop runs; a plain loop with two offset variables is not vectorized).
   */
  private static boolean denseF32(BinaryOp op, float[] a, int a0, float[] b, int b0, int bs,
      float[] o, int o0, int n) {
    return a0 == o0 && DenseMath.kernels().arithmetic(op, a, b, b0, bs, o, o0, n);
  }

  /**
   * The unit-stride loops of {@link #denseF32}, every operand at one offset: one index for all
   * arrays, the form the JIT vectorizes (with offsets that differ it must assume that a store
   * may change what a later iteration reads, and ran such loops element by element: ReLU of 64k
   * floats 6x slower). Branch-free (a NaN propagates through {@code Math.max} and {@code
   * Math.min} as through the strided loops' tests); false for ops that have none.
   */
  static boolean denseF32Same(BinaryOp op, float[] a, float[] b, int b0, int bs,
      float[] o, int off, int n) {
    if (bs == 0) {
      float y = b[b0];
      switch (op) {
        case ADD -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] + y;
          }
        }
        case SUB -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] - y;
          }
        }
        case MUL -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] * y;
          }
        }
        case DIV -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] / y;
          }
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    switch (op) {
      case ADD -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] + b[k];
        }
      }
      case SUB -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] - b[k];
        }
      }
      case MUL -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] * b[k];
        }
      }
      case DIV -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] / b[k];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code o[k] = x op b[k]} over unit-stride {@code b} and {@code o} at one offset (a broadcast
   * left operand, as a loss's expanded gradient times its input): one index, so the JIT
   * vectorizes it; false for ops without such a loop.
   */
  private static boolean scalarFirstF32(BinaryOp op, float x, float[] b, float[] o, int off, int n) {
    switch (op) {
      case ADD -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x + b[k];
        }
      }
      case SUB -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x - b[k];
        }
      }
      case MUL -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x * b[k];
        }
      }
      case DIV -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x / b[k];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  static void binaryF32(BinaryOp op, float[] a, int a0, int as, float[] b, int b0, int bs,
      float[] o, int o0, int os, int n) {
    if (as == 1 && os == 1 && (bs == 1 || bs == 0) && denseF32(op, a, a0, b, b0, bs, o, o0, n)) {
      return;
    }
    if (as == 0 && bs == 1 && os == 1 && b0 == o0 && scalarFirstF32(op, a[a0], b, o, o0, n)) {
      return;
    }
    switch (op) {
      case ADD -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] + b[bi];
        }
      }
      case SUB -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] - b[bi];
        }
      }
      case MUL -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] * b[bi];
        }
      }
      case DIV -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] / b[bi];
        }
      }
      case POW -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = (float) Math.pow(a[ai], b[bi]);
        }
      }
      case MAXIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.max(a[ai], b[bi]);
        }
      }
      case MINIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.min(a[ai], b[bi]);
        }
      }
      default -> throw new IllegalStateException(op + " is not an arithmetic op");
    }
  }

  /** {@link #denseF32} in float64. */
  private static boolean denseF64(BinaryOp op, double[] a, int a0, double[] b, int b0, int bs,
      double[] o, int o0, int n) {
    return a0 == o0 && (bs == 0 || b0 == o0) && denseF64Same(op, a, b, b0, bs, o, o0, n);
  }

  /**
   * The unit-stride loops of {@link #denseF64}, every operand at one offset: one index for all
   * arrays, the form the JIT vectorizes (with offsets that differ it must assume that a store
   * may change what a later iteration reads, and ran such loops element by element: ReLU of 64k
   * floats 6x slower). Branch-free (a NaN propagates through {@code Math.max} and {@code
   * Math.min} as through the strided loops' tests); false for ops that have none.
   */
  private static boolean denseF64Same(BinaryOp op, double[] a, double[] b, int b0, int bs,
      double[] o, int off, int n) {
    if (bs == 0) {
      double y = b[b0];
      switch (op) {
        case ADD -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] + y;
          }
        }
        case SUB -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] - y;
          }
        }
        case MUL -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] * y;
          }
        }
        case DIV -> {
          for (int k = off; k < off + n; k++) {
            o[k] = a[k] / y;
          }
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    switch (op) {
      case ADD -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] + b[k];
        }
      }
      case SUB -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] - b[k];
        }
      }
      case MUL -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] * b[k];
        }
      }
      case DIV -> {
        for (int k = off; k < off + n; k++) {
          o[k] = a[k] / b[k];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code o[k] = x op b[k]} over unit-stride {@code b} and {@code o} at one offset (a broadcast
   * left operand, as a loss's expanded gradient times its input): one index, so the JIT
   * vectorizes it; false for ops without such a loop.
   */
  private static boolean scalarFirstF64(BinaryOp op, double x, double[] b, double[] o, int off, int n) {
    switch (op) {
      case ADD -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x + b[k];
        }
      }
      case SUB -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x - b[k];
        }
      }
      case MUL -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x * b[k];
        }
      }
      case DIV -> {
        for (int k = off; k < off + n; k++) {
          o[k] = x / b[k];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  static void binaryF64(BinaryOp op, double[] a, int a0, int as, double[] b, int b0, int bs,
      double[] o, int o0, int os, int n) {
    if (as == 1 && os == 1 && (bs == 1 || bs == 0) && denseF64(op, a, a0, b, b0, bs, o, o0, n)) {
      return;
    }
    if (as == 0 && bs == 1 && os == 1 && b0 == o0 && scalarFirstF64(op, a[a0], b, o, o0, n)) {
      return;
    }
    switch (op) {
      case ADD -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] + b[bi];
        }
      }
      case SUB -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] - b[bi];
        }
      }
      case MUL -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] * b[bi];
        }
      }
      case DIV -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] / b[bi];
        }
      }
      case POW -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.pow(a[ai], b[bi]);
        }
      }
      case MAXIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.max(a[ai], b[bi]);
        }
      }
      case MINIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.min(a[ai], b[bi]);
        }
      }
      default -> throw new IllegalStateException(op + " is not an arithmetic op");
    }
  }

  static void binaryI64(BinaryOp op, long[] a, int a0, int as, long[] b, int b0, int bs, long[] o,
      int o0, int os, int n) {
    switch (op) {
      case ADD -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] + b[bi];
        }
      }
      case SUB -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] - b[bi];
        }
      }
      case MUL -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] * b[bi];
        }
      }
      case POW -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = powExact(a[ai], b[bi]);
        }
      }
      case MAXIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.max(a[ai], b[bi]);
        }
      }
      case MINIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = Math.min(a[ai], b[bi]);
        }
      }
      default -> throw new IllegalStateException(op + " has no int64 kernel");
    }
  }

  static void binaryBool(BinaryOp op, boolean[] a, int a0, int as, boolean[] b, int b0, int bs,
      boolean[] o, int o0, int os, int n) {
    switch (op) {
      case ADD -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] | b[bi];
        }
      }
      case MUL -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] & b[bi];
        }
      }
      case MAXIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] | b[bi];
        }
      }
      case MINIMUM -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] & b[bi];
        }
      }
      case LOGICAL_OR -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] | b[bi];
        }
      }
      case LOGICAL_AND -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] & b[bi];
        }
      }
      case EQ -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] == b[bi];
        }
      }
      case NE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] != b[bi];
        }
      }
      case LT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = !a[ai] & b[bi];
        }
      }
      case LE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = !a[ai] | b[bi];
        }
      }
      case GT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] & !b[bi];
        }
      }
      case GE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] | !b[bi];
        }
      }
      default -> throw new IllegalStateException(op + " has no bool kernel");
    }
  }

  static void compareF32(BinaryOp op, float[] a, int a0, int as, float[] b, int b0, int bs,
      boolean[] o, int o0, int os, int n) {
    switch (op) {
      case EQ -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] == b[bi];
        }
      }
      case NE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] != b[bi];
        }
      }
      case LT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] < b[bi];
        }
      }
      case LE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] <= b[bi];
        }
      }
      case GT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] > b[bi];
        }
      }
      case GE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] >= b[bi];
        }
      }
      default -> throw new IllegalStateException(op + " is not a comparison");
    }
  }

  /**
   * {@link #keepWhereGreaterF32} on unit-stride rows in vectors; the plain loop there is its
   * reference, bit for bit.
   */
  interface Select {
    void keepWhereGreater(float[] a, int a0, float t, float[] x, int x0, float[] o, int o0,
        int n);

    /** A short description for logs and benchmarks. */
    String describe();
  }

  /**
   * The vector kernel where the JVM has the Vector API and 256-bit vectors (and
   * {@code adjoint.simd} is not false), else null: the plain loop.
   */
  static final Select SELECT = chooseSelect();

  private static Select chooseSelect() {
    if ("false".equalsIgnoreCase(System.getProperty("adjoint.simd", "true"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Select) Class.forName("dev.adjoint.backend.cpu.VectorSelect")
          .getDeclaredMethod("instance").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  /**
   * {@code o = a > t ? x : 0}, a NaN in {@code a} giving 0, without a branch on the data: the
   * kept element's bits are masked with all ones, the others with zeros (0.0), which is
   * {@code where} of the mask {@code a > t} and a zero, bit for bit.
   */
  static void keepWhereGreaterF32(float[] a, int a0, int as, float t, float[] x, int x0, int xs,
      float[] o, int o0, int os, int n) {
    if (as == 1 && xs == 1 && os == 1 && n >= 64 && SELECT != null) {
      SELECT.keepWhereGreater(a, a0, t, x, x0, o, o0, n);
      return;
    }
    if (as == 1 && xs == 1 && os == 1) {
      for (int k = 0; k < n; k++) {
        int keep = a[a0 + k] > t ? -1 : 0;
        o[o0 + k] = Float.intBitsToFloat(Float.floatToRawIntBits(x[x0 + k]) & keep);
      }
      return;
    }
    for (int k = 0, ai = a0, xi = x0, oi = o0; k < n; k++, ai += as, xi += xs, oi += os) {
      int keep = a[ai] > t ? -1 : 0;
      o[oi] = Float.intBitsToFloat(Float.floatToRawIntBits(x[xi]) & keep);
    }
  }

  /** {@link #keepWhereGreaterF32} in float64. */
  static void keepWhereGreaterF64(double[] a, int a0, int as, double t, double[] x, int x0,
      int xs, double[] o, int o0, int os, int n) {
    if (as == 1 && xs == 1 && os == 1) {
      for (int k = 0; k < n; k++) {
        long keep = a[a0 + k] > t ? -1L : 0L;
        o[o0 + k] = Double.longBitsToDouble(Double.doubleToRawLongBits(x[x0 + k]) & keep);
      }
      return;
    }
    for (int k = 0, ai = a0, xi = x0, oi = o0; k < n; k++, ai += as, xi += xs, oi += os) {
      long keep = a[ai] > t ? -1L : 0L;
      o[oi] = Double.longBitsToDouble(Double.doubleToRawLongBits(x[xi]) & keep);
    }
  }

  static void compareF64(BinaryOp op, double[] a, int a0, int as, double[] b, int b0, int bs,
      boolean[] o, int o0, int os, int n) {
    switch (op) {
      case EQ -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] == b[bi];
        }
      }
      case NE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] != b[bi];
        }
      }
      case LT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] < b[bi];
        }
      }
      case LE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] <= b[bi];
        }
      }
      case GT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] > b[bi];
        }
      }
      case GE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] >= b[bi];
        }
      }
      default -> throw new IllegalStateException(op + " is not a comparison");
    }
  }

  static void compareI64(BinaryOp op, long[] a, int a0, int as, long[] b, int b0, int bs,
      boolean[] o, int o0, int os, int n) {
    switch (op) {
      case EQ -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] == b[bi];
        }
      }
      case NE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] != b[bi];
        }
      }
      case LT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] < b[bi];
        }
      }
      case LE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] <= b[bi];
        }
      }
      case GT -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] > b[bi];
        }
      }
      case GE -> {
        for (int k = 0, ai = a0, bi = b0, oi = o0; k < n; k++, ai += as, bi += bs, oi += os) {
          o[oi] = a[ai] >= b[bi];
        }
      }
      default -> throw new IllegalStateException(op + " is not a comparison");
    }
  }

  /**
   * {@code base ** exp} in int64 with wrap-around, by squaring. A negative exponent gives the
   * truncated {@code 1 / base^|exp|} as PyTorch's integer kernel does: 1 for base 1, +-1 for base
   * -1, else 0 (a negative scalar exponent is refused before it gets here).
   */
  static long powExact(long base, long exp) {
    if (exp < 0) {
      if (base == 1) {
        return 1;
      }
      if (base == -1) {
        return (exp & 1) == 0 ? 1 : -1;
      }
      return 0;
    }
    long result = 1;
    while (exp > 0) {
      if ((exp & 1) != 0) {
        result *= base;
      }
      base *= base;
      exp >>= 1;
    }
    return result;
  }
}
