package dev.adjoint.backend.cpu;

import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.UnaryOp;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Kernels on unit-stride float32 rows: sums, the four arithmetic ops (one IEEE operation an
 * element, so every implementation gives the same bits) and the transcendental elementwise ops
 * ({@code exp}, {@code tanh}, {@code sigmoid}; float64 keeps {@code Math}'s results, bit for
 * bit, on every path). Two implementations: {@code VectorMath}, written with the JDK's
 * incubating Vector API and used when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}, and {@link #PLAIN}, plain loops (over {@link FloatMath} for the
 * transcendental ops); both compute FloatMath's functions (within 1 ulp of the correctly
 * rounded value) and every kernel gives the same bits in both. They are chosen once as
 * {@link Gemm}'s; the system property {@code adjoint.simd=false} forces the plain loops;
 * {@link #kernel()} says which one runs. Strided rows take {@link FloatMath} in
 * {@link Elementwise}, so a result never depends on the layout, the kernel chosen or on when the
 * JIT compiled it.
 */
interface DenseMath {
  /** The ops these kernels compute, which {@link Elementwise} sends here on unit-stride rows. */
  Set<UnaryOp> TRANSCENDENTAL = EnumSet.of(UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID);

  void exp(float[] a, int a0, float[] o, int o0, int n);

  void tanh(float[] a, int a0, float[] o, int o0, int n);

  /** {@code 1 / (1 + exp(-x))}. */
  void sigmoid(float[] a, int a0, float[] o, int o0, int n);

  /**
   * {@code o[k] = a[k] op b[b0 + k - off]} for {@code k} in {@code [off, off + n)}, or
   * {@code a[k] op b[b0]} when {@code bs} is 0, for op ADD, SUB, MUL or DIV (one IEEE operation an
   * element, so the same bits from every implementation); false, computing nothing, for another
   * op, and where an implementation has no loop for the case (the plain loops for b at another
   * offset than a and o, which the JIT does not vectorize; a b that overlaps o at another offset,
   * which only an in-order loop reads as the strided loops do).
   */
  boolean arithmetic(BinaryOp op, float[] a, float[] b, int b0, int bs, float[] o, int off, int n);

  /**
   * The sum of {@code a[from, from + n)} in {@link #FLOAT_SUM_ORDER}'s order (the same bits from
   * every implementation), as a double.
   */
  double sum(float[] a, int from, int n);

  /**
   * The 16 lanes {@code v[l]} of {@link #FLOAT_SUM_ORDER} of one chunk's first {@code blocks}
   * whole blocks of 64 elements from {@code a[from]}, widened, into {@code out[at, at + 16)}
   * (for rows read a chunk at a time through a buffer; the same bits from every implementation).
   */
  void sumLanes(float[] a, int from, int blocks, double[] out, int at);

  /** The sum of {@code a[from, from + n)} in {@link #SUM_ORDER}'s order, in double. */
  double sum(double[] a, int from, int n);

  /**
   * Adds four rows of float32 columns into double accumulators, as {@link Reductions}' column
   * sums do for each four consecutive reduced positions: {@code acc[j] += (double) ((a[o0 + j] +
   * a[o1 + j]) + (a[o2 + j] + a[o3 + j]))} for {@code j} in {@code [0, width)}, the inner sums
   * in float32 (the same bits from every implementation).
   */
  void addColumns4(float[] a, int o0, int o1, int o2, int o3, double[] acc, int width);

  /**
   * The summation order of {@link #sum(double[], int, int)} (float64 rows, and rows read into a
   * double buffer), which {@link Reductions} uses for each chunk of a row: sixteen running sums
   * {@code s[j]} in double, each adding the elements {@code i} with {@code i % 16 == j} of the
   * first {@code n - n % 16} in increasing order, combined as {@code t[l] = (s[l] + s[4 + l]) +
   * (s[8 + l] + s[12 + l])} and {@code (t[0] + t[1]) + (t[2] + t[3])}, then the last {@code n %
   * 16} elements added in order. (Independent running sums keep the adders busy; the vector
   * kernel holds them as four 4-lane vectors.)
   */
  String SUM_ORDER = "16 interleaved running sums, combined pairwise, then the tail in order";

  /**
   * The summation order of {@link #sum(float[], int, int)} (float32 rows, up to a segment of
   * {@link Reductions#SEGMENT} elements at a time). The {@code n} elements are cut into full
   * chunks of {@link Reductions#CHUNK} (1024) and a short last chunk of {@code n % 1024}. In each
   * chunk, 64 running sums {@code r[j]} in float32 add, from 0, the chunk's elements {@code i}
   * with {@code i % 64 == j} in increasing order (16 each in a full chunk; the short chunk's
   * last {@code n % 64} are left out), and the chunk's 16 lanes are {@code v[l] = (r[l] + r[16 +
   * l]) + (r[32 + l] + r[48 + l])} in float32, widened to double. The full chunks' lanes are
   * combined lane by lane in double, pairwise, by a binary counter over the chunks (chunk {@code
   * 2c + 1} onto chunk {@code 2c}, then those pairs in pairs, and so on, as {@link Reductions}
   * combines segments); the counter's levels are then added, newest first, onto the short
   * chunk's lanes ({@code w = L[0] + (L[1] + (... + (L[top] + v_short)))}, lane by lane). Then
   * {@code u[k] = w[k] + w[8 + k]} for {@code k < 8}, {@code t[l] = u[l] + u[4 + l]} for {@code
   * l < 4}, {@code (t[0] + t[1]) + (t[2] + t[3])}, and the last {@code n % 64} elements added in
   * order in double.
   *
   * <p>Summing in float32 needs no conversion per element (a float32 sum converting each element
   * to double read 34 GB/s here), and the chunks' lanes stay in vector registers: an earlier
   * order, which took each chunk's sum out of the vector kernel's registers as a scalar, spent
   * about 70 cycles a chunk doing so (a 4M-float sum 230-400 us where a plain vector loop reads
   * it in 160-220 us). Error: with {@code u = 2^-24}, each lane of a chunk adds at most 64
   * floats in float32 (16 into each running sum, then the three additions of {@code v}), so it
   * lies within about {@code 17 * u} times the sum of their magnitudes of their exact sum; the
   * double stages add at most {@code (log2(n / 1024) + 5 + n % 64) * 2^-53} relative to the
   * magnitudes (first order). PyTorch's float32 cascade sum adds up to 16 floats in float32 at
   * each of several levels, a larger bound. A running sum may overflow to infinity where the
   * exact sum is finite (as PyTorch's float32 sums may).
   */
  String FLOAT_SUM_ORDER =
      "64 float32 running sums a chunk, folded to 16 float32 lanes, widened, combined pairwise "
          + "over chunks lane by lane, then across lanes, then the tail in order";

  /** A short description for logs and benchmarks. */
  String describe();

  /** The plain loops, bit-identical to the strided loops in {@link Elementwise}. */
  DenseMath PLAIN = new Plain();

  /** The implementation in use. */
  static DenseMath kernels() {
    return Chosen.KERNELS;
  }

  /** Which implementation runs, e.g. "vector (512-bit exp, tanh, sigmoid)" or "plain loops". */
  static String kernel() {
    return Chosen.KERNELS.describe();
  }

  /** The vector kernels, or null when the JVM lacks the Vector API module. */
  static DenseMath vector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (DenseMath) Class.forName("dev.adjoint.backend.cpu.VectorMath")
          .getDeclaredField("INSTANCE").get(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  /** Chooses once, on first use. */
  final class Chosen {
    static final DenseMath KERNELS = choose();

    private Chosen() {}

    private static DenseMath choose() {
      String simd = System.getProperty("adjoint.simd", "true").toLowerCase(Locale.ROOT);
      DenseMath v = simd.equals("false") ? null : vector();
      return v != null ? v : PLAIN;
    }
  }

  /** Loops over {@link FloatMath}. */
  final class Plain implements DenseMath {
    private Plain() {}

    @Override
    public String describe() {
      return "plain loops";
    }

    @Override
    public boolean arithmetic(BinaryOp op, float[] a, float[] b, int b0, int bs, float[] o,
        int off, int n) {
      return (bs == 0 || b0 == off) && Elementwise.denseF32Same(op, a, b, b0, bs, o, off, n);
    }

    @Override
    public void exp(float[] a, int a0, float[] o, int o0, int n) {
      for (int k = 0; k < n; k++) {
        o[o0 + k] = FloatMath.exp(a[a0 + k]);
      }
    }

    @Override
    public void tanh(float[] a, int a0, float[] o, int o0, int n) {
      for (int k = 0; k < n; k++) {
        o[o0 + k] = FloatMath.tanh(a[a0 + k]);
      }
    }

    @Override
    public void sigmoid(float[] a, int a0, float[] o, int o0, int n) {
      for (int k = 0; k < n; k++) {
        o[o0 + k] = FloatMath.sigmoid(a[a0 + k]);
      }
    }

    @Override
    public double sum(float[] a, int from, int n) {
      int chunks = n / Reductions.CHUNK;
      int blocks = n % Reductions.CHUNK / 64;
      int tail = from + chunks * Reductions.CHUNK + 64 * blocks;
      // The counter of FLOAT_SUM_ORDER, 16 lanes a level; the short chunk's lanes above it.
      double[] levels = FloatSums.counter();
      int top = 0;
      for (int c = 0; c < chunks; c++) {
        sumLanes(a, from + c * Reductions.CHUNK, 16, levels, 16 * top);
        top = FloatSums.push(levels, top, c);
      }
      sumLanes(a, from + chunks * Reductions.CHUNK, blocks, levels, 16 * top);
      double t = FloatSums.acrossLanes(levels, FloatSums.fold(levels, top));
      for (int i = tail; i < from + n; i++) {
        t += a[i];
      }
      return t;
    }

    @Override
    public void sumLanes(float[] a, int from, int blocks, double[] out, int at) {
      for (int l = 0; l < 16; l++) {
        out[at + l] = widened(a, from, blocks, l);
      }
    }

    /**
     * Lane {@code l} of FLOAT_SUM_ORDER, {@code (r[l] + r[16 + l]) + (r[32 + l] + r[48 + l])} in
     * float32 over the first {@code blocks} blocks of 64 (the same float additions in the same
     * order as the vector kernel's lanes), widened.
     */
    private static double widened(float[] a, int from, int blocks, int l) {
      float r0 = 0;
      float r1 = 0;
      float r2 = 0;
      float r3 = 0;
      for (int k = 0, i = from + l; k < blocks; k++, i += 64) {
        r0 += a[i];
        r1 += a[i + 16];
        r2 += a[i + 32];
        r3 += a[i + 48];
      }
      return (r0 + r1) + (r2 + r3);
    }

    @Override
    public void addColumns4(float[] a, int o0, int o1, int o2, int o3, double[] acc,
        int width) {
      for (int j = 0; j < width; j++) {
        acc[j] += (double) ((a[o0 + j] + a[o1 + j]) + (a[o2 + j] + a[o3 + j]));
      }
    }

    @Override
    public double sum(double[] a, int from, int n) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      double s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0;
      int end = from + (n & ~15);
      int i = from;
      for (; i < end; i += 16) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
        s4 += a[i + 4];
        s5 += a[i + 5];
        s6 += a[i + 6];
        s7 += a[i + 7];
        s8 += a[i + 8];
        s9 += a[i + 9];
        s10 += a[i + 10];
        s11 += a[i + 11];
        s12 += a[i + 12];
        s13 += a[i + 13];
        s14 += a[i + 14];
        s15 += a[i + 15];
      }
      double t = combine(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15);
      for (; i < from + n; i++) {
        t += a[i];
      }
      return t;
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private static double combine(double s0, double s1, double s2, double s3, double s4,
        double s5, double s6, double s7, double s8, double s9, double s10, double s11,
        double s12, double s13, double s14, double s15) {
      double t0 = (s0 + s4) + (s8 + s12);
      double t1 = (s1 + s5) + (s9 + s13);
      double t2 = (s2 + s6) + (s10 + s14);
      double t3 = (s3 + s7) + (s11 + s15);
      return (t0 + t1) + (t2 + t3);
    }
  }
}
