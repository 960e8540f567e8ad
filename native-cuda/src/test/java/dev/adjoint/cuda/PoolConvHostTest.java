package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.Backends;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The element functions of the pooling and im2col/col2im kernels (pool.cuh, conv.cuh), run on the
 * host over every element the kernels give one thread each, against the CPU backend: pooling
 * forward and backward bit for bit (same additions in the same order), and convolution forward
 * and input gradient composed as the CUDA backend composes them (im2col, a product with the
 * weight, col2im) to summation-order rounding. Windows with padding, stride, dilation and
 * groups, float32 and float64.
 */
class PoolConvHostTest {
  private static final Backend CPU = Backends.cpu();

  @BeforeEach
  void built() {
    HostKernels.assumeBuilt();
  }

  private static int out(int size, int k, int s, int p, int d) {
    return (size + 2 * p - d * (k - 1) - 1) / s + 1;
  }

  private static Window2d window(int n, int c, int h, int w, int kh, int kw, int sh, int sw,
      int ph, int pw, int dh, int dw) {
    return new Window2d(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, out(h, kh, sh, ph, dh),
        out(w, kw, sw, pw, dw));
  }

  private static int[] ints(Window2d w) {
    return new int[] {w.batch(), w.channels(), w.height(), w.width(), w.kernelH(), w.kernelW(),
        w.strideH(), w.strideW(), w.padH(), w.padW(), w.dilationH(), w.dilationW(), w.outH(),
        w.outW()};
  }

