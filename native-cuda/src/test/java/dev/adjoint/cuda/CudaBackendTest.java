package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.ReduceOp;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.SingularMatrixException;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@link Backend} method of the CUDA backend against the CPU backend (the reference) on the
 * same inputs: strided, broadcast and offset layouts, every op code and dtype, the device-side
 * range checks reported at the next wait. Runs only where a GPU is usable; elsewhere each test is
 * skipped saying so (the host tests cover what can run without one). Tolerances: exact where both
 * sides do the same IEEE operations; 2 ulp where results come from different libm
 * implementations (CUDA's double exp, log, tanh, erf, pow, sin, cos are within 2 ulp); a
 * summation-order bound where a reduction or GEMM adds in another order.
 */
class CudaBackendTest {
  private static final Backend CPU = Backends.cpu();
  private static Backend dev;

  // Per test, not @BeforeAll, so that each skipped test is reported as skipped with the reason.
  @BeforeEach
  void device() {
    Assumptions.assumeTrue(Backends.cudaAvailable(), () -> "skipped: no usable GPU here ("
        + Backends.cudaUnavailableReason() + "); run native-cuda/gpu-check.sh on a GPU machine");
    dev = Backends.of(Device.cuda(0));
  }

  private static double[] randoms(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble(-3, 3);
    }
    return a;
  }

  private static float[] floats(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  /** The same host data on both backends. */
  private record Pair(Storage cpu, Storage gpu) {
    static Pair of(Object array) {
      return new Pair(CPU.fromHostArray(array), dev.fromHostArray(array));
    }

    static Pair zeros(DType t, long n) {
      return new Pair(CPU.allocate(t, n), dev.allocate(t, n));
    }

    Object[] read(Layout l) {
      return new Object[] {CPU.toHostArray(cpu, l), dev.toHostArray(gpu, l)};
    }
  }

  private static void assertClose(Object want, Object got, double ulps, String what) {
    if (want instanceof double[] w) {
      double[] g = (double[]) got;
      for (int i = 0; i < w.length; i++) {
        double tol = Double.isFinite(w[i]) ? ulps * Math.ulp(w[i]) : 0;
        assertEquals(w[i], g[i], tol, what + " [" + i + "]");
      }
    } else if (want instanceof float[] w) {
      float[] g = (float[]) got;
      for (int i = 0; i < w.length; i++) {
        double tol = Float.isFinite(w[i]) ? ulps * Math.ulp(w[i]) : 0;
        assertEquals(w[i], g[i], tol, what + " [" + i + "]");
      }
    } else if (want instanceof long[] w) {
      assertArrayEquals(w, (long[]) got, what);
    } else {
      assertArrayEquals((boolean[]) want, (boolean[]) got, what);
    }
  }

  @Test
  void copyFillAndCastsOnStridedLayouts() {
    Pair src = Pair.of(randoms(24, 1));
    Layout t = Layout.contiguous(4, 6).transpose(0, 1); // [6, 4], strided
    for (DType to : DType.values()) {
      Pair dst = Pair.zeros(to, 24);
      CPU.copy(src.cpu(), t, dst.cpu(), Layout.contiguous(6, 4));
      dev.copy(src.gpu(), t, dst.gpu(), Layout.contiguous(6, 4));
      Object[] r = dst.read(Layout.contiguous(24));
      assertClose(r[0], r[1], 0, "copy f64 -> " + to);
      Layout every3 = Layout.of(new int[] {8}, new long[] {3}, 1);
      CPU.fill(dst.cpu(), every3, 2.75);
      dev.fill(dst.gpu(), every3, 2.75);
      r = dst.read(Layout.contiguous(24));
      assertClose(r[0], r[1], 0, "fill " + to);
    }
  }

  @Test
  void unaryOpsMatch() {
    double[] x = randoms(40, 2);
    x[3] = Double.NaN;
    x[4] = -0.0;
    x[5] = Double.POSITIVE_INFINITY;
    Layout view = Layout.of(new int[] {4, 5}, new long[] {1, 8}, 0); // strided, every other
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Pair src = Pair.of(t == DType.FLOAT32 ? floats(x) : x);
      for (UnaryOp op : UnaryOp.values()) {
        Pair dst = Pair.zeros(t, 20);
        CPU.unary(op, src.cpu(), view, dst.cpu(), Layout.contiguous(4, 5), -0.5, 1.5);
        dev.unary(op, src.gpu(), view, dst.gpu(), Layout.contiguous(4, 5), -0.5, 1.5);
        Object[] r = dst.read(Layout.contiguous(20));
        // CUDA's double exp, log and tanh are within 1 ulp, erf within 2 (the CPU's own erf
        // within "a few"), sigmoid composes two roundings more.
        int ulps = op.keepsIntegers() || op == UnaryOp.SQRT ? 0 : op == UnaryOp.ERF ? 6 : 2;
        assertClose(r[0], r[1], ulps, op + " " + t);
      }
    }
    Pair ints = Pair.of(new long[] {-3, 0, 5, Long.MIN_VALUE, 9, -1});
    for (UnaryOp op : UnaryOp.values()) {
      if (op.keepsIntegers()) {
        Pair dst = Pair.zeros(DType.INT64, 6);
        CPU.unary(op, ints.cpu(), Layout.contiguous(6), dst.cpu(), Layout.contiguous(6), -2, 4);
        dev.unary(op, ints.gpu(), Layout.contiguous(6), dst.gpu(), Layout.contiguous(6), -2, 4);
        Object[] r = dst.read(Layout.contiguous(6));
        assertClose(r[0], r[1], 0, op + " int64");
      }
    }
  }

  @Test
  void binaryOpsBroadcastAndScalarsMatch() {
    double[] a = randoms(12, 3);
    double[] b = randoms(4, 4);
    b[1] = 0;
    Layout la = Layout.contiguous(3, 4);
    Layout lb = Layout.contiguous(4).expand(new int[] {3, 4}); // stride 0 rows
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Pair pa = Pair.of(t == DType.FLOAT32 ? floats(a) : a);
      Pair pb = Pair.of(t == DType.FLOAT32 ? floats(b) : b);
      for (BinaryOp op : BinaryOp.values()) {
        if (op == BinaryOp.LOGICAL_AND || op == BinaryOp.LOGICAL_OR) {
          continue;
        }
        DType out = op.isComparison() ? DType.BOOL : t;
        Pair dst = Pair.zeros(out, 12);
        CPU.binary(op, pa.cpu(), la, pb.cpu(), lb, dst.cpu(), la);
        dev.binary(op, pa.gpu(), la, pb.gpu(), lb, dst.gpu(), la);
        Object[] r = dst.read(la);
        assertClose(r[0], r[1], op == BinaryOp.POW ? 2 : 0, op + " " + t);
        Pair ds = Pair.zeros(out, 12);
        CPU.binaryScalar(op, pa.cpu(), la, 0.75, true, ds.cpu(), la);
        dev.binaryScalar(op, pa.gpu(), la, 0.75, true, ds.gpu(), la);
        r = ds.read(la);
        assertClose(r[0], r[1], op == BinaryOp.POW ? 2 : 0, op + " scalar-first " + t);
      }
    }
    Pair bools = Pair.of(new boolean[] {true, false, true, false});
    Pair other = Pair.of(new boolean[] {true, true, false, false});
    for (BinaryOp op : new BinaryOp[] {BinaryOp.LOGICAL_AND, BinaryOp.LOGICAL_OR, BinaryOp.ADD,
        BinaryOp.EQ}) {
      Pair dst = Pair.zeros(DType.BOOL, 4);
      Layout l = Layout.contiguous(4);
      CPU.binary(op, bools.cpu(), l, other.cpu(), l, dst.cpu(), l);
      dev.binary(op, bools.gpu(), l, other.gpu(), l, dst.gpu(), l);
      Object[] r = dst.read(l);
      assertClose(r[0], r[1], 0, op + " bool");
    }
  }

  @Test
  void whereMatches() {
    Pair cond = Pair.of(new boolean[] {true, false, false, true, true, false});
    Pair a = Pair.of(randoms(6, 5));
    Pair b = Pair.of(randoms(3, 6));
    Layout l = Layout.contiguous(2, 3);
    Layout lb = Layout.contiguous(3).expand(new int[] {2, 3});
    Pair dst = Pair.zeros(DType.FLOAT64, 6);
    CPU.where(cond.cpu(), l, a.cpu(), l, b.cpu(), lb, dst.cpu(), l);
    dev.where(cond.gpu(), l, a.gpu(), l, b.gpu(), lb, dst.gpu(), l);
    Object[] r = dst.read(l);
    assertClose(r[0], r[1], 0, "where");
  }

  @Test
  void reductionsMatchWithIndices() {
    double[] x = randoms(5 * 300, 7);
    x[17] = Double.NaN;
    Pair src = Pair.of(x);
    Layout permuted = Layout.contiguous(300, 5).transpose(0, 1); // rows of 300, strided
    for (ReduceOp op : ReduceOp.values()) {
      for (DType out : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
        Pair values = Pair.zeros(out, 6);
        Pair idx = Pair.zeros(DType.INT64, 6);
        boolean withIdx = op == ReduceOp.MAX || op == ReduceOp.MIN;
        CPU.reduce(op, src.cpu(), permuted, 5, 300, values.cpu(), 1, withIdx ? idx.cpu() : null,
            1, 1.0);
        dev.reduce(op, src.gpu(), permuted, 5, 300, values.gpu(), 1, withIdx ? idx.gpu() : null,
            1, 1.0);
        Object[] r = values.read(Layout.contiguous(6));
        // 300 terms of magnitude <= 3 added in another order (a tree on the device): the
        // difference is within 300 eps times the sum of magnitudes (900), 6e-11, or 300 ulp of a
        // large result (PROD), before the rounding to the output dtype (1 ulp of float32).
        double[] w = toDoubles(r[0]);
        double[] g = toDoubles(r[1]);
        for (int i = 0; i < w.length; i++) {
          double ulp = out == DType.FLOAT64 ? 300 * Math.ulp(w[i]) : Math.ulp((float) w[i]);
          double tol = Double.isFinite(w[i]) ? Math.max(ulp, 6e-11) : 0;
          assertEquals(w[i], g[i], tol, op + " -> " + out + " [" + i + "]");
        }
        if (withIdx) {
          Object[] ri = idx.read(Layout.contiguous(6));
          assertClose(ri[0], ri[1], 0, op + " indices");
        }
      }
    }
    Pair longs = Pair.of(new long[] {3, -9, Long.MAX_VALUE, 4, 4, 1});
    for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.PROD, ReduceOp.MAX,
        ReduceOp.MIN}) {
      Pair values = Pair.zeros(DType.INT64, 2);
      Pair idx = Pair.zeros(DType.INT64, 2);
      CPU.reduce(op, longs.cpu(), Layout.contiguous(2, 3), 2, 3, values.cpu(), 0, idx.cpu(), 0,
          0);
      dev.reduce(op, longs.gpu(), Layout.contiguous(2, 3), 2, 3, values.gpu(), 0, idx.gpu(), 0,
          0);
      Object[] r = values.read(Layout.contiguous(2));
      assertClose(r[0], r[1], 0, op + " int64");
    }
  }

  @Test
  void gemmMatchesIncludingTransposedAndBatched() {
    int m = 7;
    int n = 5;
    int k = 9;
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      double[] a = randoms(2 * m * k, 8);
      double[] b = randoms(2 * k * n, 9);
      Pair pa = Pair.of(t == DType.FLOAT32 ? floats(a) : a);
      Pair pb = Pair.of(t == DType.FLOAT32 ? floats(b) : b);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          Pair c = Pair.zeros(t, 2 * m * n);
          long lda = ta ? m : k;
          long ldb = tb ? k : n;
          CPU.gemm(ta, tb, m, n, k, 1.5, pa.cpu(), 0, lda, m * k, pb.cpu(), 0, ldb, k * n, 0,
              c.cpu(), 0, n, m * n, 2);
          dev.gemm(ta, tb, m, n, k, 1.5, pa.gpu(), 0, lda, m * k, pb.gpu(), 0, ldb, k * n, 0,
              c.gpu(), 0, n, m * n, 2);
          Object[] r = c.read(Layout.contiguous(2 * m * n));
          // k = 9 products in another order (FMA or not): 16 ulp of each result's magnitude
          // bound by sum |a||b| <= 9 * 9 * 1.5, so an absolute bound.
          double eps = t == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
          double[] w = toDoubles(r[0]);
          double[] g = toDoubles(r[1]);
          for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], 16 * eps * 9 * 9 * 1.5, "gemm " + t + " " + ta + tb);
          }
        }
      }
    }
    Pair ia = Pair.of(new long[] {1, 2, 3, 4, 5, 6});
    Pair ic = Pair.zeros(DType.INT64, 4);
    CPU.gemm(false, true, 2, 2, 3, 1, ia.cpu(), 0, 3, 0, ia.cpu(), 0, 3, 0, 0, ic.cpu(), 0, 2, 0,
        1);
    dev.gemm(false, true, 2, 2, 3, 1, ia.gpu(), 0, 3, 0, ia.gpu(), 0, 3, 0, 0, ic.gpu(), 0, 2, 0,
        1);
    Object[] r = ic.read(Layout.contiguous(4));
    assertArrayEquals(new long[] {14, 32, 32, 77}, (long[]) r[1]);
  }

  private static double[] toDoubles(Object a) {
    if (a instanceof double[] d) {
      return d;
    }
    float[] f = (float[]) a;
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Test
  void pointwiseAdamMatches() {
    Pointwise.Builder b = Pointwise.builder();
    Pointwise.Value p = b.input();
    Pointwise.Value g = b.input();
    Pointwise.Value m = b.input();
    Pointwise.Value lr = b.scalar();
    Pointwise.Value beta = b.scalar();
    Pointwise.Value m2 = b.add(b.mul(beta, m), b.mul(b.sub(b.constant(1), beta), g));
    Pointwise.Value p2 = b.sub(p, b.mul(lr, b.div(m2, b.add(b.sqrt(b.mul(m2, m2)),
        b.constant(1e-8)))));
    Pointwise prog = b.output(p2).output(m2).build();
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Pair[] s = new Pair[3];
      for (int i = 0; i < 3; i++) {
        double[] x = randoms(1000, 20 + i);
        s[i] = Pair.of(t == DType.FLOAT32 ? floats(x) : x);
      }
      double[] scalars = {0.01, 0.9};
      CPU.pointwise(prog, scalars, 1000, new Storage[] {s[0].cpu(), s[1].cpu(), s[2].cpu()},
          new long[3], new Storage[] {s[0].cpu(), s[2].cpu()}, new long[2]);
      dev.pointwise(prog, scalars, 1000, new Storage[] {s[0].gpu(), s[1].gpu(), s[2].gpu()},
          new long[3], new Storage[] {s[0].gpu(), s[2].gpu()}, new long[2]);
      for (int i : new int[] {0, 2}) {
        Object[] r = s[i].read(Layout.contiguous(1000));
        assertClose(r[0], r[1], 0, "pointwise " + t + " output of storage " + i);
      }
    }
  }

  @Test
  void indexingMatchesAndBadIndicesThrowAtTheNextWait() {
    Pair src = Pair.of(randoms(12, 30));
    Pair idx = Pair.of(new long[] {2, 0, 2});
    Layout ls = Layout.contiguous(3, 4).transpose(0, 1); // [4, 3]
    Pair dst = Pair.zeros(DType.FLOAT64, 12);
    CPU.indexSelect(src.cpu(), ls, 1, idx.cpu(), Layout.contiguous(3), dst.cpu(),
        Layout.contiguous(4, 3));
    dev.indexSelect(src.gpu(), ls, 1, idx.gpu(), Layout.contiguous(3), dst.gpu(),
        Layout.contiguous(4, 3));
    Object[] r = dst.read(Layout.contiguous(12));
    assertClose(r[0], r[1], 0, "indexSelect");

    Pair gidx = Pair.of(new long[] {0, 2, 1, 1, 0, 0, 2, 2, 1, 0, 1, 2});
    Pair gd = Pair.zeros(DType.FLOAT64, 12);
    CPU.gather(src.cpu(), ls, 1, gidx.cpu(), Layout.contiguous(4, 3), gd.cpu(),
        Layout.contiguous(4, 3));
    dev.gather(src.gpu(), ls, 1, gidx.gpu(), Layout.contiguous(4, 3), gd.gpu(),
        Layout.contiguous(4, 3));
    r = gd.read(Layout.contiguous(12));
    assertClose(r[0], r[1], 0, "gather");

    Pair acc = Pair.zeros(DType.FLOAT64, 12);
    CPU.scatterAdd(acc.cpu(), Layout.contiguous(4, 3), 1, gidx.cpu(), Layout.contiguous(4, 3),
        src.cpu(), Layout.contiguous(4, 3));
    dev.scatterAdd(acc.gpu(), Layout.contiguous(4, 3), 1, gidx.gpu(), Layout.contiguous(4, 3),
        src.gpu(), Layout.contiguous(4, 3));
    r = acc.read(Layout.contiguous(12));
    assertClose(r[0], r[1], 2, "scatterAdd (atomic order: 2 ulp)");

    Pair ia = Pair.zeros(DType.FLOAT64, 12);
    CPU.indexAdd(ia.cpu(), Layout.contiguous(3, 4), 0, idx.cpu(), Layout.contiguous(3),
        src.cpu(), Layout.contiguous(3, 4));
    dev.indexAdd(ia.gpu(), Layout.contiguous(3, 4), 0, idx.gpu(), Layout.contiguous(3),
        src.gpu(), Layout.contiguous(3, 4));
    r = ia.read(Layout.contiguous(12));
    assertClose(r[0], r[1], 2, "indexAdd (atomic order: 2 ulp)");

    Pair bad = Pair.of(new long[] {1, 7, -1});
    IndexOutOfBoundsException cpuError = assertThrows(IndexOutOfBoundsException.class,
        () -> CPU.indexSelect(src.cpu(), ls, 1, bad.cpu(), Layout.contiguous(3), dst.cpu(),
            Layout.contiguous(4, 3)));
    dev.indexSelect(src.gpu(), ls, 1, bad.gpu(), Layout.contiguous(3), dst.gpu(),
        Layout.contiguous(4, 3)); // queued: reported when the host next waits
    IndexOutOfBoundsException gpuError = assertThrows(IndexOutOfBoundsException.class,
        () -> dev.toHostArray(dst.gpu(), Layout.contiguous(12)));
    assertEquals(cpuError.getMessage(), gpuError.getMessage());
    // Reported once: the next read succeeds.
    dev.toHostArray(dst.gpu(), Layout.contiguous(12));
  }

  @Test
  void checkRangeReportsTheFirstOffendingValue() {
    Pair x = Pair.of(new double[] {0.5, 2, 0.25, -1, 7});
    dev.checkRange(x.gpu(), Layout.contiguous(5), 0, 1, 2, v -> new IllegalArgumentException(
        "bad value " + v));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dev.toHostArray(x.gpu(), Layout.contiguous(5)));
    assertEquals("bad value -1.0", e.getMessage());
  }

  @Test
  void inverseMatchesAndSingularThrows() {
    double[] a = {4, 7, 2, 6, 1, 2, 3, 4};
    Pair pa = Pair.of(a);
    Pair inv = Pair.zeros(DType.FLOAT64, 8);
    CPU.inverse(pa.cpu(), 0, inv.cpu(), 0, 2, 2);
    dev.inverse(pa.gpu(), 0, inv.gpu(), 0, 2, 2);
    Object[] r = inv.read(Layout.contiguous(8));
    // Gauss-Jordan here, LU on the CPU: entries of magnitude <= 2 of well-conditioned 2x2
    // matrices (condition number < 20) agree to 20 eps.
    compare(r, 20 * 0x1p-52, "inverse");
    Pair singular = Pair.of(new double[] {1, 2, 2, 4});
    dev.inverse(singular.gpu(), 0, inv.gpu(), 0, 1, 2);
    assertThrows(SingularMatrixException.class, () -> dev.toHostArray(inv.gpu(),
        Layout.contiguous(8)));
    // Singular only up to rounding: the CPU's relative pivot test says so, and so must the GPU.
    Pair nearly = Pair.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    Pair inv3 = Pair.zeros(DType.FLOAT64, 9);
    assertThrows(SingularMatrixException.class,
        () -> CPU.inverse(nearly.cpu(), 0, inv3.cpu(), 0, 1, 3));
    dev.inverse(nearly.gpu(), 0, inv3.gpu(), 0, 1, 3);
    assertThrows(SingularMatrixException.class, () -> dev.toHostArray(inv3.gpu(),
        Layout.contiguous(9)));
  }

  @Test
  void convolutionAndPoolingMatch() {
    Window2d w = new Window2d(2, 4, 7, 6, 3, 2, 2, 1, 1, 1, 1, 2, 4, 4);
    int groups = 2;
    int oc = 6;
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      double[] x = randoms(2 * 4 * 7 * 6, 40);
      double[] k = randoms(oc * 2 * 3 * 2, 41);
      double[] bias = randoms(oc, 42);
      double[] g = randoms(2 * oc * 16, 43);
      Pair px = Pair.of(t == DType.FLOAT32 ? floats(x) : x);
      Pair pk = Pair.of(t == DType.FLOAT32 ? floats(k) : k);
      Pair pb = Pair.of(t == DType.FLOAT32 ? floats(bias) : bias);
      Pair pg = Pair.of(t == DType.FLOAT32 ? floats(g) : g);
      Layout lx = Layout.contiguous(2, 4, 7, 6);
      Layout lk = Layout.contiguous(oc, 2, 3, 2);
      Layout ly = Layout.contiguous(2, oc, 4, 4);
      Pair y = Pair.zeros(t, 2 * oc * 16);
      CPU.conv2d(px.cpu(), lx, pk.cpu(), lk, pb.cpu(), Layout.contiguous(oc), y.cpu(), ly, w,
          groups);
      dev.conv2d(px.gpu(), lx, pk.gpu(), lk, pb.gpu(), Layout.contiguous(oc), y.gpu(), ly, w,
          groups);
      double tol = (t == DType.FLOAT32 ? 0x1p-23 : 0x1p-52) * 64 * 12 * 9;
      compare(y.read(ly), tol, "conv2d " + t);
      Pair dx = Pair.zeros(t, x.length);
      CPU.conv2dInputGrad(pg.cpu(), ly, pk.cpu(), lk, dx.cpu(), lx, w, groups);
      dev.conv2dInputGrad(pg.gpu(), ly, pk.gpu(), lk, dx.gpu(), lx, w, groups);
      compare(dx.read(lx), tol, "conv2dInputGrad " + t);
      Pair dk = Pair.zeros(t, k.length);
      CPU.conv2dWeightGrad(pg.cpu(), ly, px.cpu(), lx, dk.cpu(), lk, w, groups);
      dev.conv2dWeightGrad(pg.gpu(), ly, px.gpu(), lx, dk.gpu(), lk, w, groups);
      compare(dk.read(lk), tol * 4, "conv2dWeightGrad " + t);

      Window2d pw = new Window2d(2, 4, 7, 6, 3, 2, 2, 2, 1, 1, 1, 1, 4, 4);
      Layout lp = Layout.contiguous(2, 4, 4, 4);
      Pair mp = Pair.zeros(t, 128);
      CPU.maxPool2d(px.cpu(), lx, mp.cpu(), lp, pw);
      dev.maxPool2d(px.gpu(), lx, mp.gpu(), lp, pw);
      compare(mp.read(lp), 0, "maxPool2d " + t);
      Pair gp = Pair.of(t == DType.FLOAT32 ? floats(randoms(128, 44)) : randoms(128, 44));
      Pair mg = Pair.zeros(t, x.length);
      CPU.maxPool2dGrad(gp.cpu(), lp, px.cpu(), lx, mg.cpu(), lx, pw);
      dev.maxPool2dGrad(gp.gpu(), lp, px.gpu(), lx, mg.gpu(), lx, pw);
      compare(mg.read(lx), 0, "maxPool2dGrad " + t);
      for (boolean pad : new boolean[] {false, true}) {
        Pair ap = Pair.zeros(t, 128);
        CPU.avgPool2d(px.cpu(), lx, ap.cpu(), lp, pw, pad);
        dev.avgPool2d(px.gpu(), lx, ap.gpu(), lp, pw, pad);
        compare(ap.read(lp), 0, "avgPool2d " + t);
        Pair ag = Pair.zeros(t, x.length);
        CPU.avgPool2dGrad(gp.cpu(), lp, ag.cpu(), lx, pw, pad);
        dev.avgPool2dGrad(gp.gpu(), lp, ag.gpu(), lx, pw, pad);
        compare(ag.read(lx), 0, "avgPool2dGrad " + t);
      }
      Layout la = Layout.contiguous(2, 4, 3, 4);
      Pair aa = Pair.zeros(t, 96);
      CPU.adaptiveAvgPool2d(px.cpu(), lx, aa.cpu(), la);
      dev.adaptiveAvgPool2d(px.gpu(), lx, aa.gpu(), la);
      compare(aa.read(la), 0, "adaptiveAvgPool2d " + t);
      Pair ga = Pair.of(t == DType.FLOAT32 ? floats(randoms(96, 45)) : randoms(96, 45));
      Pair ad = Pair.zeros(t, x.length);
      CPU.adaptiveAvgPool2dGrad(ga.cpu(), la, ad.cpu(), lx);
      dev.adaptiveAvgPool2dGrad(ga.gpu(), la, ad.gpu(), lx);
      compare(ad.read(lx), 0, "adaptiveAvgPool2dGrad " + t);
    }
  }

  private static void compare(Object[] r, double tol, String what) {
    double[] w = toDoubles(r[0]);
    double[] g = toDoubles(r[1]);
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], g[i], tol, what + " [" + i + "]");
    }
  }

  @Test
  void randomDrawsAreTheCpusNumbers() {
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Pair u = Pair.zeros(t, 1001);
      CPU.randomUniform(u.cpu(), 1, 999, 77, 5, -1, 2);
      dev.randomUniform(u.gpu(), 1, 999, 77, 5, -1, 2);
      Object[] r = u.read(Layout.contiguous(1001));
      assertClose(r[0], r[1], 0, "uniform " + t);
      Pair nrm = Pair.zeros(t, 1001);
      CPU.randomNormal(nrm.cpu(), 0, 1001, 78, 6, 1, 3);
      dev.randomNormal(nrm.gpu(), 0, 1001, 78, 6, 1, 3);
      r = nrm.read(Layout.contiguous(1001));
      compare(r, t == DType.FLOAT32 ? 1e-5 : 1e-12, "normal " + t);
    }
    for (DType t : DType.values()) {
      Pair bern = Pair.zeros(t, 500);
      CPU.randomBernoulli(bern.cpu(), 0, 500, 79, 0, 0.4);
      dev.randomBernoulli(bern.gpu(), 0, 500, 79, 0, 0.4);
      Object[] r = bern.read(Layout.contiguous(500));
      assertClose(r[0], r[1], 0, "bernoulli " + t);
    }
    Pair ints = Pair.zeros(DType.INT64, 500);
    CPU.randomInt(ints.cpu(), 0, 500, 80, 3, -10, 1L << 40);
    dev.randomInt(ints.gpu(), 0, 500, 80, 3, -10, 1L << 40);
    Object[] r = ints.read(Layout.contiguous(500));
    assertClose(r[0], r[1], 0, "randint");
  }

  @Test
  void fusedOptimizersMatchTheFormula() {
    CudaBackend cuda = (CudaBackend) dev;
    double[] p = randoms(300, 50);
    double[] g = randoms(300, 51);
    double[] m = randoms(300, 52);
    double[] v = randoms(300, 53);
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    Storage sp = dev.fromHostArray(p.clone());
    Storage sg = dev.fromHostArray(g);
    Storage sm = dev.fromHostArray(m.clone());
    Storage sv = dev.fromHostArray(v.clone());
    cuda.adam(List.of(sp), List.of(sg), List.of(sm), List.of(sv), 1e-3, 0.9, 0.999, 1e-8, 0.01,
        true, 3);
    double[] gp = (double[]) dev.toHostArray(sp, Layout.contiguous(300));
    double bc1 = 1 - Math.pow(0.9, 3);
    double bc2 = Math.sqrt(1 - Math.pow(0.999, 3));
    for (int i = 0; i < 300; i++) {
      double param = p[i] * (1 - 1e-3 * 0.01);
      double mi = m[i] + (1 - 0.9) * (g[i] - m[i]);
      double vi = 0.999 * v[i] + (1 - 0.999) * g[i] * g[i];
      double want = param - 1e-3 / bc1 * (mi / (Math.sqrt(vi) / bc2 + 1e-8));
      assertEquals(want, gp[i], 8 * Math.ulp(want), "adamw element " + i);
    }
    Storage buf = dev.allocate(DType.FLOAT64, 300);
    Storage sp2 = dev.fromHostArray(p.clone());
    cuda.sgdMomentum(List.of(sp2), List.of(sg), List.of(buf), 0.1, 0.9, 0, 0, false, true);
    double[] gs = (double[]) dev.toHostArray(sp2, Layout.contiguous(300));
    for (int i = 0; i < 300; i++) {
      assertEquals(p[i] - 0.1 * g[i], gs[i], 2 * Math.ulp(p[i]), "sgd element " + i);
    }
  }

  @Test
  void releasedMemoryReturnsToTheCacheAndTensorsMoveBetweenDevices() {
    CudaBackend cuda = (CudaBackend) dev;
    long before = cuda.memoryAllocated();
    Storage s = dev.allocate(DType.FLOAT32, 1000);
    assertEquals(before + 4096, cuda.memoryAllocated()); // 4000 bytes rounded to 512s
    dev.release(s);
    assertEquals(before, cuda.memoryAllocated());
    assertThrows(IllegalStateException.class, () -> dev.toHostArray(s, Layout.contiguous(10)));
    Tensor t = Tensor.of(1f, 2f, 3f);
    Tensor onGpu = t.to(Device.cuda(0));
    assertEquals(Device.cuda(0), onGpu.device());
    assertArrayEquals(new float[] {1f, 2f, 3f},
        (float[]) dev.toHostArray(onGpu.storage(), onGpu.layout()));
    assertTrue(cuda.memoryReserved() >= cuda.memoryAllocated());
  }
}
