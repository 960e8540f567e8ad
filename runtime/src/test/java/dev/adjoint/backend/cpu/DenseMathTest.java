package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.BinaryOp;
import dev.adjoint.testing.ChildJvm;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link DenseMath}'s kernels and {@link FloatMath} against a double-precision reference
 * ({@code Math.exp}, {@code Math.tanh} in double, rounded to float32): within 1 ulp of it over
 * special values (zeros, infinities, NaN, denormals, the overflow and underflow thresholds),
 * random values of every magnitude at lengths around vector widths, and a sample of all float
 * bit patterns; the vector lanes, their tails and the plain loops bit-identical to FloatMath's
 * scalar definition before and after C2 compiles them; the plain loops chosen by
 * {@code -Dadjoint.simd=false}; and no allocation in the compiled vector loops.
 */
class DenseMathTest {
  private static final int[] LENGTHS = {0, 1, 7, 15, 16, 17, 31, 32, 33, 1000};

  /** The op names and their references, in double. */
  private static final String[] OPS = {"exp", "tanh", "sigmoid"};

  private static DoubleUnaryOperator reference(String op) {
    return switch (op) {
      case "exp" -> Math::exp;
      case "tanh" -> Math::tanh;
      default -> x -> 1.0 / (1.0 + Math.exp(-x));
    };
  }

  private static void run(DenseMath m, String op, float[] a, int a0, float[] o, int o0, int n) {
    switch (op) {
      case "exp" -> m.exp(a, a0, o, o0, n);
      case "tanh" -> m.tanh(a, a0, o, o0, n);
      default -> m.sigmoid(a, a0, o, o0, n);
    }
  }