  private static double[] randoms(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(5) == 0 ? r.nextInt(3) : r.nextDouble(-2, 2); // ties for max pooling
    }
    return a;
  }

  private static final Window2d[] POOLS = {
      window(2, 3, 7, 6, 3, 2, 2, 2, 1, 1, 1, 1),
      window(1, 2, 8, 8, 2, 2, 2, 2, 0, 0, 1, 1),
      window(1, 1, 9, 7, 3, 3, 1, 2, 1, 0, 2, 1),
      window(2, 2, 5, 5, 3, 3, 3, 3, 1, 1, 1, 1)};

  @Test
  void maxPoolingMatchesTheCpu() {
    for (Window2d w : POOLS) {
      int in = w.batch() * w.channels() * w.inPlane();
      int on = w.batch() * w.channels() * w.outPlane();
      double[] x = randoms(in, in);
      x[3] = Double.NaN;
      double[] g = randoms(on, on + 1);
      Layout lx = Layout.contiguous(w.batch(), w.channels(), w.height(), w.width());
      Layout ly = Layout.contiguous(w.batch(), w.channels(), w.outH(), w.outW());
      Storage sx = CPU.fromHostArray(x);
      Storage sy = CPU.allocate(DType.FLOAT64, on);
      Storage sg = CPU.fromHostArray(g);
      Storage sdx = CPU.allocate(DType.FLOAT64, in);
      double[] hy = new double[on];
      double[] hdx = new double[in];
      if (w.dilationH() == 1 && w.dilationW() == 1) {
        for (boolean pad : new boolean[] {false, true}) {
          CPU.avgPool2d(sx, lx, sy, ly, w, pad);
          HostKernels.host_avg_pool2d_f64(x, ints(w), pad ? 1 : 0, hy);
          assertBits((double[]) CPU.toHostArray(sy, ly), hy, "avgPool2d " + w + " pad " + pad);
          CPU.avgPool2dGrad(sg, ly, sdx, lx, w, pad);
          HostKernels.host_avg_pool2d_grad_f64(g, ints(w), pad ? 1 : 0, hdx);
          assertBits((double[]) CPU.toHostArray(sdx, lx), hdx, "avgPool2dGrad " + w);
        }
      }
      CPU.maxPool2d(sx, lx, sy, ly, w);
      HostKernels.host_max_pool2d_f64(x, ints(w), hy);
      assertBits((double[]) CPU.toHostArray(sy, ly), hy, "maxPool2d " + w);
      CPU.maxPool2dGrad(sg, ly, sx, lx, sdx, lx, w);
      HostKernels.host_max_pool2d_grad_f64(g, x, ints(w), hdx);
      assertBits((double[]) CPU.toHostArray(sdx, lx), hdx, "maxPool2dGrad " + w);
      // float32 through the same element functions
      float[] xf = floats(x);
      float[] hyf = new float[on];
      CPU.maxPool2d(CPU.fromHostArray(xf), lx, sy = CPU.allocate(DType.FLOAT32, on), ly, w);
      HostKernels.host_max_pool2d_f32(xf, ints(w), hyf);
      assertEquals(java.util.Arrays.toString((float[]) CPU.toHostArray(sy, ly)),
          java.util.Arrays.toString(hyf), "maxPool2d f32 " + w);
    }
  }

  @Test
  void adaptiveAveragePoolingMatchesTheCpu() {
    int[][] shapes = {{2, 3, 7, 5, 3, 2}, {1, 2, 4, 4, 4, 4}, {1, 1, 5, 9, 2, 4}};
    for (int[] s : shapes) {
      int in = s[0] * s[1] * s[2] * s[3];
      int on = s[0] * s[1] * s[4] * s[5];
      double[] x = randoms(in, 7);
      double[] g = randoms(on, 8);
      Layout lx = Layout.contiguous(s[0], s[1], s[2], s[3]);
      Layout ly = Layout.contiguous(s[0], s[1], s[4], s[5]);
      Storage sy = CPU.allocate(DType.FLOAT64, on);
      CPU.adaptiveAvgPool2d(CPU.fromHostArray(x), lx, sy, ly);
      double[] hy = new double[on];
      HostKernels.host_adaptive_avg_pool2d_f64(x, s[0] * s[1], s[2], s[3], s[4], s[5], hy);
      assertBits((double[]) CPU.toHostArray(sy, ly), hy, "adaptiveAvgPool2d");
      Storage sdx = CPU.allocate(DType.FLOAT64, in);
      CPU.adaptiveAvgPool2dGrad(CPU.fromHostArray(g), ly, sdx, lx);
      double[] hdx = new double[in];
      HostKernels.host_adaptive_avg_pool2d_grad_f64(g, s[0] * s[1], s[2], s[3], s[4], s[5], hdx);
      assertBits((double[]) CPU.toHostArray(sdx, lx), hdx, "adaptiveAvgPool2dGrad");
    }
  }

  @Test
  void im2colAndCol2imComposeTheCpusConvolution() {
    Window2d[] windows = {window(2, 4, 7, 6, 3, 2, 2, 1, 1, 1, 1, 2),
        window(1, 2, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1), window(2, 6, 6, 7, 2, 3, 2, 2, 1, 0, 2, 1)};
    int[] groupsOf = {2, 1, 3};
    for (int t = 0; t < windows.length; t++) {
      Window2d w = windows[t];
      int groups = groupsOf[t];
      int oc = 2 * groups;
      int cg = w.channels() / groups;
      int ocg = oc / groups;
      int rows = cg * w.kernelArea();
      int plane = w.outPlane();
      int n = w.batch();
      double[] x = randoms(n * w.channels() * w.inPlane(), 11 + t);
      double[] k = randoms(oc * rows, 12 + t);
      double[] gy = randoms(n * oc * plane, 13 + t);
      Layout lx = Layout.contiguous(n, w.channels(), w.height(), w.width());
      Layout lk = Layout.contiguous(oc, cg, w.kernelH(), w.kernelW());
      Layout ly = Layout.contiguous(n, oc, w.outH(), w.outW());
      Storage sy = CPU.allocate(DType.FLOAT64, n * oc * plane);
      CPU.conv2d(CPU.fromHostArray(x), lx, CPU.fromHostArray(k), lk, null, null, sy, ly, w,
          groups);
      double[] want = (double[]) CPU.toHostArray(sy, ly);
      Storage sdx = CPU.allocate(DType.FLOAT64, x.length);
      CPU.conv2dInputGrad(CPU.fromHostArray(gy), ly, CPU.fromHostArray(k), lk, sdx, lx, w,
          groups);
      double[] wantDx = (double[]) CPU.toHostArray(sdx, lx);
      double[] y = new double[want.length];
      double[] dx = new double[x.length];
      for (int g = 0; g < groups; g++) {
        double[] col = new double[n * rows * plane];
        HostKernels.host_im2col_f64(x, ints(w), g * cg, cg, n, col);
        double[] colGrad = new double[n * rows * plane];
        for (int b = 0; b < n; b++) {
          for (int o = 0; o < ocg; o++) {
            for (int p = 0; p < plane; p++) {
              double s = 0;
              for (int r = 0; r < rows; r++) {
                s += k[(g * ocg + o) * rows + r] * col[(b * rows + r) * plane + p];
              }
              y[(b * oc + g * ocg + o) * plane + p] = s;
            }
          }
          for (int r = 0; r < rows; r++) {
            for (int p = 0; p < plane; p++) {
              double s = 0;
              for (int o = 0; o < ocg; o++) {
                s += k[(g * ocg + o) * rows + r] * gy[(b * oc + g * ocg + o) * plane + p];
              }
              colGrad[(b * rows + r) * plane + p] = s;
            }
          }
        }
        HostKernels.host_col2im_f64(colGrad, ints(w), g * cg, cg, n, dx);
      }
      // Sums of <= 18 products of values below 2 in magnitude, in another order: 1e-13.
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], y[i], 1e-13, "conv2d " + w + " [" + i + "]");
      }
      for (int i = 0; i < wantDx.length; i++) {
        assertEquals(wantDx[i], dx[i], 1e-13, "conv2dInputGrad " + w + " [" + i + "]");
      }
    }
  }

  private static float[] floats(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  private static void assertBits(double[] want, double[] got, String what) {
    for (int i = 0; i < want.length; i++) {
      assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
          what + " [" + i + "]: cpu " + want[i] + ", host " + got[i]);
    }
  }
}
