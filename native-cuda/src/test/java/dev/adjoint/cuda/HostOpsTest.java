package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.tensor.DType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scalar functions of the unary, binary and comparison kernels (ops.cuh), compiled for the
 * host, against the CPU backend on values that probe the edges: NaN, infinities, signed zeros,
 * int64 wrap-around. The CPU computes on a strided view (stride 2), the path that evaluates float32
 * transcendental functions in double and rounds once, as the kernels do.
 */
class HostOpsTest {
  private static final Backend CPU = Backends.cpu();
  // Functions whose float64 results come from libm: glibc on the host, Java's Math on the CPU,
  // each within 1 ulp of the exact value; a float32 result rounds those once more, so the two
  // agree to 1 ulp of the result.
  private static final Set<UnaryOp> LIBM = EnumSet.of(UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH,
      UnaryOp.SIGMOID, UnaryOp.ERF);

  private static final double[] VALUES = {0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.75, 1e-30, -1e30,
      88.0, -103.0, 710.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
      Math.PI, -Math.E, 1e-310, 20.0, -0.1};

  @BeforeEach
  void built() {
    HostKernels.assumeBuilt();
  }

  /** The CPU backend's result of {@code op} on {@code x} read through a stride-2 view. */
  private static Object cpuUnary(UnaryOp op, Object x, int n, DType t, double lo, double hi) {
    Storage src = CPU.fromHostArray(spread(x, n));
    Storage dst = CPU.allocate(t, 2L * n);
    Layout strided = Layout.of(new int[] {n}, new long[] {2}, 0);
    CPU.unary(op, src, strided, dst, strided, lo, hi);
    return gather(CPU.toHostArray(dst, Layout.contiguous(2 * n)), n);
  }

  private static Object spread(Object x, int n) {
    Object out = java.lang.reflect.Array.newInstance(x.getClass().getComponentType(), 2 * n);
    for (int i = 0; i < n; i++) {
      java.lang.reflect.Array.set(out, 2 * i, java.lang.reflect.Array.get(x, i));
    }
    return out;
  }

  private static Object gather(Object x, int n) {
    Object out = java.lang.reflect.Array.newInstance(x.getClass().getComponentType(), n);
    for (int i = 0; i < n; i++) {
      java.lang.reflect.Array.set(out, i, java.lang.reflect.Array.get(x, 2 * i));
    }
    return out;
  }

  private static void assertUlps(double expected, double actual, int ulps, String what) {
    // Non-finite and zero results must agree exactly (JUnit counts NaN equal to NaN).
    double tolerance = Double.isFinite(expected) && expected != 0 ? ulps * Math.ulp(expected) : 0;
    assertEquals(expected, actual, tolerance, what);
  }

  @Test
  void unaryFloat64MatchesTheCpu() {
    int n = VALUES.length;
    for (UnaryOp op : UnaryOp.values()) {
      double lo = -1.5;
      double hi = 2.0;
      double[] host = new double[n];
      HostKernels.host_unary_f64(op.ordinal(), VALUES, n, lo, hi, host);
      double[] cpu = (double[]) cpuUnary(op, VALUES, n, DType.FLOAT64, lo, hi);
      for (int i = 0; i < n; i++) {
        String what = op + "(" + VALUES[i] + ")";
        if (LIBM.contains(op)) {
          // The CPU's erf is its own rational approximation, "within a few ulp of double".
          assertUlps(cpu[i], host[i], op == UnaryOp.ERF ? 4 : 1, what);
        } else {
          assertEquals(Double.doubleToLongBits(cpu[i]), Double.doubleToLongBits(host[i]), what
              + ": cpu " + cpu[i] + ", host " + host[i]);
        }
      }
    }
  }

