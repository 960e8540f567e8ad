package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.UnaryOp;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every elementwise row kernel, run on unit-stride rows (the branch-free loops the JIT
 * vectorizes) and on strided rows (the general loops), against the op's definition written out
 * per element here, bit for bit (signed zeros and NaN included), over lengths around vector
 * widths; only float32 exp, tanh and sigmoid, which compute {@link FloatMath}'s approximations,
 * are held to its ulp bound instead, and to the same bits on both paths.
 */
class ElementwiseKernelPathTest {
  private static final int[] LENGTHS = {0, 1, 7, 15, 16, 17, 63, 64, 65, 1000};
  private static final double LO = -0.75;
  private static final double HI = 1.5;

  private static double[] values(int n, long seed) {
    double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1.0, -1.0, LO, HI, 1e-40, -1e-40};
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = r.nextInt(4) == 0 ? special[r.nextInt(special.length)] : r.nextDouble(-4, 4);
    }
    return d;
  }

  /** PyTorch's definition of each op, in double. */
  private static DoubleUnaryOperator definition(UnaryOp op) {
    return switch (op) {
      case NEG -> x -> -x;
      case ABS -> Math::abs;
      case SIGN -> x -> x > 0 ? 1 : x < 0 ? -1 : 0;
      case RELU -> x -> Double.isNaN(x) ? x : x > 0 ? x : 0.0;
      case CLAMP -> x -> Double.isNaN(x) ? x : x < LO ? LO : x > HI ? HI : x;
      case EXP -> Math::exp;
      case LOG -> Math::log;
      case SQRT -> Math::sqrt;
      case TANH -> Math::tanh;
      case SIGMOID -> x -> 1.0 / (1.0 + Math.exp(-x));
      // Its accuracy is ErfTest's (against the C library); here, that every path agrees.
      case ERF -> SpecialFunctions::erf;
    };
  }

  private static DoubleBinaryOperator definition(BinaryOp op) {
    return switch (op) {
      case ADD -> (x, y) -> x + y;
      case SUB -> (x, y) -> x - y;
      case MUL -> (x, y) -> x * y;
      case DIV -> (x, y) -> x / y;
      default -> null;
    };
  }

  /**
   * Float32 exp, tanh and sigmoid compute {@link FloatMath}'s approximations, whose contract is
   * 1 ulp from the correctly rounded value: the
   * definition computed in double and rounded is that value here (NaN for NaN, infinities and
   * zeros exactly, the sign of zero included).
   */
  private static void assertWithinOneUlp(float want, float got, String at) {
    if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), at + " gave " + got);
      return;
    }
    long d = Math.abs(orderedF(want) - orderedF(got));
    assertTrue(d <= 1, at + " gave " + got + ", " + d + " ulps from " + want);
  }

  private static long orderedF(float f) {
    int i = Float.floatToRawIntBits(f);
    return i < 0 ? (long) Integer.MIN_VALUE - i : i;
  }

  @ParameterizedTest
  @EnumSource(UnaryOp.class)
  void unaryFloat32(UnaryOp op) {
    DoubleUnaryOperator f = definition(op);
    for (int n : LENGTHS) {
      double[] v = values(n, n * 31L + op.ordinal());
      float[] dense = new float[n + 2];
      float[] strided = new float[3 * n + 1];
      for (int i = 0; i < n; i++) {
        dense[i + 2] = (float) v[i];
        strided[3 * i + 1] = (float) v[i];
      }
      float[] outDense = new float[n + 1];
      float[] outStrided = new float[2 * n];
      // Offsets 2 and 1 (the dense loops with two offsets), 2 and 2 (with one index).
      float[] outAligned = new float[n + 2];
      Elementwise.unaryF32(op, dense, 2, 1, outDense, 1, 1, n, LO, HI);
      Elementwise.unaryF32(op, dense, 2, 1, outAligned, 2, 1, n, LO, HI);
      Elementwise.unaryF32(op, strided, 1, 3, outStrided, 0, 2, n, LO, HI);
      for (int i = 0; i < n; i++) {
        float want = (float) f.applyAsDouble((float) v[i]);
        String at = op + " n=" + n + " x=" + (float) v[i];
        assertEquals(Float.floatToIntBits(outDense[i + 1]), Float.floatToIntBits(outAligned[i + 2]),
            "dense at two offsets and at one " + at);
        if (DenseMath.TRANSCENDENTAL.contains(op)) {
          assertWithinOneUlp(want, outDense[i + 1], "dense " + at);
          assertWithinOneUlp(want, outStrided[2 * i], "strided " + at);
          assertEquals(Float.floatToIntBits(outDense[i + 1]),
              Float.floatToIntBits(outStrided[2 * i]), "dense and strided " + at);
        } else {
          assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(outDense[i + 1]),
              "dense " + at + " gave " + outDense[i + 1]);
          assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(outStrided[2 * i]),
              "strided " + at + " gave " + outStrided[2 * i]);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(UnaryOp.class)
  void unaryFloat64(UnaryOp op) {
    DoubleUnaryOperator f = definition(op);
    for (int n : LENGTHS) {
      double[] v = values(n, n * 17L + op.ordinal());
      double[] strided = new double[2 * n];
      for (int i = 0; i < n; i++) {
        strided[2 * i] = v[i];
      }
      double[] outDense = new double[n];
      double[] outShifted = new double[n + 1];
      double[] outStrided = new double[3 * n];
      Elementwise.unaryF64(op, v, 0, 1, outDense, 0, 1, n, LO, HI);
      Elementwise.unaryF64(op, v, 0, 1, outShifted, 1, 1, n, LO, HI);
      Elementwise.unaryF64(op, strided, 0, 2, outStrided, 0, 3, n, LO, HI);
      for (int i = 0; i < n; i++) {
        double want = f.applyAsDouble(v[i]);
        String at = op + " n=" + n + " x=" + v[i];
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(outShifted[i + 1]),
            "dense at two offsets " + at + " gave " + outShifted[i + 1]);
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(outDense[i]),
            "dense " + at + " gave " + outDense[i]);
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(outStrided[3 * i]),
            "strided " + at + " gave " + outStrided[3 * i]);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV"})
  void binaryFloat32DenseBroadcastAndStrided(BinaryOp op) {
    DoubleBinaryOperator f = definition(op);
    for (int n : LENGTHS) {
      double[] x = values(n, n + 5L);
      double[] y = values(n, n + 6L);
      float[] a = new float[n];
      float[] b = new float[n];
      float[] as = new float[2 * n];
      for (int i = 0; i < n; i++) {
        a[i] = (float) x[i];
        b[i] = (float) y[i];
        as[2 * i] = a[i];
      }
      float[] dense = new float[n];
      float[] scalar = new float[n];
      float[] strided = new float[n];
      // The dense loops with one index (offsets all 0) and with offsets that differ.
      float[] shifted = new float[n + 3];
      float[] shiftedScalar = new float[n + 3];
      Elementwise.binaryF32(op, a, 0, 1, b, 0, 1, dense, 0, 1, n);
      Elementwise.binaryF32(op, a, 0, 1, b, 0, 1, shifted, 3, 1, n);
      if (n > 0) {
        Elementwise.binaryF32(op, a, 0, 1, b, 0, 0, shiftedScalar, 3, 1, n);
      }
      float[] scalarFirst = new float[n];
      float[] shiftedScalarFirst = new float[n + 3];
      if (n > 0) { // a broadcast operand has an element to read
        Elementwise.binaryF32(op, a, 0, 1, b, 0, 0, scalar, 0, 1, n);
        // Broadcast on the left: one index, and offsets that differ (the strided loop).
        Elementwise.binaryF32(op, a, 0, 0, b, 0, 1, scalarFirst, 0, 1, n);
        Elementwise.binaryF32(op, a, 0, 0, b, 0, 1, shiftedScalarFirst, 3, 1, n);
      }
      Elementwise.binaryF32(op, as, 0, 2, b, 0, 1, strided, 0, 1, n);
      for (int i = 0; i < n; i++) {
        String at = op + " n=" + n + " i=" + i;
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[i], b[i])),
            Float.floatToIntBits(dense[i]), "dense " + at);
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[i], b[0])),
            Float.floatToIntBits(scalar[i]), "broadcast " + at);
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[i], b[i])),
            Float.floatToIntBits(strided[i]), "strided " + at);
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[i], b[i])),
            Float.floatToIntBits(shifted[i + 3]), "dense at two offsets " + at);
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[i], b[0])),
            Float.floatToIntBits(shiftedScalar[i + 3]), "broadcast at two offsets " + at);
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[0], b[i])),
            Float.floatToIntBits(scalarFirst[i]), "broadcast left " + at);
        assertEquals(Float.floatToIntBits((float) f.applyAsDouble(a[0], b[i])),
            Float.floatToIntBits(shiftedScalarFirst[i + 3]), "broadcast left, two offsets " + at);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV"})
  void binaryFloat64DenseBroadcastAndStrided(BinaryOp op) {
    DoubleBinaryOperator f = definition(op);
    for (int n : LENGTHS) {
      double[] a = values(n, n + 7L);
      double[] b = values(n, n + 8L);
      double[] as = new double[2 * n];
      for (int i = 0; i < n; i++) {
        as[2 * i] = a[i];
      }
      double[] dense = new double[n];
      double[] shifted = new double[n + 1];
      double[] scalar = new double[n];
      double[] strided = new double[n];
      Elementwise.binaryF64(op, a, 0, 1, b, 0, 1, dense, 0, 1, n);
      Elementwise.binaryF64(op, a, 0, 1, b, 0, 1, shifted, 1, 1, n);
      double[] scalarFirst = new double[n];
      if (n > 0) {
        Elementwise.binaryF64(op, a, 0, 1, b, 0, 0, scalar, 0, 1, n);
        Elementwise.binaryF64(op, a, 0, 0, b, 0, 1, scalarFirst, 0, 1, n);
      }
      Elementwise.binaryF64(op, as, 0, 2, b, 0, 1, strided, 0, 1, n);
      for (int i = 0; i < n; i++) {
        String at = op + " n=" + n + " i=" + i;
        long want = Double.doubleToLongBits(f.applyAsDouble(a[i], b[i]));
        assertEquals(want, Double.doubleToLongBits(dense[i]), "dense " + at);
        assertEquals(want, Double.doubleToLongBits(shifted[i + 1]), "dense at two offsets " + at);
        assertEquals(want, Double.doubleToLongBits(strided[i]), "strided " + at);
        assertEquals(Double.doubleToLongBits(f.applyAsDouble(a[i], b[0])),
            Double.doubleToLongBits(scalar[i]), "broadcast " + at);
        assertEquals(Double.doubleToLongBits(f.applyAsDouble(a[0], b[i])),
            Double.doubleToLongBits(scalarFirst[i]), "broadcast left " + at);
      }
    }
  }
}
