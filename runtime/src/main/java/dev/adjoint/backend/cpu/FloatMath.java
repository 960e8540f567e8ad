package dev.adjoint.backend.cpu;

/**
 * Adjoint's own float32 {@code exp}, {@code tanh} and {@code sigmoid}: one definition, computed
 * with plain IEEE additions, multiplications, divisions, {@code min}/{@code max} and bit moves
 * only (no fused multiply-add, no library call), so that {@code VectorMath}'s vector lanes, the
 * vector loops' scalar tails, the plain loops and the strided loops give bit-identical results
 * whatever the layout, the vector width, the CPU and whether the JIT has compiled the loop yet.
 * (The Vector API's own {@code lanewise(EXP)} computes with {@code Math.exp} before C2 compiles
 * it and with short-vector math routines after, equal within 1 ulp but not bit for bit, which
 * made training results depend on JIT timing.)
 *
 * <p>Accuracy, measured against {@code (float) Math.exp(x)} etc. (double results rounded to
 * float32): {@link #exp} is within 1 ulp over every float (checked exhaustively over all 2^32
 * bit patterns when written; 99.6% of results are equal to it), {@link #tanh} and
 * {@link #sigmoid} within 1 ulp (they compute in double, see there); {@code DenseMathTest} checks
 * the bound on special values (zeros, infinities, NaN, denormals, the overflow and underflow
 * thresholds) and random values of every magnitude.
 *
 * <p>Method. {@code exp(x) = 2^n * exp(r)} with {@code n = round(x / ln 2)} (rounded by adding
 * and subtracting 1.5 * 2^23, which leaves {@code n} in the low bits of the sum), {@code r = x -
 * n ln 2} in two steps (Cody and Waite: the first constant has few bits, so that {@code n} times
 * it is exact), {@code |r| <= ln 2 / 2}, and {@code exp(r) = 1 + r + r^2 q(r)} with a degree-4
 * {@code q} fitted for least maximal relative error (3e-9) on that interval. {@code 2^n} is
 * applied as two powers of two built from their bits, so that results near the overflow
 * threshold and in the denormal range are rounded once. The inputs are clamped to [-104, 89]
 * first (beyond, exp is 0 or infinite in float32), NaN passes through. {@code tanh} and
 * {@code sigmoid} use the same reduction in double ({@code expm1(r) = r + r^2 q(r)}, degree-5
 * {@code q}, relative error 2.4e-10), where their divisions and cancellations cost nothing
 * visible in float32.
 */
final class FloatMath {
  private FloatMath() {}

  // ---- float32 exp ----
  static final float LOG2E = 1.44269504f;
  /** 1.5 * 2^23: adding it rounds to an integer, held in the sum's low mantissa bits. */
  static final float ROUNDER = 12582912f;
  static final int ROUNDER_BITS = 0x4B400000;
  /** ln 2 in two parts: 0.693359375 has 9 significant bits, so n * LN2_HI is exact. */
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float E2 = 0.49999994f;
  static final float E3 = 0.16666521f;
  static final float E4 = 0.041668389f;
  static final float E5 = 0.0083687101f;
  static final float E6 = 0.0013814613f;
  static final float EXP_MAX = 89f;
  static final float EXP_MIN = -104f;

  /** e^x in float32, within 1 ulp of the rounded exact value. */
  static float exp(float x) {
    float h0 = x > EXP_MAX ? EXP_MAX : x; // comparisons, not min/max: NaN stays, and cheaper
    float c = h0 < EXP_MIN ? EXP_MIN : h0;
    float t = c * LOG2E + ROUNDER;
    int n = Float.floatToRawIntBits(t) - ROUNDER_BITS;
    float nf = t - ROUNDER;
    float r = (c - nf * LN2_HI) - nf * LN2_LO;
    float q = (((E6 * r + E5) * r + E4) * r + E3) * r + E2;
    float p = (q * (r * r) + r) + 1f;
    int h = n >> 1;
    // Two powers of two, so that 2^n from 2^-150 to 2^129 scales with one rounding.
    float s1 = Float.intBitsToFloat((h + 127) << 23);
    float s2 = Float.intBitsToFloat((n - h + 127) << 23);
    return p * s1 * s2;
  }

  // ---- the double core of tanh and sigmoid ----
  static final double LOG2E_D = 1.4426950408889634;
  /** 1.5 * 2^52, as {@link #ROUNDER} for doubles. */
  static final double ROUNDER_D = 6755399441055744.0;
  static final long ROUNDER_D_BITS = 0x4338000000000000L;
  /** ln 2 in two parts; the first has 32 significant bits, so n * LN2_HI_D is exact. */
  static final double LN2_HI_D = 0.6931471803691238;
  static final double LN2_LO_D = 1.9082149292705877e-10;
  static final double M2 = 0.5000000044137884;
  static final double M3 = 0.1666666637064224;
  static final double M4 = 0.041666361033738435;
  static final double M5 = 0.008333389346119168;
  static final double M6 = 0.0013940617124253514;
  static final double M7 = 0.00019845877318036835;
  /** tanh is 1 in float32 beyond 9.02; clamping keeps 2^n normal in double. */
  static final double TANH_MAX = 10.0;
  /** sigmoid's exp(-|x|) stays a normal double down to here, far below float32's range. */
  static final double SIGMOID_MAX = 120.0;

  /** {@code tanh(x)} in float32, computed in double. */
  static float tanh(float x) {
    double a0 = Math.abs((double) x);
    double a = a0 > TANH_MAX ? TANH_MAX : a0;
    double y = -2.0 * a;
    double t = y * LOG2E_D + ROUNDER_D;
    long n = Double.doubleToRawLongBits(t) - ROUNDER_D_BITS;
    double nd = t - ROUNDER_D;
    double r = (y - nd * LN2_HI_D) - nd * LN2_LO_D;
    double q = ((((M7 * r + M6) * r + M5) * r + M4) * r + M3) * r + M2;
    double p = q * (r * r) + r;
    double s = Double.longBitsToDouble((n + 1023) << 52);
    double em1 = s * p + (s - 1.0); // expm1(-2|x|), in (-1, 0]
    return (float) Math.copySign(em1 / (em1 + 2.0), (double) x); // em1 / (em1 + 2) = -tanh|x|
  }

  /** {@code 1 / (1 + exp(-x))} in float32, computed in double as e / (1 + e) for x below 0. */
  static float sigmoid(float x) {
    double a0 = Math.abs((double) x);
    double y = -(a0 > SIGMOID_MAX ? SIGMOID_MAX : a0);
    double t = y * LOG2E_D + ROUNDER_D;
    long n = Double.doubleToRawLongBits(t) - ROUNDER_D_BITS;
    double nd = t - ROUNDER_D;
    double r = (y - nd * LN2_HI_D) - nd * LN2_LO_D;
    double q = ((((M7 * r + M6) * r + M5) * r + M4) * r + M3) * r + M2;
    double p = q * (r * r) + r;
    double s = Double.longBitsToDouble((n + 1023) << 52);
    double e = s * p + s; // exp(-|x|)
    double num = x >= 0f ? 1.0 : e;
    return (float) (num / (1.0 + e));
  }
}
