package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Elementwise;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.testing.ChildJvm;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code keepWhereGreater} (ReLU's gradient in one pass) against its definition, {@code where(a >
 * t, x, 0)} with a NaN in {@code a} giving 0 and kept elements bit for bit: the row kernels
 * (unit-stride and strided, both dtypes), the CPU backend over strided and broadcast layouts,
 * {@link Backend}'s default (the composition other backends inherit), and the relu rule through
 * the tensor API, which must equal the mask-and-where expression it replaced.
 */
class KeepWhereGreaterTest {
  private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, 1e-40, -1e-40, 0.5, -1.0};
  private static final int[] LENGTHS = {0, 1, 7, 16, 17, 63, 1000};

  private static double[] values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextDouble(-2, 2);
    }
    return v;
  }

  private static float[] floats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void rowKernelsFollowTheDefinitionBitForBit() {
    for (double t : new double[] {0.0, 0.5, -1.0}) {
      for (int n : LENGTHS) {
        for (int stride : new int[] {1, 3}) {
          double[] a = values(n * stride + 2, n + 1);
          double[] x = values(n * stride + 2, n + 2);
          double[] o = new double[n * stride + 2];
          Elementwise64.run(a, x, o, t, stride, n);
          float[] af = floats(a);
          float[] xf = floats(x);
          float[] of = new float[o.length];
          dev.adjoint.backend.cpu.Elementwise.keepWhereGreaterF32(af, 1, stride, (float) t, xf,
              1, stride, of, 1, stride, n);
          for (int k = 0; k < n; k++) {
            int i = 1 + k * stride;
            String what = "t " + t + " n " + n + " stride " + stride + " at " + k;
            assertEquals(Double.doubleToRawLongBits(a[i] > t ? x[i] : 0.0),
                Double.doubleToRawLongBits(o[i]), what + " float64");
            assertEquals(Float.floatToRawIntBits(af[i] > (float) t ? xf[i] : 0f),
                Float.floatToRawIntBits(of[i]), what + " float32");
          }
        }
      }
    }
  }

  /** Runs the float64 kernel on elements 1, 1 + stride, ... of each array. */
  private static final class Elementwise64 {
    static void run(double[] a, double[] x, double[] o, double t, int stride, int n) {
      dev.adjoint.backend.cpu.Elementwise.keepWhereGreaterF64(a, 1, stride, t, x, 1, stride, o, 1,
          stride, n);
    }
  }

  /** {@code where(a > t, x, 0)} from the backend's comparison and where kernels. */
  private static Object composed(Backend b, Storage a, Layout al, double t, Storage x,
      Layout xl, DType dtype) {
    int[] shape = al.shape();
    Layout dense = Layout.contiguous(shape);
    Storage mask = b.allocate(DType.BOOL, dense.numel());
    b.binaryScalar(BinaryOp.GT, a, al, t, false, mask, dense);
    Storage zero = b.allocate(dtype, 1);
    Storage out = b.allocate(dtype, dense.numel());
    b.where(mask, dense, x, xl, zero, Layout.contiguous(1).expand(shape), out, dense);
    return b.toHostArray(out, dense);
  }

  private static Object fused(Backend b, Storage a, Layout al, double t, Storage x, Layout xl,
      DType dtype) {
    Layout dense = Layout.contiguous(al.shape());
    Storage out = b.allocate(dtype, dense.numel());
    b.keepWhereGreater(a, al, t, x, xl, out, dense);
    return b.toHostArray(out, dense);
  }

  /** CpuBackend with {@link Backend}'s default keepWhereGreater, as a backend without one. */
  private static Backend withDefault() {
    InvocationHandler h = (proxy, method, args) -> method.getName().equals("keepWhereGreater")
        ? InvocationHandler.invokeDefault(proxy, method, args)
        : method.invoke(CpuBackend.INSTANCE, args);
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, h);
  }

  @Test
  void vectorSelectEqualsThePlainLoopBitForBit() {
    dev.adjoint.backend.cpu.Elementwise.Select v = VectorSelect.instance();
    // The suite runs with the Vector API on a machine with 256-bit vectors, and it is the one
    // the dense rows use.
    assertNotNull(v);
    assertEquals(v.describe(), dev.adjoint.backend.cpu.Elementwise.SELECT.describe());
    for (int n : new int[] {0, 1, 15, 16, 17, 64, 100, 1027}) {
      for (double t : new double[] {0.0, -0.5}) {
        float[] a = floats(values(n + 3, n + 31));
        float[] x = floats(values(n + 3, n + 32));
        float[] plain = new float[n + 3];
        float[] vector = new float[n + 3];
        plainLoop(a, 2, (float) t, x, 1, plain, 3, n);
        v.keepWhereGreater(a, 2, (float) t, x, 1, vector, 3, n);
        for (int i = 0; i < n + 3; i++) {
          assertEquals(Float.floatToRawIntBits(plain[i]), Float.floatToRawIntBits(vector[i]),
              "n " + n + " t " + t + " at " + i);
        }
      }
    }
  }

  /** The row kernel's strided loop (stride 1 given as 1 but taken by the plain branch). */
  private static void plainLoop(float[] a, int a0, float t, float[] x, int x0, float[] o, int o0,
      int n) {
    for (int k = 0; k < n; k++) {
      // Elements one at a time: the dense row never reaches the vector select below 64.
      dev.adjoint.backend.cpu.Elementwise.keepWhereGreaterF32(a, a0 + k, 1, t, x, x0 + k, 1, o,
          o0 + k, 1, 1);
    }
  }

  @Test
  void vectorSelectAllocatesNothing() throws Exception {
    String out = ChildJvm.run(MaskingAllocationMain.class);
    long allocated = ChildJvm.lastNumber(out);
    // A vector boxed per step would allocate megabytes (25 calls of 3000+ vectors).
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes:\n" + out);
  }

  @Test
  void backendKernelAndDefaultEqualTheMaskAndWhere() {
    Backend cpu = CpuBackend.INSTANCE;
    Backend dflt = withDefault();
    int[] shape = {5, 7};
    // a: contiguous, transposed storage, and offset; x: contiguous, transposed, broadcast row.
    Layout[] aLayouts = {Layout.contiguous(5, 7), Layout.contiguous(7, 5).transpose(0, 1),
        Layout.contiguous(3, 5, 7).select(0, 2)};
    Layout[] xLayouts = {Layout.contiguous(5, 7), Layout.contiguous(7, 5).transpose(0, 1),
        Layout.contiguous(1, 7).expand(shape)};
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      double[] av = values(3 * 5 * 7, 11);
      double[] xv = values(3 * 5 * 7, 12);
      Storage a = cpu.fromHostArray(dtype == DType.FLOAT32 ? floats(av) : av);
      Storage x = cpu.fromHostArray(dtype == DType.FLOAT32 ? floats(xv) : xv);
      for (Layout al : aLayouts) {
        for (Layout xl : xLayouts) {
          for (double t : new double[] {0.0, 0.25}) {
            Object expected = composed(cpu, a, al, t, x, xl, dtype);
            String what = dtype + " a " + al + " x " + xl + " t " + t;
            assertBitsEqual(expected, fused(cpu, a, al, t, x, xl, dtype), what + " (cpu)");
            assertBitsEqual(expected, fused(dflt, a, al, t, x, xl, dtype), what + " (default)");
          }
        }
      }
    }
  }

  private static void assertBitsEqual(Object expected, Object actual, String what) {
    if (expected instanceof float[] e) {
      float[] a = (float[]) actual;
      assertEquals(e.length, a.length, what);
      for (int i = 0; i < e.length; i++) {
        assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]),
            what + " at " + i);
      }
    } else {
      double[] e = (double[]) expected;
      double[] a = (double[]) actual;
      assertEquals(e.length, a.length, what);
      for (int i = 0; i < e.length; i++) {
        assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
            what + " at " + i);
      }
    }
  }

  @Test
  void reluRuleEqualsTheMaskAndWhereItReplaced() {
    double[] ov = values(4 * 6, 21);
    double[] gv = values(4 * 6, 22);
    Tensor out32 = Tensor.fromArray(floats(ov), 4, 6).relu();
    Tensor g32 = Tensor.fromArray(floats(gv), 4, 6);
    Tensor out64 = Tensor.fromArray(ov, 4, 6).relu();
    Tensor g64 = Tensor.fromArray(gv, 4, 6);
    Tensor[][] cases = {
        {g32, out32},
        {g64, out64},
        {g32.t().contiguous().t(), out32}, // a transposed gradient
        {g32, out32.t().contiguous().t()}, // a transposed output
        {Tensor.fromArray(floats(values(6, 23)), 6).expand(4, 6), out32}, // broadcast gradient
        {g64, out32}, // mixed dtypes: the composed path
    };
    for (Tensor[] c : cases) {
      Tensor g = c[0];
      Tensor out = c[1];
      Tensor expected = Tensor.where(out.gt(0.0), g, Tensor.zeros(g.dtype(), g.device()));
      Tensor actual = Elementwise.reluSelf(g, out);
      assertEquals(expected.dtype(), actual.dtype());
      assertBitsEqual(expected.dtype() == DType.FLOAT32 ? expected.toFloatArray()
          : expected.toDoubleArray(), actual.dtype() == DType.FLOAT32 ? actual.toFloatArray()
          : actual.toDoubleArray(), g.dtype() + " / " + out.dtype());
    }
  }
}
