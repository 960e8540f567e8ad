package dev.adjoint.backend.cpu;

import dev.adjoint.backend.UnaryOp;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The transcendental elementwise ops ({@code exp}, {@code tanh}, {@code sigmoid}) on unit-stride
 * float32 rows (float64 keeps {@code Math}'s results, bit for bit, on every path). Both
 * implementations compute {@link FloatMath}'s functions (within 1 ulp of the correctly rounded
 * value) and give bit-identical results: {@code VectorMath}, written with the JDK's incubating
 * Vector API and used when the JVM runs with {@code --add-modules jdk.incubator.vector}, and
 * {@link #PLAIN}, loops over {@link FloatMath}. They are chosen once as {@link Gemm}'s; the
 * system property {@code adjoint.simd=false} forces the plain loops; {@link #kernel()} says which
 * one runs. Strided rows take {@link FloatMath} in {@link Elementwise}, so a result never depends
 * on the layout, the kernel chosen or on when the JIT compiled it.
 */
interface DenseMath {
  /** The ops these kernels compute, which {@link Elementwise} sends here on unit-stride rows. */
  Set<UnaryOp> TRANSCENDENTAL = EnumSet.of(UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID);

  void exp(float[] a, int a0, float[] o, int o0, int n);

  void tanh(float[] a, int a0, float[] o, int o0, int n);

  /** {@code 1 / (1 + exp(-x))}. */
  void sigmoid(float[] a, int a0, float[] o, int o0, int n);

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
  }
}