  private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
      -Float.MIN_NORMAL, 1e-40f, -1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72283f,
      88.72284f, 89f, -87.33655f, -87.33654f, -103.27893f, -103.97208f, -103.97209f, -104f,
      -88f, 100f, -100f, 9f, -9f, 10f, -10f, 15f, -15f, 17f, -17f, 0.55f, -0.55f, 1e-4f, -1e-4f,
      1e-20f, -1e-20f};

  /** Special values, then random values whose magnitudes span the whole float range. */
  private static float[] values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (r.nextInt(4)) {
        case 0 -> SPECIAL[r.nextInt(SPECIAL.length)];
        case 1 -> (float) r.nextDouble(-110, 110);
        case 2 -> (float) r.nextDouble(-4, 4);
        default -> Float.intBitsToFloat(r.nextInt()); // any float, NaNs and denormals included
      };
    }
    return v;
  }

  /** Floats in order as integers: the distance between two is their distance in ulps. */
  private static long ordered(float f) {
    int i = Float.floatToRawIntBits(f);
    return i < 0 ? (long) Integer.MIN_VALUE - i : i;
  }

  /** The largest distance in ulps from the rounded reference seen by {@link #assertWithin}. */
  private static long worst;

  private static void assertWithin(long ulps, float want, float got, String at) {
    if (Float.isNaN(want) || Float.isNaN(got)) {
      assertTrue(Float.isNaN(want) && Float.isNaN(got), at + ": want " + want + " got " + got);
      return;
    }
    if (Float.isInfinite(want) || want == 0f || want == 1f || want == -1f) {
      // Exact where the reference is: exp(+-inf), overflow, underflow to zero, saturation, and
      // the sign of zero (tanh(-0) = -0).
      if (Float.isInfinite(want) || Float.isInfinite(got) || want == 0f || got == 0f) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got),
            at + ": want " + want + " got " + got);
        return;
      }
    }
    long d = Math.abs(ordered(want) - ordered(got));
    worst = Math.max(worst, d);
    assertTrue(d <= ulps, at + ": want " + want + " got " + got + " (" + d + " ulps)");
  }

  private static void check(DenseMath m, String op, long ulps) {
    DoubleUnaryOperator f = reference(op);
    for (int n : LENGTHS) {
      for (int rep = 0; rep < (n == 1000 ? 200 : 20); rep++) {
        float[] v = values(n, n * 7919L + rep * 31L + op.hashCode());
        float[] a = new float[n + 3];
        System.arraycopy(v, 0, a, 3, n);
        float[] o = new float[n + 2];
        o[0] = 42f;
        o[n + 1] = 43f;
        run(m, op, a, 3, o, 1, n);
        for (int i = 0; i < n; i++) {
          float want = (float) f.applyAsDouble(v[i]);
          assertWithin(ulps, want, o[i + 1], m.describe() + " " + op + " n=" + n + " x=" + v[i]
              + " (" + Float.floatToRawIntBits(v[i]) + ")");
        }
        assertEquals(42f, o[0], "wrote before the row");
        assertEquals(43f, o[n + 1], "wrote after the row");
      }
    }
  }

  /** Runs the vector loops until C2 has compiled them. */
  private static void warmUp(DenseMath v) {
    float[] a = values(1024, 3);
    float[] o = new float[1024];
    for (int w = 0; w < 20_000; w++) {
      v.exp(a, 0, o, 0, 1024);
      v.tanh(a, 0, o, 0, 1024);
      v.sigmoid(a, 0, o, 0, 1024);
    }
  }

  @Test
  void vectorKernelsWithinOneUlpOfTheRoundedReference() {
    DenseMath v = DenseMath.vector();
    assertNotNull(v, "the tests run with the Vector API module (see the runtime's pom)");
    warmUp(v);
    for (String op : OPS) {
      worst = 0;
      check(v, op, 1);
      System.out.println("DenseMathTest: " + v.describe() + " " + op + " float32: at most "
          + worst + " ulp from the rounded double reference");
    }
  }

  @Test
  void plainLoopsWithinOneUlpOfTheRoundedReference() {
    for (String op : OPS) {
      worst = 0;
      check(DenseMath.PLAIN, op, 1);
      System.out.println("DenseMathTest: plain " + op + " float32: at most " + worst
          + " ulp from the rounded double reference");
    }
  }

  private static float scalar(String op, float x) {
    return switch (op) {
      case "exp" -> FloatMath.exp(x);
      case "tanh" -> FloatMath.tanh(x);
      default -> FloatMath.sigmoid(x);
    };
  }

  /** Every lane and every tail element equals FloatMath's scalar result, bit for bit. */
  private static void assertSameBits(DenseMath m, String when) {
    for (String op : OPS) {
      for (int n : LENGTHS) {
        float[] a = values(n, n * 31L + op.hashCode() + 17);
        float[] o = new float[n];
        run(m, op, a, 0, o, 0, n);
        for (int i = 0; i < n; i++) {
          assertEquals(Float.floatToRawIntBits(scalar(op, a[i])), Float.floatToRawIntBits(o[i]),
              m.describe() + " " + when + " " + op + " n=" + n + " x=" + a[i]);
        }
      }
    }
  }

  @Test
  void vectorLanesAreBitIdenticalToTheScalarDefinitionBeforeAndAfterCompilation() {
    DenseMath v = DenseMath.vector();
    assertNotNull(v);
    assertSameBits(v, "cold");
    assertSameBits(DenseMath.PLAIN, "cold");
    warmUp(v);
    assertSameBits(v, "compiled");
  }

  /**
   * FloatMath over a sample of every float's bit pattern (one in 4099, all signs and
   * exponents), within 1 ulp of the rounded double reference, exact at zeros, infinities and
   * saturation.
   */
  @Test
  void scalarDefinitionWithinOneUlpAcrossAllFloats() {
    for (String op : OPS) {
      DoubleUnaryOperator f = reference(op);
      for (long b = Integer.MIN_VALUE; b <= Integer.MAX_VALUE; b += 4099) {
        float x = Float.intBitsToFloat((int) b);
        assertWithin(1, (float) f.applyAsDouble(x), scalar(op, x), op + " x=" + x);
      }
      for (float x : SPECIAL) {
        assertWithin(1, (float) f.applyAsDouble(x), scalar(op, x), op + " x=" + x);
      }
    }
    assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(88.72284f));
    assertTrue(Float.isFinite(FloatMath.exp(88.72283f))); // ln(Float.MAX_VALUE) = 88.7228391
    assertEquals(0f, FloatMath.exp(-103.97209f));
    assertEquals(Float.MIN_VALUE, FloatMath.exp(-103.28f)); // ln(2^-149) = -103.2789
    assertEquals(0f, FloatMath.exp(Float.NEGATIVE_INFINITY));
    assertEquals(1f, FloatMath.exp(0f));
    assertEquals(1f, FloatMath.exp(-0f));
    assertTrue(Float.isNaN(FloatMath.exp(Float.NaN)));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(FloatMath.tanh(-0f)));
    assertEquals(-1f, FloatMath.tanh(Float.NEGATIVE_INFINITY));
    assertEquals(0f, FloatMath.sigmoid(Float.NEGATIVE_INFINITY));
    assertEquals(0.5f, FloatMath.sigmoid(-0f));
  }

  /** Prints the kernels chosen in this JVM and whether dense exp was the plain loops' bits. */
  static final class Child {
    public static void main(String[] args) {
      float[] a = values(1000, 9);
      float[] o = new float[1000];
      float[] p = new float[1000];
      boolean same = true;
      for (int w = 0; w < 5000; w++) {
        Elementwise.unaryF32(dev.adjoint.backend.UnaryOp.EXP, a, 0, 1, o, 0, 1, 1000, 0, 0);
        DenseMath.PLAIN.exp(a, 0, p, 0, 1000);
        same &= Arrays.equals(o, p);
      }
      System.out.println("kernel=" + DenseMath.kernel() + " plain=" + same);
    }
  }

  @Test
  void simdFalseRunsThePlainLoops() throws Exception {
    String out = ChildJvm.run(Child.class, "-Dadjoint.simd=false");
    assertTrue(out.contains("kernel=plain loops plain=true"), out);
  }

  /**
   * {@link DenseMath#arithmetic}: every element {@code a[k] op b[k + shift]} (or op the broadcast
   * value) as Java's float operator computes it, bit for bit (NaN payloads aside), on both
   * kernels, from every start modulo 16 (the vector kernel aligns its loads by the start), at
   * lengths around its threshold and vector width, with b at a's offset or another (the plain
   * loops decline those), in place ({@code o == a}) too, cold and compiled; nothing written
   * outside the row; a b that o overlaps at another offset declined by both.
   */
  @Test
  void arithmeticIsOneFloatOperationAnElement() {
    DenseMath v = DenseMath.vector();
    assertNotNull(v);
    BinaryOp[] ops = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV};
    for (int round = 0; round < 2; round++) { // cold, then compiled
      for (int n : new int[] {0, 5, 1023, 1024, 1025, 1040, 4099}) {
        for (int off = 0; off < 17; off++) {
          float[] a = values(off + n + 1, n * 31L + off);
          float[] b = values(off + n + 9, n * 37L + off + 1);
          for (BinaryOp op : ops) {
            // bs 0 (the broadcast value: an element past the row), b at a's offset, 5 after it,
            // and (from offset 3) 3 before it.
            for (int shift : new int[] {Integer.MIN_VALUE, 0, 5, -3}) {
              int bs = shift == Integer.MIN_VALUE ? 0 : 1;
              int b0 = bs == 0 ? n : off + shift;
              if (b0 < 0) {
                continue;
              }
              for (DenseMath m : new DenseMath[] {DenseMath.PLAIN, v}) {
                for (boolean inPlace : new boolean[] {false, true}) {
                  float[] x = inPlace ? a.clone() : a;
                  float[] o = inPlace ? x : new float[a.length];
                  if (!inPlace) {
                    java.util.Arrays.fill(o, 42f);
                  }
                  String at = m.describe() + " " + op + " bs=" + bs + " b0=" + b0 + " n=" + n
                      + " off=" + off + " inPlace=" + inPlace;
                  boolean ran = m.arithmetic(op, x, b, b0, bs, o, off, n);
                  if (m == DenseMath.PLAIN && bs == 1 && shift != 0) {
                    assertFalse(ran, at);
                    continue;
                  }
                  assertTrue(ran, at);
                  for (int k = 0; k < o.length; k++) {
                    float want;
                    if (k < off || k >= off + n) {
                      want = inPlace ? a[k] : 42f;
                    } else {
                      float y = b[bs == 0 ? b0 : k + shift];
                      want = switch (op) {
                        case ADD -> a[k] + y;
                        case SUB -> a[k] - y;
                        case MUL -> a[k] * y;
                        default -> a[k] / y;
                      };
                    }
                    if (Float.floatToIntBits(want) != Float.floatToIntBits(o[k])) {
                      assertEquals(want, o[k], at + " at " + k);
                    }
                  }
                }
              }
            }
          }
          assertFalse(v.arithmetic(BinaryOp.POW, a, b, off, 1, a, off, n));
          if (n > 0) {
            // o overlapping b at another offset: declined (the strided loop reads in order).
            float[] x = a.clone();
            assertFalse(v.arithmetic(ops[0], a, x, off + 1, 1, x, off, n));
            if (off > 0) {
              assertFalse(v.arithmetic(ops[0], a, x, off - 1, 1, x, off, n));
            }
          }
        }
      }
      for (int w = 0; w < 3000; w++) {
        float[] x = new float[2048];
        float[] y = new float[2048];
        v.arithmetic(ops[w % 4], x, x, 0, w % 2, x, w % 16, 2000);
        v.arithmetic(ops[w % 4], x, y, 3, 1, x, 0, w % 2 == 0 ? 256 : 1100);
      }
    }
  }

  @Test
  void theVectorKernelsAreChosenWithTheModule() {
    assertTrue(DenseMath.kernel().startsWith("vector"), DenseMath.kernel());
    assertEquals(DenseMath.vector(), DenseMath.kernels());
  }

  /**
   * Compiled, the vector kernels allocate nothing. Checked in a JVM of its own, where the kernels
   * are compiled from these calls: in the long JVM of the whole suite, C2 was once seen to compile
   * one of them with boxed vectors (21 MB for 200 calls; a known hazard of the incubating Vector
   * API when profiles from other call sites get in), an open speed defect that a retry in that JVM
   * cannot settle.
   */
  @Test
  void vectorKernelsAllocateNothing() throws Exception {
    assertNotNull(DenseMath.vector());
    String out = ChildJvm.run(VectorAllocationMain.class);
    long allocated = ChildJvm.lastNumber(out);
    // A vector boxed per step would allocate megabytes here (200 calls of 256+ steps).
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes:\n" + out);
  }

  /** DenseMath.SUM_ORDER written out with an array of running sums. */
  private static double orderedSum(double[] a, int from, int n) {
    double[] s = new double[16];
    int full = n - n % 16;
    for (int i = 0; i < full; i++) {
      s[i % 16] += a[from + i];
    }
    double[] t = new double[4];
    for (int l = 0; l < 4; l++) {
      t[l] = (s[l] + s[4 + l]) + (s[8 + l] + s[12 + l]);
    }
    double total = (t[0] + t[1]) + (t[2] + t[3]);
    for (int i = full; i < n; i++) {
      total += a[from + i];
    }
    return total;
  }

  /**
   * DenseMath.FLOAT_SUM_ORDER written out another way: each chunk's 64 float running sums in an
   * array and its 16 float lanes, the full chunks' lanes combined as balanced trees over the
   * binary digits of their count (largest first: the blocks a binary counter holds), those
   * blocks added newest first onto the short chunk's lanes, then across the lanes in double,
   * then the tail in double.
   */
  private static double orderedFloatSum(float[] a, int from, int n) {
    int chunks = n / 1024;
    double[][] lanes = new double[chunks + 1][];
    for (int c = 0; c <= chunks; c++) {
      int length = c < chunks ? 1024 : n % 1024 - n % 64;
      float[] r = new float[64];
      for (int i = 0; i < length; i++) {
        r[i % 64] += a[from + 1024 * c + i];
      }
      lanes[c] = new double[16];
      for (int l = 0; l < 16; l++) {
        lanes[c][l] = (r[l] + r[16 + l]) + (r[32 + l] + r[48 + l]);
      }
    }
    java.util.List<double[]> blocks = new java.util.ArrayList<>();
    int start = 0;
    for (int bit = 30; bit >= 0; bit--) {
      if ((chunks & (1 << bit)) != 0) {
        blocks.add(tree(lanes, start, 1 << bit));
        start += 1 << bit;
      }
    }
    double[] w = lanes[chunks].clone();
    for (int b = blocks.size() - 1; b >= 0; b--) {
      for (int l = 0; l < 16; l++) {
        w[l] = blocks.get(b)[l] + w[l];
      }
    }
    double[] u = new double[8];
    for (int k = 0; k < 8; k++) {
      u[k] = w[k] + w[8 + k];
    }
    double[] t = new double[4];
    for (int l = 0; l < 4; l++) {
      t[l] = u[l] + u[4 + l];
    }
    double total = (t[0] + t[1]) + (t[2] + t[3]);
    for (int i = n - n % 64; i < n; i++) {
      total += a[from + i];
    }
    return total;
  }

  /** The lanes of chunks {@code [start, start + size)} summed as a balanced binary tree. */
  private static double[] tree(double[][] lanes, int start, int size) {
    if (size == 1) {
      return lanes[start];
    }
    double[] left = tree(lanes, start, size / 2);
    double[] right = tree(lanes, start + size / 2, size / 2);
    double[] sum = new double[16];
    for (int l = 0; l < 16; l++) {
      sum[l] = left[l] + right[l];
    }
    return sum;
  }

  @Test
  void sumsFollowTheDocumentedOrderBitForBit() {
    checkSumOrder();
  }

  /**
   * The same order from the 8-lane float kernel (256-bit vectors, as on an AVX2 machine), in a
   * JVM of its own started with {@code -XX:MaxVectorSize=32}.
   */
  @Test
  void sumsFollowTheDocumentedOrderWith256BitVectors() throws Exception {
    String out = ChildJvm.run(SumOrderChild.class, "-XX:MaxVectorSize=32");
    assertTrue(out.contains("sum order checked with vector (256-bit"), out);
  }

  /** Runs {@link #checkSumOrder} (for the 256-bit check) and prints the kernel it ran. */
  static final class SumOrderChild {
    public static void main(String[] args) {
      checkSumOrder();
      System.out.println("sum order checked with " + DenseMath.kernel());
    }
  }

  private static void checkSumOrder() {
    DenseMath v = DenseMath.vector();
    assertNotNull(v);
    for (int round = 0; round < 2; round++) { // cold, then compiled
      for (int n : new int[] {0, 1, 3, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128, 129, 191,
          1023, 1024, 1087, 3000, 4096, 5000, 7 * 1024 + 63, 65536, 65536 + 1100}) {
        // Every start modulo 16 floats: each position of the row against a vector's width and a
        // cache line (a kernel that aligns its loads by the start shifts its running sums).
        for (int from : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 29}) {
          SplittableRandom r = new SplittableRandom(n * 131L + from);
          float[] f = new float[from + n];
          double[] d = new double[from + n];
          double[] fd = new double[from + n];
          for (int i = 0; i < from + n; i++) {
            // Magnitudes far apart, so that any other order rounds differently.
            f[i] = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9)));
            fd[i] = f[i];
            d[i] = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9));
          }
          double wantF = orderedFloatSum(f, from, n);
          double wantD = orderedSum(d, from, n);
          String at = "n=" + n + " from=" + from;
          assertEquals(wantF, DenseMath.PLAIN.sum(f, from, n), 0.0, "plain float " + at);
          assertEquals(wantF, v.sum(f, from, n), 0.0, "vector float " + at);
          assertEquals(wantD, DenseMath.PLAIN.sum(d, from, n), 0.0, "plain double " + at);
          assertEquals(wantD, v.sum(d, from, n), 0.0, "vector double " + at);
          // The float order is not the double one (nor a double sum's rounding) beyond a block.
          if (n >= 128) {
            assertNotEquals(orderedSum(fd, from, n), wantF, at);
          }
          // Each chunk scaled by its own power of two (2^-60 .. 2^60): the chunks' lanes then
          // differ in magnitude by more than a double's precision, so the order in which the
          // counter combines them (in double) shows in the result. (With the values above alone,
          // every lane is a float of about the largest element's magnitude, and any grouping of
          // a few of them adds exactly in double: a counter that carried wrongly went unseen.)
          float[] scaled = f.clone();
          for (int i = from; i < from + n; i++) {
            int chunk = (i - from) / 1024;
            scaled[i] = Math.scalb(f[i], (int) ((chunk * 0x9E3779B9L + n) % 121) - 60);
          }
          double wantScaled = orderedFloatSum(scaled, from, n);
          assertEquals(wantScaled, DenseMath.PLAIN.sum(scaled, from, n), 0.0,
              "plain float, chunks scaled, " + at);
          assertEquals(wantScaled, v.sum(scaled, from, n), 0.0,
              "vector float, chunks scaled, " + at);
        }
      }
      float[] warm = new float[3 * 1024 + 100];
      double[] warmD = new double[1024];
      for (int w = 0; w < 30_000; w++) {
        // (From 16, the first two chunks take the kernel whose loads start lines.)
        v.sum(warm, w % 2 == 0 ? 0 : 16, w % 2 == 0 ? 1024 : warm.length - 16);
        v.sum(warmD, 0, 1024);
      }
    }
    // A float32 running sum may overflow where the double sum would not (documented).
    float[] big = new float[128];
    big[0] = Float.MAX_VALUE;
    big[64] = Float.MAX_VALUE;
    big[1] = -Float.MAX_VALUE;
    assertEquals(Double.POSITIVE_INFINITY, v.sum(big, 0, 128));
    assertEquals(Double.POSITIVE_INFINITY, DenseMath.PLAIN.sum(big, 0, 128));
    float[] special = {1f, Float.NaN, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    assertTrue(Double.isNaN(v.sum(special, 0, 5)));
    assertTrue(Double.isNaN(v.sum(special, 2, 3))); // inf + -inf
    assertEquals(Double.POSITIVE_INFINITY, v.sum(special, 2, 2));
  }

  /**
   * addColumns4: each column's four values added as {@code (x0 + x1) + (x2 + x3)} in float32,
   * widened and added to its double accumulator, on every width (vector body and scalar tail)
   * and at unaligned offsets, vector and plain, cold and compiled.
   */
  @Test
  void addColumns4AddsFourFloatRowsThenWidens() {
    DenseMath v = DenseMath.vector();
    assertNotNull(v);
    for (int round = 0; round < 2; round++) {
      for (int width = 0; width <= 70; width++) {
        SplittableRandom r = new SplittableRandom(width * 7L + round);
        int stride = width + 3;
        float[] a = new float[5 + 4 * stride];
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) Math.scalb(r.nextDouble(-1, 1), r.nextInt(-30, 31));
        }
        double[] start = new double[width + 2];
        for (int j = 0; j < start.length; j++) {
          start[j] = Math.scalb(r.nextDouble(-1, 1), r.nextInt(-30, 31));
        }
        int o0 = 5;
        int o1 = 5 + 2 * stride; // rows need not be in memory order
        int o2 = 5 + stride;
        int o3 = 5 + 3 * stride;
        double[] want = start.clone();
        for (int j = 0; j < width; j++) {
          float inner = (a[o0 + j] + a[o1 + j]) + (a[o2 + j] + a[o3 + j]);
          want[j] = start[j] + (double) inner;
        }
        double[] plain = start.clone();
        DenseMath.PLAIN.addColumns4(a, o0, o1, o2, o3, plain, width);
        double[] vec = start.clone();
        v.addColumns4(a, o0, o1, o2, o3, vec, width);
        assertArrayEquals(want, plain, 0.0, "plain, width " + width);
        assertArrayEquals(want, vec, 0.0, "vector, width " + width);
      }
      float[] warm = new float[4 * 256];
      double[] acc = new double[256];
      for (int w = 0; w < 30_000; w++) {
        v.addColumns4(warm, 0, 256, 512, 768, acc, 256);
      }
    }
  }
}