  @Test
  void unaryFloat32MatchesTheCpu() {
    int n = VALUES.length;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) VALUES[i];
    }
    for (UnaryOp op : UnaryOp.values()) {
      float[] host = new float[n];
      HostKernels.host_unary_f32(op.ordinal(), x, n, Double.NEGATIVE_INFINITY, 0.25, host);
      float[] cpu = (float[]) cpuUnary(op, x, n, DType.FLOAT32, Double.NEGATIVE_INFINITY, 0.25);
      for (int i = 0; i < n; i++) {
        String what = op + "(" + x[i] + "f)";
        if (LIBM.contains(op) && !Float.isNaN(cpu[i]) && !Float.isInfinite(cpu[i])
            && cpu[i] != 0) {
          assertEquals(cpu[i], host[i], Math.ulp(cpu[i]), what);
        } else {
          assertEquals(Float.floatToIntBits(cpu[i]), Float.floatToIntBits(host[i]), what
              + ": cpu " + cpu[i] + ", host " + host[i]);
        }
      }
    }
  }

  @Test
  void unaryInt64MatchesTheCpu() {
    long[] x = {0, 1, -1, 7, -9, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53 | 1, -(1L << 60)};
    for (UnaryOp op : UnaryOp.values()) {
      if (!op.keepsIntegers()) {
        continue;
      }
      long[] host = new long[x.length];
      HostKernels.host_unary_i64(op.ordinal(), x, x.length, -5, 1e300, host);
      long[] cpu = (long[]) cpuUnary(op, x, x.length, DType.INT64, -5, 1e300);
      org.junit.jupiter.api.Assertions.assertArrayEquals(cpu, host, op.toString());
    }
  }

  private static Object cpuBinary(BinaryOp op, Object a, Object b, int n, DType t) {
    Storage sa = CPU.fromHostArray(a);
    Storage sb = CPU.fromHostArray(b);
    Storage dst = CPU.allocate(op.isComparison() ? DType.BOOL : t, n);
    Layout l = Layout.contiguous(n);
    CPU.binary(op, sa, l, sb, l, dst, l);
    return CPU.toHostArray(dst, l);
  }

  @Test
  void binaryFloatingMatchesTheCpu() {
    int n = VALUES.length * VALUES.length;
    double[] a = new double[n];
    double[] b = new double[n];
    float[] af = new float[n];
    float[] bf = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = VALUES[i / VALUES.length];
      b[i] = VALUES[i % VALUES.length];
      af[i] = (float) a[i];
      bf[i] = (float) b[i];
    }
    for (BinaryOp op : BinaryOp.values()) {
      if (op == BinaryOp.LOGICAL_AND || op == BinaryOp.LOGICAL_OR) {
        continue; // bool operands only on the CPU
      }
      double[] hd = new double[n];
      byte[] hb = new byte[n];
      HostKernels.host_binary_f64(op.ordinal(), a, b, n, hd, hb);
      float[] hf = new float[n];
      byte[] hbf = new byte[n];
      HostKernels.host_binary_f32(op.ordinal(), af, bf, n, hf, hbf);
      Object cd = cpuBinary(op, a, b, n, DType.FLOAT64);
      Object cf = cpuBinary(op, af, bf, n, DType.FLOAT32);
      for (int i = 0; i < n; i++) {
        String what = op + "(" + a[i] + ", " + b[i] + ")";
        if (op.isComparison()) {
          assertEquals(((boolean[]) cd)[i], hb[i] != 0, what);
          assertEquals(((boolean[]) cf)[i], hbf[i] != 0, what + " f32");
        } else if (op == BinaryOp.POW) {
          assertUlps(((double[]) cd)[i], hd[i], 1, what);
          float e = ((float[]) cf)[i];
          if (Float.isFinite(e) && e != 0) {
            assertEquals(e, hf[i], Math.ulp(e), what + " f32");
          } else {
            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(hf[i]), what + " f32");
          }
        } else {
          assertEquals(Double.doubleToLongBits(((double[]) cd)[i]),
              Double.doubleToLongBits(hd[i]), what);
          assertEquals(Float.floatToIntBits(((float[]) cf)[i]), Float.floatToIntBits(hf[i]),
              what + " f32");
        }
      }
    }
  }

  @Test
  void binaryInt64MatchesTheCpu() {
    long[] v = {0, 1, -1, 3, -7, 62, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
    int n = v.length * v.length;
    long[] a = new long[n];
    long[] b = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = v[i / v.length];
      b[i] = v[i % v.length];
    }
    for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.POW,
        BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE,
        BinaryOp.GT, BinaryOp.GE}) {
      long[] host = new long[n];
      byte[] hb = new byte[n];
      HostKernels.host_binary_i64(op.ordinal(), a, b, n, host, hb);
      Object cpu = cpuBinary(op, a, b, n, DType.INT64);
      for (int i = 0; i < n; i++) {
        String what = op + "(" + a[i] + ", " + b[i] + ")";
        if (op.isComparison()) {
          assertEquals(((boolean[]) cpu)[i], hb[i] != 0, what);
        } else {
          assertEquals(((long[]) cpu)[i], host[i], what);
        }
      }
    }
  }

  @Test
  void floatingToInt64CastsLikeJava() {
    double[] x = {0.9, -0.9, 1e19, -1e19, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, -2.5, 9.007199254740993E15};
    long[] host = new long[x.length];
    HostKernels.host_cast_f64_i64(x, x.length, host);
    Storage src = CPU.fromHostArray(x);
    Storage dst = CPU.allocate(DType.INT64, x.length);
    CPU.copy(src, Layout.contiguous(x.length), dst, Layout.contiguous(x.length));
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        (long[]) CPU.toHostArray(dst, Layout.contiguous(x.length)), host);
  }
}
