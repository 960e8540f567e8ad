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
   * Unit-stride loops without branches on the data (a NaN propagates through {@code Math.max}
   * and {@code Math.min} as through the strided loops' tests), which the JIT vectorizes, and
   * {@link DenseMath}'s kernels for exp, tanh and sigmoid (bit-identical to the strided loops'
   * {@link FloatMath}, see there); false for ops that have none.
   */
  private static boolean denseUnaryF32(UnaryOp op, float[] a, int a0, float[] o, int o0, int n,
      double lo, double hi) {
    if (a0 == o0) {
      return denseUnaryF32Same(op, a, o, a0, n, lo, hi);
    }
    switch (op) {
      case NEG -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = -a[a0 + k];
        }
      }
      case ABS -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.abs(a[a0 + k]);
        }
      }
      case RELU -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.max(a[a0 + k], 0f); // -0. gives 0., NaN stays NaN, as PyTorch
        }
      }
      case CLAMP -> {
        // Rounding is monotone, so clamping to the rounded bounds equals rounding the clamp.
        float l = (float) lo;
        float h = (float) hi;
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.min(Math.max(a[a0 + k], l), h);
        }
      }
      case SQRT -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = (float) Math.sqrt(a[a0 + k]);
        }
      }
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
   * {@link #denseUnaryF32} with every operand at one offset: one index for all arrays, the form
   * the JIT vectorizes (with offsets that differ it must assume that a store may change what a
   * later iteration reads, and ran these loops element by element: ReLU of 64k floats 6x
   * slower).
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
   * Unit-stride loops without branches on the data (a NaN propagates through {@code Math.max}
   * and {@code Math.min} as through the strided loops' tests), which the JIT vectorizes; false
   * for ops that have none.
   */
  private static boolean denseUnaryF64(UnaryOp op, double[] a, int a0, double[] o, int o0, int n,
      double lo, double hi) {
    if (a0 == o0) {
      return denseUnaryF64Same(op, a, o, a0, n, lo, hi);
    }
    switch (op) {
      case NEG -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = -a[a0 + k];
        }
      }
      case ABS -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.abs(a[a0 + k]);
        }
      }
      case RELU -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.max(a[a0 + k], 0.0); // -0. gives 0., NaN stays NaN, as PyTorch
        }
      }
      case CLAMP -> {
        // Rounding is monotone, so clamping to the rounded bounds equals rounding the clamp.
        double l = lo;
        double h = hi;
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.min(Math.max(a[a0 + k], l), h);
        }
      }
      case SQRT -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = Math.sqrt(a[a0 + k]);
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #denseUnaryF64} with every operand at one offset: one index for all arrays, the form
   * the JIT vectorizes (with offsets that differ it must assume that a store may change what a
   * later iteration reads, and ran these loops element by element: ReLU of 64k floats 6x
   * slower).
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
   * The four arithmetic ops over unit-stride {@code a} and {@code o}, with {@code b} unit-stride or
   * one broadcast value: loops the JIT vectorizes. False for other ops (the strided loop runs).
   */
  private static boolean denseF32(BinaryOp op, float[] a, int a0, float[] b, int b0, int bs,
      float[] o, int o0, int n) {
    if (a0 == o0 && (bs == 0 || b0 == o0)) {
      return denseF32Same(op, a, b, b0, bs, o, o0, n);
    }
    if (bs == 0) {
      float y = b[b0];
      switch (op) {
        case ADD -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] + y;
          }
        }
        case SUB -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] - y;
          }
        }
        case MUL -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] * y;
          }
        }
        case DIV -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] / y;
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
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] + b[b0 + k];
        }
      }
      case SUB -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] - b[b0 + k];
        }
      }
      case MUL -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] * b[b0 + k];
        }
      }
      case DIV -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] / b[b0 + k];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #denseF32} with every operand at one offset: one index for all arrays, the form
   * the JIT vectorizes (with offsets that differ it must assume that a store may change what a
   * later iteration reads, and ran these loops element by element: ReLU of 64k floats 6x
   * slower).
   */
  private static boolean denseF32Same(BinaryOp op, float[] a, float[] b, int b0, int bs,
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

  static void binaryF32(BinaryOp op, float[] a, int a0, int as, float[] b, int b0, int bs,
      float[] o, int o0, int os, int n) {
    if (as == 1 && os == 1 && (bs == 1 || bs == 0) && denseF32(op, a, a0, b, b0, bs, o, o0, n)) {
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

  /**
   * The four arithmetic ops over unit-stride {@code a} and {@code o}, with {@code b} unit-stride or
   * one broadcast value: loops the JIT vectorizes. False for other ops (the strided loop runs).
   */
  private static boolean denseF64(BinaryOp op, double[] a, int a0, double[] b, int b0, int bs,
      double[] o, int o0, int n) {
    if (a0 == o0 && (bs == 0 || b0 == o0)) {
      return denseF64Same(op, a, b, b0, bs, o, o0, n);
    }
    if (bs == 0) {
      double y = b[b0];
      switch (op) {
        case ADD -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] + y;
          }
        }
        case SUB -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] - y;
          }
        }
        case MUL -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] * y;
          }
        }
        case DIV -> {
          for (int k = 0; k < n; k++) {
            o[o0 + k] = a[a0 + k] / y;
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
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] + b[b0 + k];
        }
      }
      case SUB -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] - b[b0 + k];
        }
      }
      case MUL -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] * b[b0 + k];
        }
      }
      case DIV -> {
        for (int k = 0; k < n; k++) {
          o[o0 + k] = a[a0 + k] / b[b0 + k];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #denseF64} with every operand at one offset: one index for all arrays, the form
   * the JIT vectorizes (with offsets that differ it must assume that a store may change what a
   * later iteration reads, and ran these loops element by element: ReLU of 64k floats 6x
   * slower).
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

  static void binaryF64(BinaryOp op, double[] a, int a0, int as, double[] b, int b0, int bs,
      double[] o, int o0, int os, int n) {
    if (as == 1 && os == 1 && (bs == 1 || bs == 0) && denseF64(op, a, a0, b, b0, bs, o, o0, n)) {
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
