package dev.adjoint.tensor;

import static dev.adjoint.tensor.TensorAssertions.assertBools;
import static dev.adjoint.tensor.TensorAssertions.assertFloats;
import static dev.adjoint.tensor.TensorAssertions.assertLongs;
import static dev.adjoint.tensor.TensorAssertions.assertThrowsWith;
import static dev.adjoint.tensor.TensorAssertions.assertValues;
import static dev.adjoint.tensor.TensorAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Elementwise ops: values, broadcasting, strided inputs and errors. Inputs are chosen so that
 * expected values are exact in float32 unless a tolerance is stated.
 */
class ElementwiseTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;
  /**
   * For float32 results of transcendental functions: Adjoint rounds a double result once, so the
   * error is half a float32 ulp, at most 2^-24 = 6e-8 relative; 1e-6 leaves room for a different
   * but still correct (faithfully rounded, few-ulp) float32 implementation.
   */
  private static final double F32_TOL = 1e-6;

  private static Tensor m23(float... v) {
    return Tensor.fromArray(v, 2, 3);
  }

  // ------------------------------------------------------------------ arithmetic

  @Test
  void arithmeticOfTwoTensors() {
    Tensor a = m23(1, 2, 3, 4, 5, 6);
    Tensor b = m23(10, 20, 30, -1, -2, -4);
    assertFloats(a.add(b), shape(2, 3), 11, 22, 33, 3, 3, 2);
    assertFloats(a.sub(b), shape(2, 3), -9, -18, -27, 5, 7, 10);
    assertFloats(a.mul(b), shape(2, 3), 10, 40, 90, -4, -10, -24);
    // IEEE division is correctly rounded: 1/10, 2/20 and 3/30 all give the float32 nearest 0.1.
    assertFloats(a.div(b), shape(2, 3), (float) 0.1, (float) 0.1, (float) 0.1, -4, -2.5, -1.5);
    // 4^0.5 = 2, 9^2 = 81, 2^-1 = 0.5, 0^0 = 1 (IEEE pow), (-8)^(1/3) = NaN (negative base,
    // fractional exponent), 1^inf... kept finite: 5^0 = 1.
    Tensor base = m23(4, 9, 2, 0, -8, 5);
    Tensor exp = m23(0.5f, 2, -1, 0, 1f / 3, 0);
    assertValues(base.pow(exp), DType.FLOAT32, shape(2, 3), 0, 2, 81, 0.5, 1, NAN, 1);
  }

  @Test
  void arithmeticWithScalars() {
    Tensor a = Tensor.of(1f, -2f, 4f);
    assertFloats(a.add(1.5), shape(3), 2.5, -0.5, 5.5);
    assertFloats(a.add(2L), shape(3), 3, 0, 6); // an integer scalar keeps float32
    assertFloats(a.sub(0.5), shape(3), 0.5, -2.5, 3.5);
    assertFloats(a.sub(3L), shape(3), -2, -5, 1);
    assertFloats(a.mul(-2.0), shape(3), -2, 4, -8);
    assertFloats(a.mul(3L), shape(3), 3, -6, 12);
    assertFloats(a.div(4.0), shape(3), 0.25, -0.5, 1);
    assertFloats(a.pow(2.0), shape(3), 1, 4, 16);
    assertFloats(a.pow(3L), shape(3), 1, -8, 64);
    assertFloats(a.pow(-1.0), shape(3), 1, -0.5, 0.25);
    // torch.add(a, b, alpha=2) = a + 2 b
    assertFloats(a.add(Tensor.of(1f, 1f, 1f), 2.0), shape(3), 3, 0, 6);
  }

  @Test
  void integerArithmeticWithIntegerScalarsStaysInt64() {
    Tensor a = Tensor.of(1L, 2L, -3L);
    assertLongs(a.add(2L), shape(3), 3, 4, -1);
    assertLongs(a.sub(5L), shape(3), -4, -3, -8);
    assertLongs(a.mul(3L), shape(3), 3, 6, -9);
    assertLongs(a.pow(2L), shape(3), 1, 4, 9);
    assertLongs(a.pow(0L), shape(3), 1, 1, 1);
    assertLongs(a.add(a), shape(3), 2, 4, -6);
    // 3^40 = 12157665459056928801 overflows int64 and wraps (two's complement) as in PyTorch:
    // 12157665459056928801 - 2^64 = -6289078614652622815.
    assertLongs(Tensor.of(3L).pow(40L), shape(1), -6289078614652622815L);
    // int64 arithmetic is exact where a double would round: 2^53 + 1.
    assertLongs(Tensor.of(1L << 53).add(1L), shape(1), (1L << 53) + 1);
  }

  @Test
  void integerPowerWithANegativeScalarExponentIsRefused() {
    // PyTorch: "Integers to negative integer powers are not allowed." for an integer scalar
    // exponent, whatever the base (2 ** -1 = 0.5 is not an integer).
    Tensor a = Tensor.of(2L, 3L, 1L);
    assertThrowsWith(IllegalArgumentException.class, () -> a.pow(-1L), "pow:", "negative");
    assertThrowsWith(IllegalArgumentException.class, () -> Tensor.of(true).pow(-2L), "pow:",
        "negative");
    // A float exponent gives float32, where negative powers are fine.
    assertFloats(a.pow(-1.0), shape(3), 0.5, (float) (1.0 / 3), 1);
  }

  @Test
  void integerPowerWithNegativeTensorExponentsTruncatesAsPyTorch() {
    // PyTorch's integer pow kernel with a tensor exponent: b < 0 gives 1 for base 1, +-1 for base
    // -1 (by parity of b) and 0 (the truncated 1 / base^|b|) otherwise.
    Tensor base = Tensor.of(2L, 3L, 1L, -1L, -1L, 5L);
    Tensor exp = Tensor.of(-2L, 1L, -3L, -3L, -2L, 0L);
    assertLongs(base.pow(exp), shape(6), 0, 3, 1, -1, 1, 1);
  }

  @Test
  void subtractingBoolsIsRefused() {
    Tensor p = Tensor.of(true, false);
    assertThrowsWith(IllegalArgumentException.class, () -> p.sub(Tensor.of(false, false)),
        "sub:", "bool");
    assertThrowsWith(IllegalArgumentException.class, () -> p.neg(), "neg", "bool");
    // With an integer the bool is promoted to int64 first, which is fine: [1, 0] - 1.
    assertLongs(p.sub(1L), shape(2), 0, -1);
  }

  // ------------------------------------------------------------------ unary

  @Test
  void negExpLogSqrt() {
    assertFloats(Tensor.of(1f, -2f, 0.5f).neg(), shape(3), -1, 2, -0.5);
    assertLongs(Tensor.of(1L, -2L).neg(), shape(2), -1, 2);

    // exp(0) = 1, exp(1) = e, exp(-1) = 1/e, exp(ln 2) = 2, exp(-inf) = 0, exp(100) overflows.
    float ln2 = (float) Math.log(2);
    assertValues(Tensor.of(0f, 1f, -1f, ln2, Float.NEGATIVE_INFINITY, 100f).exp(),
        DType.FLOAT32, shape(6), F32_TOL, 1, 2.718281828459045, 0.36787944117144233, 2, 0, INF);

    // log(1) = 0, log(e) = 1, log(0) = -inf, log(-1) = NaN, log(8) = 3 ln 2 = 2.0794415416798357.
    float e = (float) Math.E;
    assertValues(Tensor.of(1f, e, 0f, -1f, 8f).log(), DType.FLOAT32, shape(5), F32_TOL,
        0, 1, -INF, NAN, 2.0794415416798357);

    // sqrt(4) = 2, sqrt(2) = 1.4142135623730951, sqrt(0) = 0, sqrt(-1) = NaN, sqrt(inf) = inf.
    assertValues(Tensor.of(4f, 2f, 0f, -1f, Float.POSITIVE_INFINITY).sqrt(), DType.FLOAT32,
        shape(5), F32_TOL, 2, 1.4142135623730951, 0, NAN, INF);

    // float64 stays float64 and is computed in double: exp(0.1) to 1e-15.
    assertValues(Tensor.of(0.1).exp(), DType.FLOAT64, shape(1), 1e-15, 1.1051709180756477);
  }

  @Test
  void absAndSign() {
    assertFloats(Tensor.of(-1.5f, 2f, 0f).abs(), shape(3), 1.5, 2, 0);
    assertLongs(Tensor.of(-3L, 4L, 0L).abs(), shape(3), 3, 4, 0);
    assertFloats(Tensor.of(-2.5f, 0f, 3f, Float.NEGATIVE_INFINITY).sign(), shape(4), -1, 0, 1, -1);
    assertLongs(Tensor.of(-5L, 0L, 7L).sign(), shape(3), -1, 0, 1);
  }

  @Test
  void tanhSigmoidRelu() {
    // tanh(1) = 0.7615941559557649, odd; tanh(20) = 1 - 8.5e-18, which is 1 in float32.
    assertValues(Tensor.of(0f, 1f, -1f, 20f).tanh(), DType.FLOAT32, shape(4), F32_TOL,
        0, 0.7615941559557649, -0.7615941559557649, 1);
    // sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4 and sigmoid(-ln 3) = 1/4. At +-1000 exp overflows in
    // any precision; the result must still be 1 and 0, not NaN.
    float ln3 = (float) Math.log(3);
    assertValues(Tensor.of(0f, ln3, -ln3, 1000f, -1000f).sigmoid(), DType.FLOAT32, shape(5),
        F32_TOL, 0.5, 0.75, 0.25, 1, 0);
    // relu keeps NaN (as torch.relu does) and int64.
    assertValues(Tensor.of(-1f, 0f, 2.5f, Float.NaN).relu(), DType.FLOAT32, shape(4), 0,
        0, 0, 2.5, NAN);
    assertLongs(Tensor.of(-3L, 5L).relu(), shape(2), 0, 5);
  }

  @Test
  void clampAndItsOneSidedForms() {
    Tensor x = Tensor.of(-2f, 0.5f, 3f, Float.NaN);
    assertValues(x.clamp(-1, 1), DType.FLOAT32, shape(4), 0, -1, 0.5, 1, NAN);
    assertValues(x.clampMin(0), DType.FLOAT32, shape(4), 0, 0, 0.5, 3, NAN);
    assertValues(x.clampMax(0), DType.FLOAT32, shape(4), 0, -2, 0, 0, NAN);
    // min > max: everything becomes max (torch.clamp documents this).
    assertValues(x.clamp(2, 1), DType.FLOAT32, shape(4), 0, 1, 1, 1, NAN);
    // int64 with whole bounds (Python ints) stays int64; with fractional ones it is float32, as
    // with any float scalar.
    Tensor k = Tensor.of(-1L, 1L, 5L);
    assertLongs(k.clamp(0, 2), shape(3), 0, 1, 2);
    assertFloats(k.clamp(0.5, 2.5), shape(3), 0.5, 1, 2.5);
    assertThrowsWith(IllegalArgumentException.class, () -> x.clamp(Double.NaN, 1), "clamp:");
  }

  @Test
  void int64ClampIsExactBeyondDoublePrecision() {
    long big = (1L << 53) + 1; // a double would round it to 2^53
    assertLongs(Tensor.of(big, -5L).clampMin(0), shape(2), big, 0);
    assertLongs(Tensor.of(big, -big).clamp(-1e18, 1e18), shape(2), big, -big);
  }

  @Test
  void maximumAndMinimumPropagateNaN() {
    Tensor a = Tensor.of(1f, Float.NaN, 5f, -1f);
    Tensor b = Tensor.of(2f, 3f, Float.NaN, -4f);
    assertValues(a.maximum(b), DType.FLOAT32, shape(4), 0, 2, NAN, NAN, -1);
    assertValues(a.minimum(b), DType.FLOAT32, shape(4), 0, 1, NAN, NAN, -4);
    assertLongs(Tensor.of(1L, 7L).maximum(Tensor.of(3L, 2L)), shape(2), 3, 7);
    assertLongs(Tensor.of(1L, 7L).minimum(Tensor.of(3L, 2L)), shape(2), 1, 2);
  }

  // ------------------------------------------------------------------ comparisons and logic

  @Test
  void comparisonsGiveBoolAndNaNComparesFalseExceptNe() {
    Tensor a = Tensor.of(1f, 2f, 3f, Float.NaN);
    Tensor b = Tensor.of(2f, 2f, 2f, Float.NaN);
    assertBools(a.eq(b), shape(4), false, true, false, false);
    assertBools(a.ne(b), shape(4), true, false, true, true);
    assertBools(a.lt(b), shape(4), true, false, false, false);
    assertBools(a.le(b), shape(4), true, true, false, false);
    assertBools(a.gt(b), shape(4), false, false, true, false);
    assertBools(a.ge(b), shape(4), false, true, true, false);

    assertBools(a.eq(2.0), shape(4), false, true, false, false);
    assertBools(a.ne(2.0), shape(4), true, false, true, true);
    assertBools(a.lt(2.0), shape(4), true, false, false, false);
    assertBools(a.le(2.0), shape(4), true, true, false, false);
    assertBools(a.gt(2.0), shape(4), false, false, true, false);
    assertBools(a.ge(2.0), shape(4), false, true, true, false);

    Tensor k = Tensor.of(1L, 2L, 3L);
    assertBools(k.lt(Tensor.of(2L)), shape(3), true, false, false);
    assertBools(k.eq(2.0), shape(3), false, true, false);
    assertBools(k.gt(1.5), shape(3), false, true, true);

    Tensor p = Tensor.of(true, true, false, false);
    Tensor q = Tensor.of(true, false, true, false);
    // false < true, as 0 < 1.
    assertBools(p.lt(q), shape(4), false, false, true, false);
    assertBools(p.ge(q), shape(4), true, true, false, true);
    assertBools(p.eq(q), shape(4), true, false, false, true);
  }

  @Test
  void logicalOpsTreatNonzeroAsTrue() {
    // a is truthy at [F, T, T, F, T] (NaN is nonzero), b at [F, F, T, T, F].
    Tensor a = Tensor.of(0f, 1.5f, -2f, 0f, Float.NaN);
    Tensor b = Tensor.of(0L, 0L, 3L, 7L, 0L);
    assertBools(a.logicalAnd(b), shape(5), false, false, true, false, false);
    assertBools(a.logicalOr(b), shape(5), false, true, true, true, true);
    assertBools(a.logicalNot(), shape(5), true, false, false, true, false);
    assertBools(Tensor.of(true, false).logicalNot(), shape(2), false, true);
    assertBools(b.logicalNot(), shape(5), true, true, false, false, true);
  }

  @Test
  void whereSelectsAndBroadcasts() {
    Tensor c = Tensor.fromArray(new boolean[] {true, false, false, true}, 2, 2);
    Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
    assertFloats(Tensor.where(c, x, Tensor.scalar(0.0)), shape(2, 2), 1, 0, 0, 4);
    // condition [2, 1], x [1, 3], y 0-d -> [2, 3]
    Tensor rows = Tensor.fromArray(new boolean[] {true, false}, 2, 1);
    Tensor x13 = Tensor.fromArray(new float[] {1, 2, 3}, 1, 3);
    assertFloats(Tensor.where(rows, x13, Tensor.scalar(-1.0)), shape(2, 3),
        1, 2, 3, -1, -1, -1);
    // int64 and float32 branches promote to float32.
    assertFloats(Tensor.where(Tensor.of(true, false), Tensor.of(1L, 2L), Tensor.of(0.5f, 0.5f)),
        shape(2), 1, 0.5);
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.where(Tensor.of(1f, 0f), x13, x13), "where:", "bool");
    assertThrowsWith(IllegalArgumentException.class,
        () -> Tensor.where(Tensor.of(true, false, true), Tensor.ones(2), Tensor.ones(2)),
        "where:", "[3]", "[2]");
  }

  @Test
  void maskedFillCopiesWithTheValueWhereTheMaskIsTrue() {
    Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor mask = Tensor.fromArray(new boolean[] {true, false, false, true}, 2, 2);
    assertFloats(a.maskedFill(mask, -1), shape(2, 2), -1, 2, 3, -1);
    assertFloats(a, shape(2, 2), 1, 2, 3, 4); // a copy: the input is unchanged
    // A row mask broadcasts over the rows: column 1 of every row.
    assertFloats(a.maskedFill(Tensor.of(false, true), 9), shape(2, 2), 1, 9, 3, 9);
    assertLongs(Tensor.of(5L, 6L).maskedFill(Tensor.of(false, true), 0), shape(2), 5, 0);
    assertThrowsWith(IllegalArgumentException.class, () -> a.maskedFill(Tensor.ones(2, 2), 0),
        "maskedFill:", "bool");
  }

  @Test
  void allCloseTreatsInfinitiesAndNaNAsTorchDoes() {
    Tensor a = Tensor.of(1f, 2f);
    // |a - b| <= atol + rtol * |b|: 2.001 is within 1e-3 * 2.001 + 0 of 2, 2.01 is not.
    assertTrue(a.allClose(Tensor.of(1f, 2.001f), 1e-3, 0));
    assertFalse(a.allClose(Tensor.of(1f, 2.01f), 1e-3, 0));
    float inf = Float.POSITIVE_INFINITY;
    assertTrue(Tensor.of(inf, -inf).allClose(Tensor.of(inf, -inf), 1e-5, 1e-8));
    assertFalse(Tensor.of(inf).allClose(Tensor.of(-inf), 1e-5, 1e-8));
    assertFalse(Tensor.of(inf).allClose(Tensor.of(1f), 1e-5, 1e-8));
    assertFalse(Tensor.of(Float.NaN).allClose(Tensor.of(Float.NaN), 1e-5, 1e-8));
  }

  // ------------------------------------------------------------------ broadcasting

  @Test
  void broadcastingARowOverAMatrix() {
    // [2, 3] + [3]: the row is added to each row.
    Tensor r = m23(1, 2, 3, 4, 5, 6).add(Tensor.of(10f, 20f, 30f));
    assertFloats(r, shape(2, 3), 11, 22, 33, 14, 25, 36);
    assertFloats(Tensor.of(10f, 20f, 30f).sub(m23(1, 2, 3, 4, 5, 6)), shape(2, 3),
        9, 18, 27, 6, 15, 24);
  }

  @Test
  void broadcastingAColumnAgainstARow() {
    // [2, 1] + [1, 3] = [2, 3]: out[i][j] = col[i] + row[j].
    Tensor col = Tensor.fromArray(new float[] {1, 2}, 2, 1);
    Tensor row = Tensor.fromArray(new float[] {10, 20, 30}, 1, 3);
    assertFloats(col.add(row), shape(2, 3), 11, 21, 31, 12, 22, 32);
    assertFloats(row.mul(col), shape(2, 3), 10, 20, 30, 20, 40, 60);
  }

  @Test
  void broadcastingAZeroDimTensor() {
    Tensor s = Tensor.scalar(5.0);
    Tensor m = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
    assertFloats(s.add(m), shape(2, 2), 6, 7, 8, 9);
    assertFloats(m.sub(s), shape(2, 2), -4, -3, -2, -1);
    assertFloats(s.mul(s), shape(), 25);
  }

  @Test
  void broadcastingThreeDims() {
    // [3, 1, 2] * [4, 1] = [3, 4, 2]: out[i][j][k] = a[i][0][k] * b[j][0].
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, -1, 2, 0.5f};
    Tensor out = Tensor.fromArray(a, 3, 1, 2).mul(Tensor.fromArray(b, 4, 1));
    double[] expected = new double[24];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 2; k++) {
          expected[(i * 4 + j) * 2 + k] = a[i * 2 + k] * b[j];
        }
      }
    }
    assertFloats(out, shape(3, 4, 2), expected);
  }

  @Test
  void incompatibleShapesNameBothShapes() {
    Tensor a = Tensor.ones(2, 3);
    Tensor b = Tensor.ones(2);
    assertThrowsWith(IllegalArgumentException.class, () -> a.add(b), "add:", "[2, 3]", "[2]");
    assertThrowsWith(IllegalArgumentException.class, () -> a.mul(Tensor.ones(3, 3)), "mul:",
        "[2, 3]", "[3, 3]");
    assertThrowsWith(IllegalArgumentException.class, () -> a.lt(Tensor.ones(4, 1, 2)), "lt:",
        "[2, 3]", "[4, 1, 2]");
  }

  // ------------------------------------------------------------------ strided inputs

  private static final Map<String, BinaryOperator<Tensor>> BINARY = new LinkedHashMap<>();
  private static final Map<String, UnaryOperator<Tensor>> UNARY = new LinkedHashMap<>();

  static {
    BINARY.put("add", Tensor::add);
    BINARY.put("sub", Tensor::sub);
    BINARY.put("mul", Tensor::mul);
    BINARY.put("div", Tensor::div);
    BINARY.put("pow", Tensor::pow);
    BINARY.put("maximum", Tensor::maximum);
    BINARY.put("minimum", Tensor::minimum);
    BINARY.put("eq", Tensor::eq);
    BINARY.put("lt", Tensor::lt);
    BINARY.put("ge", Tensor::ge);
    BINARY.put("logicalAnd", Tensor::logicalAnd);
    BINARY.put("where", (x, y) -> Tensor.where(x.gt(y), x, y));
    UNARY.put("neg", Tensor::neg);
    UNARY.put("exp", Tensor::exp);
    UNARY.put("log", Tensor::log);
    UNARY.put("sqrt", Tensor::sqrt);
    UNARY.put("abs", Tensor::abs);
    UNARY.put("sign", Tensor::sign);
    UNARY.put("tanh", Tensor::tanh);
    UNARY.put("sigmoid", Tensor::sigmoid);
    UNARY.put("relu", Tensor::relu);
    UNARY.put("clamp", x -> x.clamp(-0.5, 0.75));
    UNARY.put("add scalar", x -> x.add(0.25));
    UNARY.put("logicalNot", Tensor::logicalNot);
  }

  /** Values in [-2, 2) with a fractional part, some zero, from a fixed formula. */
  private static float[] values(int n, int salt) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * 7 + salt * 3) % 16 - 8) * 0.25f;
    }
    return v;
  }

  /** The float32 ops whose dense and strided paths may differ by one ulp. */

  /**
   * Every op gives bit-identical results on a strided view and on its contiguous copy, with the
   * view as either operand.
   */
  private static void assertSameAsContiguous(Tensor view, Tensor other) {
    assertFalse(view.isContiguous(), "the input should be a strided view");
    Tensor dense = view.contiguous();
    assertTrue(dense.isContiguous());
    for (Map.Entry<String, BinaryOperator<Tensor>> op : BINARY.entrySet()) {
      BinaryOperator<Tensor> f = op.getValue();
      assertArrayEquals(f.apply(dense, other).toDoubleArray(),
          f.apply(view, other).toDoubleArray(), op.getKey() + "(view, other)");
      assertArrayEquals(f.apply(other, dense).toDoubleArray(),
          f.apply(other, view).toDoubleArray(), op.getKey() + "(other, view)");
      assertArrayEquals(f.apply(dense, dense).toDoubleArray(),
          f.apply(view, view).toDoubleArray(), op.getKey() + "(view, view)");
    }
    for (Map.Entry<String, UnaryOperator<Tensor>> op : UNARY.entrySet()) {
      double[] want = op.getValue().apply(dense).toDoubleArray();
      double[] got = op.getValue().apply(view).toDoubleArray();
      // Float32 exp, tanh and sigmoid too: every path computes the same definition (FloatMath).
      assertArrayEquals(want, got, op.getKey());
    }
  }

  @Test
  void transposedInputsMatchTheirContiguousCopies() {
    float[] src = values(12, 1);
    Tensor base = Tensor.fromArray(src, 4, 3);
    Tensor view = base.t(); // [3, 4], strides [1, 3]
    Tensor other = Tensor.fromArray(values(12, 5), 3, 4);
    assertSameAsContiguous(view, other);
    // And against a plain loop: view[r][c] = base[c][r].
    float[] o = other.toFloatArray();
    double[] expected = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        expected[r * 4 + c] = src[c * 3 + r] + o[r * 4 + c];
      }
    }
    assertFloats(view.add(other), shape(3, 4), expected);
  }

  @Test
  void steppedSlicesMatchTheirContiguousCopies() {
    float[] src = values(48, 2);
    Tensor base = Tensor.fromArray(src, 6, 8);
    // base[1::2, ::2]: rows 1, 3, 5 and columns 0, 2, 4, 6.
    Tensor view = base.slice(0, 1, null, 2).slice(1, null, null, 2);
    assertArrayEquals(new int[] {3, 4}, view.shape());
    Tensor other = Tensor.fromArray(values(12, 9), 3, 4);
    assertSameAsContiguous(view, other);
    float[] o = other.toFloatArray();
    double[] expected = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        expected[r * 4 + c] = src[(1 + 2 * r) * 8 + 2 * c] * o[r * 4 + c];
      }
    }
    assertFloats(view.mul(other), shape(3, 4), expected);
  }

  @Test
  void expandedInputsMatchTheirContiguousCopies() {
    float[] row = {0.5f, -1, 1.75f, 0};
    Tensor view = Tensor.fromArray(row, 1, 4).expand(3, 4); // stride 0 over rows
    assertArrayEquals(new int[] {0, 1}, view.strides());
    Tensor other = Tensor.fromArray(values(12, 4), 3, 4);
    assertSameAsContiguous(view, other);
    float[] o = other.toFloatArray();
    double[] expected = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        expected[r * 4 + c] = row[c] - o[r * 4 + c];
      }
    }
    assertFloats(view.sub(other), shape(3, 4), expected);
  }

  @Test
  void int64AndFloat64StridedInputsMatchTheirContiguousCopies() {
    long[] l = new long[12];
    double[] d = new double[12];
    for (int i = 0; i < 12; i++) {
      l[i] = i * 5 - 30;
      d[i] = i * 0.1 - 0.6;
    }
    Tensor lt = Tensor.fromArray(l, 3, 4).t();
    Tensor dt = Tensor.fromArray(d, 3, 4).t();
    List<UnaryOperator<Tensor>> ops = List.of(Tensor::neg, Tensor::abs, Tensor::relu,
        Tensor::exp, x -> x.clamp(-7, 12), x -> x.mul(3L), x -> x.add(x), x -> x.gt(0L));
    for (Tensor view : List.of(lt, dt)) {
      assertFalse(view.isContiguous());
      Tensor dense = view.contiguous();
      for (UnaryOperator<Tensor> f : ops) {
        Tensor expect = f.apply(dense);
        Tensor got = f.apply(view);
        assertEquals(expect.dtype(), got.dtype());
        assertArrayEquals(expect.toDoubleArray(), got.toDoubleArray());
      }
    }
    // Plain loop for one int64 case: out[r][c] = l[c][r] * 3 (exact).
    long[] expected = new long[12];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 3; c++) {
        expected[r * 3 + c] = l[c * 4 + r] * 3;
      }
    }
    assertLongs(lt.mul(3L), shape(4, 3), expected);
  }
}
