package dev.adjoint.backend.cpu;

import static dev.adjoint.backend.cpu.FloatMath.E2;
import static dev.adjoint.backend.cpu.FloatMath.E3;
import static dev.adjoint.backend.cpu.FloatMath.E4;
import static dev.adjoint.backend.cpu.FloatMath.E5;
import static dev.adjoint.backend.cpu.FloatMath.E6;
import static dev.adjoint.backend.cpu.FloatMath.M2;
import static dev.adjoint.backend.cpu.FloatMath.M3;
import static dev.adjoint.backend.cpu.FloatMath.M4;
import static dev.adjoint.backend.cpu.FloatMath.M5;
import static dev.adjoint.backend.cpu.FloatMath.M6;
import static dev.adjoint.backend.cpu.FloatMath.M7;
import static jdk.incubator.vector.VectorOperators.F2D;

import dev.adjoint.backend.BinaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseMath} with the JDK's incubating Vector API, on float32 rows: {@link FloatMath}'s
 * {@code exp}, {@code tanh} and {@code sigmoid}, lane for lane the same operations in the same
 * order (additions, multiplications, divisions, min/max and bit moves, never a fused
 * multiply-add nor the Vector API's own {@code EXP}/{@code TANH}, whose results depend on
 * whether C2 has compiled the loop), so every lane equals {@link FloatMath}'s scalar result bit
 * for bit; tails shorter than a vector use {@link FloatMath} itself. {@code exp} runs in float32
 * lanes; {@code tanh} and {@code sigmoid} in float64 lanes (half as many) and round. Nothing is
 * allocated once C2 has compiled the loops (vectors that escape would be boxed:
 * {@code DenseMathTest} measures it).
 *
 * <p>Loaded by reflection only when the JVM has the {@code jdk.incubator.vector} module, and
 * compiled separately with that module (see the runtime's pom), so nothing else needs it.
 */
final class VectorMath implements DenseMath {
  static final VectorMath INSTANCE = new VectorMath();
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  /**
   * Per thread: tanh's and sigmoid's two halves of a float vector, each computed in double and
   * converted back in the lower lanes of a float vector. Every kernel uses the preferred shapes
   * only: a vector of another shape (a half-width float species here once) filled the Vector
   * API's shared type profiles with two classes, and C2 then compiled other kernels (the GEMM's
   * packing among them) with boxed vectors.
   */
  private static final ThreadLocal<float[]> HALVES =
      ThreadLocal.withInitial(() -> new float[FS.length() + DS.length()]);

  /**
   * FS's vector class, and that of its int lanes (final classes: a cast makes a type exact).
   * {@link VectorGemm} casts with F_CLASS too (FS is the preferred float shape in both).
   */
  @SuppressWarnings("unchecked")
  static final Class<? extends FloatVector> F_CLASS =
      (Class<? extends FloatVector>) FS.vectorType();
  @SuppressWarnings("unchecked")
  private static final Class<? extends DoubleVector> D_CLASS =
      (Class<? extends DoubleVector>) DS.vectorType();
  @SuppressWarnings("unchecked")
  private static final Class<? extends IntVector> I_CLASS =
      (Class<? extends IntVector>) FS.withLanes(int.class).vectorType();

  private VectorMath() {}

  /**
   * Fewest elements {@link #arithmetic} aligns to 64-byte lines; shorter rows with b at a's
   * offset take the plain loops (the same bits), whose loop the JIT vectorizes too.
   */
  private static final int ARITHMETIC_MIN = 1024;

  /**
   * The plain loops' arithmetic in Vector API loops. From {@link #ARITHMETIC_MIN} elements every
   * vector load and store starts a 64-byte line (scalars before the first line start and after
   * the last whole vector; a large array's data start 16 bytes past a line). The JIT's own
   * vectorized loop left its accesses straddling lines in some JVMs: 4M-float adds (48 MB
   * through L3 and memory), interleaved in one JVM, 1092 us for the JIT's loop against 950 us
   * here (in another JVM 910 against 920); the add workload ran 1.09-1.20 ms before, 0.83-0.98
   * after. (ReLU's plain loop ran as fast as aligned vectors, 737-741 against 754-759 us, so it
   * stays the JIT's.) A b at another offset than a and o (a bias added to each row of a
   * product) runs in vectors too, where the plain loops leave it to the strided loop, which the
   * JIT runs element by element (about 0.5 ns an element in the MLP's forward at batch 512).
   */
  @Override
  public boolean arithmetic(BinaryOp op, float[] a, float[] b, int b0, int bs, float[] o,
      int off, int n) {
    boolean arithmetic = op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL
        || op == BinaryOp.DIV;
    int shift = bs == 0 ? 0 : b0 - off;
    if (FS.length() > 16 || !arithmetic || (n < ARITHMETIC_MIN && shift == 0)) {
      return DenseMath.PLAIN.arithmetic(op, a, b, b0, bs, o, off, n);
    }
    if (shift != 0 && b == o && b0 < off + n && off < b0 + n) {
      return false; // o overwrites b's elements at other positions: in order, element by element
    }
    int head = n < ARITHMETIC_MIN ? 0 : Math.min(n, toLineStart(off));
    int from = off + head;
    int end = from + (n - head) / FS.length() * FS.length();
    scalarArithmetic(op, a, b, b0, bs, o, off, off, from);
    if (bs == 0) {
      broadcastArithmetic(op, a, b[b0], o, from, end);
    } else {
      arrayArithmetic(op, a, b, shift, o, from, end);
    }
    scalarArithmetic(op, a, b, b0, bs, o, off, end, off + n);
    return true;
  }

  /** {@link #arithmetic} of elements [from, to) one at a time (heads and tails). */
  private static void scalarArithmetic(BinaryOp op, float[] a, float[] b, int b0, int bs,
      float[] o, int off, int from, int to) {
    for (int k = from; k < to; k++) {
      float x = a[k];
      float y = b[bs == 0 ? b0 : b0 + k - off];
      o[k] = switch (op) {
        case ADD -> x + y;
        case SUB -> x - y;
        case MUL -> x * y;
        default -> x / y;
      };
    }
  }

  /** {@code o[k] = a[k] op b[k + shift]} for k in [from, end), whole vectors. */
  private static void arrayArithmetic(BinaryOp op, float[] a, float[] b, int shift, float[] o,
      int from, int end) {
    int w = FS.length();
    switch (op) {
      case ADD -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).add(FloatVector.fromArray(FS, b, k + shift))
              .intoArray(o, k);
        }
      }
      case SUB -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).sub(FloatVector.fromArray(FS, b, k + shift))
              .intoArray(o, k);
        }
      }
      case MUL -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).mul(FloatVector.fromArray(FS, b, k + shift))
              .intoArray(o, k);
        }
      }
      default -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).div(FloatVector.fromArray(FS, b, k + shift))
              .intoArray(o, k);
        }
      }
    }
  }

  /** {@code o[k] = a[k] op y} for k in [from, end), whole vectors. */
  private static void broadcastArithmetic(BinaryOp op, float[] a, float y, float[] o, int from,
      int end) {
    int w = FS.length();
    switch (op) {
      case ADD -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).add(y).intoArray(o, k);
        }
      }
      case SUB -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).sub(y).intoArray(o, k);
        }
      }
      case MUL -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).mul(y).intoArray(o, k);
        }
      }
      default -> {
        for (int k = from; k < end; k += w) {
          FloatVector.fromArray(FS, a, k).div(y).intoArray(o, k);
        }
      }
    }
  }

  @Override
  public double sum(float[] a, int from, int n) {
    if (DS.vectorBitSize() < 256 || FS.length() > 16) {
      return DenseMath.PLAIN.sum(a, from, n);
    }
    // One method per vector length, each taking and returning no vector, and each larger than
    // C2 inlines (FreqInlineSize, 325 bytes of bytecode): inlined into Reductions' summing loop,
    // where other kernels are inlined too, C2 reached its node limit before it had inlined the
    // vector operations and boxed them (200 bytes a call), so these compile on their own.
    return FS.length() == 16 ? sum16(a, from, n) : sum8(a, from, n);
  }

  @Override
  public void sumLanes(float[] a, int from, int blocks, double[] out, int at) {
    if (DS.vectorBitSize() < 256 || FS.length() > 16) {
      DenseMath.PLAIN.sumLanes(a, from, blocks, out, at);
    } else if (FS.length() == 16) {
      lanes16(a, from, blocks, out, at);
    } else {
      lanes8(a, from, blocks, out, at);
    }
  }

  /**
   * One chunk's lanes as in {@link #sum16}, for rows read a chunk at a time. Its loop repeats
   * sum16's on purpose: sum16 calling this for each chunk ran a segment of 64K floats (in L2) in
   * 2.70-2.80 us against 2.23-2.25 with the loop written in place (best of 3000 calls, two JVMs
   * each).
   */
  private static void lanes16(float[] a, int from, int blocks, double[] out, int at) {
    FloatVector r0 = FloatVector.zero(FS);
    FloatVector r1 = r0;
    FloatVector r2 = r0;
    FloatVector r3 = r0;
    for (int i = from, end = from + 64 * blocks; i < end; i += 64) {
      r0 = r0.add(FloatVector.fromArray(FS, a, i));
      r1 = r1.add(FloatVector.fromArray(FS, a, i + 16));
      r2 = r2.add(FloatVector.fromArray(FS, a, i + 32));
      r3 = r3.add(FloatVector.fromArray(FS, a, i + 48));
    }
    FloatVector v = r0.add(r1).add(r2.add(r3));
    D_CLASS.cast(v.convertShape(F2D, DS, 0)).intoArray(out, at);
    D_CLASS.cast(v.convertShape(F2D, DS, 1)).intoArray(out, at + 8);
  }

  /** One chunk's lanes as in {@link #sum8} (repeating its loop, as {@link #lanes16} does). */
  private static void lanes8(float[] a, int from, int blocks, double[] out, int at) {
    FloatVector ra0 = FloatVector.zero(FS);
    FloatVector ra1 = ra0;
    FloatVector ra2 = ra0;
    FloatVector ra3 = ra0;
    FloatVector rb0 = ra0;
    FloatVector rb1 = ra0;
    FloatVector rb2 = ra0;
    FloatVector rb3 = ra0;
    for (int i = from, end = from + 64 * blocks; i < end; i += 64) {
      ra0 = ra0.add(FloatVector.fromArray(FS, a, i));
      rb0 = rb0.add(FloatVector.fromArray(FS, a, i + 8));
      ra1 = ra1.add(FloatVector.fromArray(FS, a, i + 16));
      rb1 = rb1.add(FloatVector.fromArray(FS, a, i + 24));
      ra2 = ra2.add(FloatVector.fromArray(FS, a, i + 32));
      rb2 = rb2.add(FloatVector.fromArray(FS, a, i + 40));
      ra3 = ra3.add(FloatVector.fromArray(FS, a, i + 48));
      rb3 = rb3.add(FloatVector.fromArray(FS, a, i + 56));
    }
    FloatVector va = ra0.add(ra1).add(ra2.add(ra3));
    FloatVector vb = rb0.add(rb1).add(rb2.add(rb3));
    D_CLASS.cast(va.convertShape(F2D, DS, 0)).intoArray(out, at);
    D_CLASS.cast(va.convertShape(F2D, DS, 1)).intoArray(out, at + 4);
    D_CLASS.cast(vb.convertShape(F2D, DS, 0)).intoArray(out, at + 8);
    D_CLASS.cast(vb.convertShape(F2D, DS, 1)).intoArray(out, at + 12);
  }

  /** Elements of a chunk of FLOAT_SUM_ORDER. */
  private static final int CHUNK = Reductions.CHUNK;

  /**
   * FLOAT_SUM_ORDER, 16 floats a vector: running float sum {@code j} in vector {@code j / 16},
   * lane {@code j % 16}; a chunk's 16 lanes in one float vector, then two double vectors. The
   * counter lives in {@code levels} (level {@code l} at {@code 16 * l}), the short chunk's lanes
   * above it; every merge goes through that array ({@link #merge16}), so no vector lives across
   * a loop's back edge or exit but the four running sums (a vector carried through a loop or out
   * of one is where C2 may box it).
   *
   * <p>Whole chunks go two at a time: eight running sums (four a chunk, 4 KB apart) in one loop,
   * then both chunks' lanes onto the counter, as two pushes would put them (the first lands on a
   * level of its own, the chunk index being even; the second merges with it, then carries). The
   * same operations on every element, so the same bits; a 4M-float sum ran 20% faster (a 64K
   * segment in L2: 2.9 to 2.2 us), the 16-iteration loop of one chunk and its exit being too short
   * to keep the adders and the loads busy. A pair's loads start 64-byte lines where the array's
   * bounds let them ({@link #pairOnLines}; 4M floats 20% faster again). The rest (an odd last
   * chunk, the short chunk) runs one chunk at a time, the short one as the last pass.
   */
  private static double sum16(float[] a, int from, int n) {
    double[] levels = FloatSums.counter();
    int chunks = n / CHUNK;
    int shortEnd = from + chunks * CHUNK + (n % CHUNK & ~63);
    int top = 0;
    int c = 0;
    // The same for every chunk, a chunk being 64 lines long.
    int e = toLineStart(from);
    for (; c + 2 <= chunks; c += 2) {
      int i = from + c * CHUNK;
      if (e != 0 && i + e >= 16 && i + 2 * CHUNK + e <= a.length) {
        pairOnLines(a, i, e, levels, 16 * top);
      } else {
        pair(a, i, levels, 16 * top);
      }
      // Chunk c + 1 onto chunk c, then the carries chunk c + 1's push makes past its first.
      merge16(levels, 16 * top, 16 * (top + 1), 16 * top);
      for (int k = c >> 1; (k & 1) == 1; k >>= 1) {
        top--;
        merge16(levels, 16 * top, 16 * (top + 1), 16 * top);
      }
      top++;
    }
    for (; c <= chunks; c++) {
      int i = from + c * CHUNK;
      int end = c < chunks ? i + CHUNK : shortEnd;
      FloatVector r0 = FloatVector.zero(FS);
      FloatVector r1 = r0;
      FloatVector r2 = r0;
      FloatVector r3 = r0;
      for (; i < end; i += 64) {
        r0 = r0.add(FloatVector.fromArray(FS, a, i));
        r1 = r1.add(FloatVector.fromArray(FS, a, i + 16));
        r2 = r2.add(FloatVector.fromArray(FS, a, i + 32));
        r3 = r3.add(FloatVector.fromArray(FS, a, i + 48));
      }
      FloatVector v = r0.add(r1).add(r2.add(r3));
      D_CLASS.cast(v.convertShape(F2D, DS, 0)).intoArray(levels, 16 * top);
      D_CLASS.cast(v.convertShape(F2D, DS, 1)).intoArray(levels, 16 * top + 8);
      if (c == chunks) {
        break; // the short chunk's lanes, above the counter
      }
      // Push the chunk onto the counter: merge it with each complete pair below it.
      for (int k = c; (k & 1) == 1; k >>= 1) {
        top--;
        merge16(levels, 16 * top, 16 * (top + 1), 16 * top);
      }
      top++;
    }
    // Fold the counter onto the short chunk's lanes (at level top), newest level first.
    int at = 16 * top;
    while (top > 0) {
      top--;
      merge16(levels, 16 * top, at, at);
    }
    double total = FloatSums.acrossLanes(levels, at);
    for (int i = shortEnd; i < from + n; i++) {
      total += a[i];
    }
    return total;
  }

  /**
   * Which float of an array starts a 64-byte line, modulo 16, on the usual JVM: a large array
   * (a G1 region of its own, which starts on a line) has its elements 16 bytes past its start.
   * Only speed depends on it, never the bits: where the guess is wrong the loads of
   * {@link #pairOnLines} straddle lines as {@link #pair}'s would.
   */
  private static final int LINE_START = 12;

  /** Elements from {@code index} to the first float of a 64-byte line at or after it (0 to 15). */
  private static int toLineStart(int index) {
    return (LINE_START - index) & 15;
  }

  /** 0, 1, ..., 15: each lane's number, for the lane masks of {@link #pairOnLines}. */
  private static final float[] LANE_NUMBERS = {
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

  /**
   * The lanes of chunks {@code a[i, i + CHUNK)} and the next, in {@link #sum16}'s order, into
   * {@code levels[at, at + 32)}: running sum {@code j} (of elements {@code i + j + 64 k}, k in
   * order) in vector {@code j / 16}, lane {@code j % 16}; the chunk's 16 lanes
   * {@code (r0 + r1) + (r2 + r3)}, then widened.
   */
  private static void pair(float[] a, int i, double[] levels, int at) {
    int end = i + CHUNK;
    FloatVector r0 = FloatVector.zero(FS);
    FloatVector r1 = r0;
    FloatVector r2 = r0;
    FloatVector r3 = r0;
    FloatVector s0 = r0;
    FloatVector s1 = r0;
    FloatVector s2 = r0;
    FloatVector s3 = r0;
    for (; i < end; i += 64) {
      r0 = r0.add(FloatVector.fromArray(FS, a, i));
      r1 = r1.add(FloatVector.fromArray(FS, a, i + 16));
      r2 = r2.add(FloatVector.fromArray(FS, a, i + 32));
      r3 = r3.add(FloatVector.fromArray(FS, a, i + 48));
      s0 = s0.add(FloatVector.fromArray(FS, a, i + CHUNK));
      s1 = s1.add(FloatVector.fromArray(FS, a, i + CHUNK + 16));
      s2 = s2.add(FloatVector.fromArray(FS, a, i + CHUNK + 32));
      s3 = s3.add(FloatVector.fromArray(FS, a, i + CHUNK + 48));
    }
    FloatVector v = r0.add(r1).add(r2.add(r3));
    FloatVector w = s0.add(s1).add(s2.add(s3));
    D_CLASS.cast(v.convertShape(F2D, DS, 0)).intoArray(levels, at);
    D_CLASS.cast(v.convertShape(F2D, DS, 1)).intoArray(levels, at + 8);
    D_CLASS.cast(w.convertShape(F2D, DS, 0)).intoArray(levels, at + 16);
    D_CLASS.cast(w.convertShape(F2D, DS, 1)).intoArray(levels, at + 24);
  }

  /**
   * {@link #pair} with every load on a 64-byte line ({@code e}, 1 to 15: elements from i to the
   * first float of a line), the same additions in the same order, so the same bits. A load that
   * straddles two lines costs two; {@link #pair}'s all do when the chunk does not start a line,
   * as for a whole large array (its first element 16 bytes past a line): 4M floats from L3 read
   * in 265-284 us from element 0, 202-213 from element 12 (medians, in one JVM).
   *
   * <p>The load at {@code i + e + 16 t} holds running sums {@code e + 16 t + l}: lanes
   * {@code l < 16 - e} of vector {@code t mod 4} (lane {@code e + l}), the others of the next
   * vector (lane {@code e + l - 16}), vector 0 of the chunk after for t = 63. So q[t mod 4]
   * takes it whole: q's lanes below 16 - e hold r[q]'s lanes from e up, the others r[q + 1]'s
   * from 0, in r's order of additions (the line before the chunk, t = -1, first into q3's upper
   * lanes; the line after it, t = 63, last into q3's lower ones). Then r0 + r1 is, rotated by e
   * lanes, q0 + q1 in the lower lanes and q3 + q0 in the upper ones.
   */
  private static void pairOnLines(float[] a, int i, int e, double[] levels, int at) {
    VectorMask<Float> upper = FloatVector.fromArray(FS, LANE_NUMBERS, 0)
        .compare(VectorOperators.GE, 16 - e);
    VectorMask<Float> lower = upper.not();
    VectorShuffle<Float> back = VectorShuffle.iota(FS, 16 - e, 1, true);
    FloatVector zero = FloatVector.zero(FS);
    int j = i + CHUNK;
    FloatVector q0 = zero;
    FloatVector q1 = zero;
    FloatVector q2 = zero;
    FloatVector q3 = zero.add(FloatVector.fromArray(FS, a, i + e - 16), upper);
    FloatVector p0 = zero;
    FloatVector p1 = zero;
    FloatVector p2 = zero;
    FloatVector p3 = zero.add(FloatVector.fromArray(FS, a, j + e - 16), upper);
    int x = i + e;
    for (int end = x + CHUNK - 64; x < end; x += 64) {
      q0 = q0.add(FloatVector.fromArray(FS, a, x));
      q1 = q1.add(FloatVector.fromArray(FS, a, x + 16));
      q2 = q2.add(FloatVector.fromArray(FS, a, x + 32));
      q3 = q3.add(FloatVector.fromArray(FS, a, x + 48));
      p0 = p0.add(FloatVector.fromArray(FS, a, x + CHUNK));
      p1 = p1.add(FloatVector.fromArray(FS, a, x + CHUNK + 16));
      p2 = p2.add(FloatVector.fromArray(FS, a, x + CHUNK + 32));
      p3 = p3.add(FloatVector.fromArray(FS, a, x + CHUNK + 48));
    }
    q0 = q0.add(FloatVector.fromArray(FS, a, x));
    q1 = q1.add(FloatVector.fromArray(FS, a, x + 16));
    q2 = q2.add(FloatVector.fromArray(FS, a, x + 32));
    q3 = q3.add(FloatVector.fromArray(FS, a, x + 48), lower);
    p0 = p0.add(FloatVector.fromArray(FS, a, x + CHUNK));
    p1 = p1.add(FloatVector.fromArray(FS, a, x + CHUNK + 16));
    p2 = p2.add(FloatVector.fromArray(FS, a, x + CHUNK + 32));
    p3 = p3.add(FloatVector.fromArray(FS, a, x + CHUNK + 48), lower);
    FloatVector v = q0.blend(q3, upper).add(q1.blend(q0, upper))
        .add(q2.blend(q1, upper).add(q3.blend(q2, upper))).rearrange(back);
    FloatVector w = p0.blend(p3, upper).add(p1.blend(p0, upper))
        .add(p2.blend(p1, upper).add(p3.blend(p2, upper))).rearrange(back);
    D_CLASS.cast(v.convertShape(F2D, DS, 0)).intoArray(levels, at);
    D_CLASS.cast(v.convertShape(F2D, DS, 1)).intoArray(levels, at + 8);
    D_CLASS.cast(w.convertShape(F2D, DS, 0)).intoArray(levels, at + 16);
    D_CLASS.cast(w.convertShape(F2D, DS, 1)).intoArray(levels, at + 24);
  }

  /**
   * {@code levels[to, to + 16) = levels[x, x + 16) + levels[y, y + 16)}, lane by lane: the
   * merges of {@link FloatSums#push} and {@link FloatSums#fold} in vectors (the segment kernels
   * calling those scalar loops instead ran a 64K-float segment in 2.6-3.2 us against 1.8-2.6).
   */
  private static void merge16(double[] levels, int x, int y, int to) {
    for (int l = 0; l < 16; l += DS.length()) {
      DoubleVector.fromArray(DS, levels, x + l).add(DoubleVector.fromArray(DS, levels, y + l))
          .intoArray(levels, to + l);
    }
  }

  /**
   * FLOAT_SUM_ORDER, 8 floats a vector: running float sum {@code j} in vector {@code j / 16} of
   * {@code ra} ({@code j % 16 < 8}) or of {@code rb}, lane {@code j % 8}; a chunk's lanes 0-7 in
   * {@code va}, 8-15 in {@code vb}, then four double vectors of 4 lanes, stored in order. The
   * counter as in {@link #sum16}.
   */
  private static double sum8(float[] a, int from, int n) {
    double[] levels = FloatSums.counter();
    int chunks = n / CHUNK;
    int shortEnd = from + chunks * CHUNK + (n % CHUNK & ~63);
    int top = 0;
    for (int c = 0; c <= chunks; c++) {
      int i = from + c * CHUNK;
      int end = c < chunks ? i + CHUNK : shortEnd;
      FloatVector ra0 = FloatVector.zero(FS);
      FloatVector ra1 = ra0;
      FloatVector ra2 = ra0;
      FloatVector ra3 = ra0;
      FloatVector rb0 = ra0;
      FloatVector rb1 = ra0;
      FloatVector rb2 = ra0;
      FloatVector rb3 = ra0;
      for (; i < end; i += 64) {
        ra0 = ra0.add(FloatVector.fromArray(FS, a, i));
        rb0 = rb0.add(FloatVector.fromArray(FS, a, i + 8));
        ra1 = ra1.add(FloatVector.fromArray(FS, a, i + 16));
        rb1 = rb1.add(FloatVector.fromArray(FS, a, i + 24));
        ra2 = ra2.add(FloatVector.fromArray(FS, a, i + 32));
        rb2 = rb2.add(FloatVector.fromArray(FS, a, i + 40));
        ra3 = ra3.add(FloatVector.fromArray(FS, a, i + 48));
        rb3 = rb3.add(FloatVector.fromArray(FS, a, i + 56));
      }
      FloatVector va = ra0.add(ra1).add(ra2.add(ra3));
      FloatVector vb = rb0.add(rb1).add(rb2.add(rb3));
      D_CLASS.cast(va.convertShape(F2D, DS, 0)).intoArray(levels, 16 * top);
      D_CLASS.cast(va.convertShape(F2D, DS, 1)).intoArray(levels, 16 * top + 4);
      D_CLASS.cast(vb.convertShape(F2D, DS, 0)).intoArray(levels, 16 * top + 8);
      D_CLASS.cast(vb.convertShape(F2D, DS, 1)).intoArray(levels, 16 * top + 12);
      if (c == chunks) {
        break;
      }
      for (int k = c; (k & 1) == 1; k >>= 1) {
        top--;
        merge16(levels, 16 * top, 16 * (top + 1), 16 * top);
      }
      top++;
    }
    int at = 16 * top;
    while (top > 0) {
      top--;
      merge16(levels, 16 * top, at, at);
    }
    double total = FloatSums.acrossLanes(levels, at);
    for (int i = shortEnd; i < from + n; i++) {
      total += a[i];
    }
    return total;
  }

  @Override
  public void addColumns4(float[] a, int o0, int o1, int o2, int o3, double[] acc, int width) {
    int j = 0;
    if (DS.vectorBitSize() >= 256 && FS.length() <= 16) {
      int l = FS.length();
      int h = DS.length();
      for (int end = width - l; j <= end; j += l) {
        FloatVector g = FloatVector.fromArray(FS, a, o0 + j)
            .add(FloatVector.fromArray(FS, a, o1 + j))
            .add(FloatVector.fromArray(FS, a, o2 + j).add(FloatVector.fromArray(FS, a, o3 + j)));
        DoubleVector lo = (DoubleVector) g.convertShape(F2D, DS, 0);
        DoubleVector hi = (DoubleVector) g.convertShape(F2D, DS, 1);
        DoubleVector.fromArray(DS, acc, j).add(lo).intoArray(acc, j);
        DoubleVector.fromArray(DS, acc, j + h).add(hi).intoArray(acc, j + h);
      }
    }
    for (; j < width; j++) {
      acc[j] += (double) ((a[o0 + j] + a[o1 + j]) + (a[o2 + j] + a[o3 + j]));
    }
  }

  @Override
  public double sum(double[] a, int from, int n) {
    if (DS.vectorBitSize() < 256 || DS.length() > 8) {
      return DenseMath.PLAIN.sum(a, from, n);
    }
    int end = from + (n & ~15);
    int i = from;
    int l = DS.length();
    double total;
    // 16 / l running vectors of l lanes: running sum j in vector j / l, lane j % l.
    DoubleVector s0 = DoubleVector.zero(DS);
    DoubleVector s1 = s0;
    DoubleVector s2 = s0;
    DoubleVector s3 = s0;
    if (l == 8) {
      for (; i < end; i += 16) {
        s0 = s0.add(DoubleVector.fromArray(DS, a, i));
        s1 = s1.add(DoubleVector.fromArray(DS, a, i + 8));
      }
      // Combined here, in DenseMath.SUM_ORDER's order (t[l] = (s[l] + s[4 + l]) + (s[8 + l]
      // + s[12 + l]), then (t0 + t1) + (t2 + t3)), not in a helper taking the vectors: a
      // helper C2 leaves out of line makes them escape, and the loop above then boxed every
      // add (gigabytes per test run, in some JVMs).
      double t0 = (s0.lane(0) + s0.lane(4)) + (s1.lane(0) + s1.lane(4));
      double t1 = (s0.lane(1) + s0.lane(5)) + (s1.lane(1) + s1.lane(5));
      double t2 = (s0.lane(2) + s0.lane(6)) + (s1.lane(2) + s1.lane(6));
      double t3 = (s0.lane(3) + s0.lane(7)) + (s1.lane(3) + s1.lane(7));
      total = (t0 + t1) + (t2 + t3);
    } else {
      for (; i < end; i += 16) {
        s0 = s0.add(DoubleVector.fromArray(DS, a, i));
        s1 = s1.add(DoubleVector.fromArray(DS, a, i + 4));
        s2 = s2.add(DoubleVector.fromArray(DS, a, i + 8));
        s3 = s3.add(DoubleVector.fromArray(DS, a, i + 12));
      }
      // Running sums 0-3, 4-7, 8-11, 12-15 in four 4-lane vectors, combined in that order
      // (written out for the same reason).
      DoubleVector t = s0.add(s1).add(s2.add(s3));
      total = (t.lane(0) + t.lane(1)) + (t.lane(2) + t.lane(3));
    }
    for (; i < from + n; i++) {
      total += a[i];
    }
    return total;
  }

  @Override
  public String describe() {
    return "vector (" + FS.vectorBitSize() + "-bit exp, tanh, sigmoid)";
  }

  /**
   * {@link FloatMath#exp}, lane by lane. The vector steps are written in the loop, not in a
   * helper taking and returning the vector: inlined from one, the result's store lost its
   * intrinsic in some compiles (its class no longer a constant) and boxed every vector.
   */
  @Override
  public void exp(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FS.loopBound(n); k < end; k += FS.length()) {
      FloatVector x = FloatVector.fromArray(FS, a, a0 + k);
      FloatVector h0 = x.blend(FloatMath.EXP_MAX,
          x.compare(VectorOperators.GT, FloatMath.EXP_MAX));
      FloatVector c = h0.blend(FloatMath.EXP_MIN,
          h0.compare(VectorOperators.LT, FloatMath.EXP_MIN));
      FloatVector t = c.mul(FloatMath.LOG2E).add(FloatMath.ROUNDER);
      IntVector nv = I_CLASS.cast(t.reinterpretAsInts()).sub(FloatMath.ROUNDER_BITS);
      FloatVector nf = t.sub(FloatMath.ROUNDER);
      FloatVector r = c.sub(nf.mul(FloatMath.LN2_HI)).sub(nf.mul(FloatMath.LN2_LO));
      FloatVector q = r.mul(E6).add(E5).mul(r).add(E4).mul(r).add(E3).mul(r).add(E2);
      FloatVector p = q.mul(r.mul(r)).add(r).add(1f);
      IntVector h = nv.lanewise(VectorOperators.ASHR, 1);
      // Reinterpreted vectors and the products are cast to the species' class: without, C2
      // knew their class only from the call sites' type profiles, and where exp had run on
      // short arrays only (softmax over 10 classes) it compiled the loop with boxed vectors
      // (2.6 MB a call of 256K floats, 7 times slower).
      FloatVector s1 = F_CLASS.cast(h.add(127).lanewise(VectorOperators.LSHL, 23)
          .reinterpretAsFloats());
      FloatVector s2 = F_CLASS.cast(nv.sub(h).add(127).lanewise(VectorOperators.LSHL, 23)
          .reinterpretAsFloats());
      FloatVector ps = F_CLASS.cast(p.mul(s1));
      F_CLASS.cast(ps.mul(s2)).intoArray(o, o0 + k);
    }
    for (; k < n; k++) {
      o[o0 + k] = FloatMath.exp(a[a0 + k]);
    }
  }

  @Override
  public void tanh(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    float[] halves = HALVES.get();
    for (int end = FS.loopBound(n); k < end; k += FS.length()) {
      FloatVector xf = FloatVector.fromArray(FS, a, a0 + k);
      // Each half of the float vector in double, its result written to halves (the second's
      // over the first's zero upper lanes); the loop of two is unrolled by C2.
      for (int part = 0; part < 2; part++) {
        DoubleVector xd = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, part);
        DoubleVector ax = xd.abs();
        DoubleVector y = ax.blend(FloatMath.TANH_MAX,
            ax.compare(VectorOperators.GT, FloatMath.TANH_MAX)).mul(-2.0);
        DoubleVector t = y.mul(FloatMath.LOG2E_D).add(FloatMath.ROUNDER_D);
        LongVector e2 = ((LongVector) t.viewAsIntegralLanes()).sub(FloatMath.ROUNDER_D_BITS);
        DoubleVector nd = t.sub(FloatMath.ROUNDER_D);
        DoubleVector r = y.sub(nd.mul(FloatMath.LN2_HI_D)).sub(nd.mul(FloatMath.LN2_LO_D));
        DoubleVector q =
            r.mul(M7).add(M6).mul(r).add(M5).mul(r).add(M4).mul(r).add(M3).mul(r).add(M2);
        DoubleVector p = q.mul(r.mul(r)).add(r);
        DoubleVector s = (DoubleVector) e2.add(1023).lanewise(VectorOperators.LSHL, 52)
            .viewAsFloatingLanes();
        DoubleVector em1 = s.mul(p).add(s.sub(1.0));
        DoubleVector m = em1.div(em1.add(2.0)); // -tanh(|x|), then x's sign
        LongVector bits = ((LongVector) m.viewAsIntegralLanes()).and(Long.MAX_VALUE)
            .or(((LongVector) xd.viewAsIntegralLanes()).and(Long.MIN_VALUE));
        ((FloatVector) bits.viewAsFloatingLanes().convertShape(VectorOperators.D2F, FS, 0))
            .intoArray(halves, part * DS.length());
      }
      // Copied, not a vector store: at the end of this long method, a store lost its intrinsic.
      System.arraycopy(halves, 0, o, o0 + k, FS.length());
    }
    for (; k < n; k++) {
      o[o0 + k] = FloatMath.tanh(a[a0 + k]);
    }
  }


  @Override
  public void sigmoid(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    float[] halves = HALVES.get();
    for (int end = FS.loopBound(n); k < end; k += FS.length()) {
      FloatVector xf = FloatVector.fromArray(FS, a, a0 + k);
      // Each half of the float vector in double, its result written to halves (the second's
      // over the first's zero upper lanes); the loop of two is unrolled by C2.
      for (int part = 0; part < 2; part++) {
        DoubleVector xd = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, part);
        DoubleVector ax = xd.abs();
        DoubleVector y = ax.blend(FloatMath.SIGMOID_MAX,
            ax.compare(VectorOperators.GT, FloatMath.SIGMOID_MAX)).neg();
        DoubleVector t = y.mul(FloatMath.LOG2E_D).add(FloatMath.ROUNDER_D);
        LongVector e2 = ((LongVector) t.viewAsIntegralLanes()).sub(FloatMath.ROUNDER_D_BITS);
        DoubleVector nd = t.sub(FloatMath.ROUNDER_D);
        DoubleVector r = y.sub(nd.mul(FloatMath.LN2_HI_D)).sub(nd.mul(FloatMath.LN2_LO_D));
        DoubleVector q =
            r.mul(M7).add(M6).mul(r).add(M5).mul(r).add(M4).mul(r).add(M3).mul(r).add(M2);
        DoubleVector p = q.mul(r.mul(r)).add(r);
        DoubleVector s = (DoubleVector) e2.add(1023).lanewise(VectorOperators.LSHL, 52)
            .viewAsFloatingLanes();
        DoubleVector e = s.mul(p).add(s);
        DoubleVector num = e.blend(1.0, xd.compare(VectorOperators.GE, 0.0));
        DoubleVector sig = num.div(e.add(1.0));
        ((FloatVector) sig.convertShape(VectorOperators.D2F, FS, 0))
            .intoArray(halves, part * DS.length());
      }
      // Copied, not a vector store: at the end of this long method, a store lost its intrinsic.
      System.arraycopy(halves, 0, o, o0 + k, FS.length());
    }
    for (; k < n; k++) {
      o[o0 + k] = FloatMath.sigmoid(a[a0 + k]);
    }
  }

}
