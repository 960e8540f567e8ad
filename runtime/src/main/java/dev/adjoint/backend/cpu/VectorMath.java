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

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
   * As many floats as DS has doubles: tanh and sigmoid load half a vector of floats. (The sums
   * use the preferred shapes only, widening a float vector half by half: vectors of another
   * shape beside the GEMM's were seen to spoil the Vector API's shared type profiles so that C2
   * compiled a kernel with boxed vectors. tanh and sigmoid keep this one other shape: splitting
   * them in halves of the preferred vector ran 25% slower.)
   */
  private static final VectorSpecies<Float> FH =
      VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));

  private VectorMath() {}

  @Override
  public double sum(float[] a, int from, int n) {
    if (DS.vectorBitSize() < 256 || FS.length() > 16) {
      return DenseMath.PLAIN.sum(a, from, n);
    }
    int end = from + (n & ~15);
    int i = from;
    double total;
    if (FS.length() == 16) {
      // Elements 0-7 and 8-15 of each 16 in two 8-lane sums: running sum j in lane j % 8. The
      // second half is widened from a load at i + 8 (its low half), which ran 10-20% faster
      // than widening the high half of the load at i; near the array's end, where that load
      // would pass it, the high half is widened instead (the same values).
      DoubleVector s0 = DoubleVector.zero(DS);
      DoubleVector s1 = s0;
      for (int fast = Math.min(end, a.length - 24 + 1); i < fast; i += 16) {
        s0 = s0.add(FloatVector.fromArray(FS, a, i).convertShape(VectorOperators.F2D, DS, 0));
        s1 = s1.add(FloatVector.fromArray(FS, a, i + 8).convertShape(VectorOperators.F2D, DS, 0));
      }
      for (; i < end; i += 16) {
        FloatVector v = FloatVector.fromArray(FS, a, i);
        s0 = s0.add(v.convertShape(VectorOperators.F2D, DS, 0));
        s1 = s1.add(v.convertShape(VectorOperators.F2D, DS, 1));
      }
      total = combine(s0, s1);
    } else {
      // 8 floats, 4 doubles a vector: four 4-lane sums.
      DoubleVector s0 = DoubleVector.zero(DS);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      for (; i < end; i += 16) {
        FloatVector v = FloatVector.fromArray(FS, a, i);
        FloatVector w = FloatVector.fromArray(FS, a, i + 8);
        s0 = s0.add(v.convertShape(VectorOperators.F2D, DS, 0));
        s1 = s1.add(v.convertShape(VectorOperators.F2D, DS, 1));
        s2 = s2.add(w.convertShape(VectorOperators.F2D, DS, 0));
        s3 = s3.add(w.convertShape(VectorOperators.F2D, DS, 1));
      }
      total = combine(s0, s1, s2, s3);
    }
    for (; i < from + n; i++) {
      total += a[i];
    }
    return total;
  }

  /**
   * Running sums 0-7 in {@code lo}, 8-15 in {@code hi}, combined in {@link DenseMath#SUM_ORDER}'s
   * order: {@code t[l] = (s[l] + s[4 + l]) + (s[8 + l] + s[12 + l])}, {@code (t0 + t1) + (t2 +
   * t3)}.
   */
  private static double combine(DoubleVector lo, DoubleVector hi) {
    double t0 = (lo.lane(0) + lo.lane(4)) + (hi.lane(0) + hi.lane(4));
    double t1 = (lo.lane(1) + lo.lane(5)) + (hi.lane(1) + hi.lane(5));
    double t2 = (lo.lane(2) + lo.lane(6)) + (hi.lane(2) + hi.lane(6));
    double t3 = (lo.lane(3) + lo.lane(7)) + (hi.lane(3) + hi.lane(7));
    return (t0 + t1) + (t2 + t3);
  }

  /** Running sums 0-3, 4-7, 8-11, 12-15 in four 4-lane vectors, combined in that order. */
  private static double combine(DoubleVector s0, DoubleVector s1, DoubleVector s2,
      DoubleVector s3) {
    DoubleVector t = s0.add(s1).add(s2.add(s3));
    return (t.lane(0) + t.lane(1)) + (t.lane(2) + t.lane(3));
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
      total = combine(s0, s1);
    } else {
      for (; i < end; i += 16) {
        s0 = s0.add(DoubleVector.fromArray(DS, a, i));
        s1 = s1.add(DoubleVector.fromArray(DS, a, i + 4));
        s2 = s2.add(DoubleVector.fromArray(DS, a, i + 8));
        s3 = s3.add(DoubleVector.fromArray(DS, a, i + 12));
      }
      total = combine(s0, s1, s2, s3);
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

  @Override
  public void exp(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FS.loopBound(n); k < end; k += FS.length()) {
      exp(FloatVector.fromArray(FS, a, a0 + k)).intoArray(o, o0 + k);
    }
    for (; k < n; k++) {
      o[o0 + k] = FloatMath.exp(a[a0 + k]);
    }
  }

  /** {@link FloatMath#exp}, lane by lane. */
  private static FloatVector exp(FloatVector x) {
    FloatVector h0 = x.blend(FloatMath.EXP_MAX, x.compare(VectorOperators.GT, FloatMath.EXP_MAX));
    FloatVector c = h0.blend(FloatMath.EXP_MIN, h0.compare(VectorOperators.LT, FloatMath.EXP_MIN));
    FloatVector t = c.mul(FloatMath.LOG2E).add(FloatMath.ROUNDER);
    IntVector n = ((IntVector) t.viewAsIntegralLanes()).sub(FloatMath.ROUNDER_BITS);
    FloatVector nf = t.sub(FloatMath.ROUNDER);
    FloatVector r = c.sub(nf.mul(FloatMath.LN2_HI)).sub(nf.mul(FloatMath.LN2_LO));
    FloatVector q = r.mul(E6).add(E5).mul(r).add(E4).mul(r).add(E3).mul(r).add(E2);
    FloatVector p = q.mul(r.mul(r)).add(r).add(1f);
    IntVector h = n.lanewise(VectorOperators.ASHR, 1);
    FloatVector s1 = (FloatVector) h.add(127).lanewise(VectorOperators.LSHL, 23)
        .viewAsFloatingLanes();
    FloatVector s2 = (FloatVector) n.sub(h).add(127).lanewise(VectorOperators.LSHL, 23)
        .viewAsFloatingLanes();
    return p.mul(s1).mul(s2);
  }

  @Override
  public void tanh(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FH.loopBound(n); k < end; k += FH.length()) {
      DoubleVector xd = (DoubleVector) FloatVector.fromArray(FH, a, a0 + k)
          .convertShape(VectorOperators.F2D, DS, 0);
      DoubleVector ax = xd.abs();
      DoubleVector y = ax.blend(FloatMath.TANH_MAX, ax.compare(VectorOperators.GT, FloatMath.TANH_MAX))
          .mul(-2.0);
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
      ((FloatVector) bits.viewAsFloatingLanes().convertShape(VectorOperators.D2F, FH, 0))
          .intoArray(o, o0 + k);
    }
    for (; k < n; k++) {
      o[o0 + k] = FloatMath.tanh(a[a0 + k]);
    }
  }

  @Override
  public void sigmoid(float[] a, int a0, float[] o, int o0, int n) {
    int k = 0;
    for (int end = FH.loopBound(n); k < end; k += FH.length()) {
      DoubleVector xd = (DoubleVector) FloatVector.fromArray(FH, a, a0 + k)
          .convertShape(VectorOperators.F2D, DS, 0);
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
      ((FloatVector) sig.convertShape(VectorOperators.D2F, FH, 0)).intoArray(o, o0 + k);
    }
    for (; k < n; k++) {
      o[o0 + k] = FloatMath.sigmoid(a[a0 + k]);
    }
  }
}
