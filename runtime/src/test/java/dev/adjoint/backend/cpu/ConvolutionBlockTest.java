package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Functional;
import dev.adjoint.nn.FunctionalRules;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Float32 convolutions over batches that {@link Convolution} unfolds a few samples at a time
 * (blocks of 4, 4, 2 and of 17, 3 here, with padding, stride, dilation and groups): the same bits
 * at 1, 2 and 3 threads, and each sample's output and input gradient within float32 rounding of
 * the float64 convolution of that sample alone. The bound: a float32 sum of n products errs by
 * at most n * 2^-24 * sum |terms|; here n <= 288 (the input gradient of 32 channels by 3x3) and
 * the sums of |N(0, 1) N(0, 1)| stay below 200, so 3.4e-3, and the test allows 4e-3; a sample
 * read from or written to the wrong block errs by O(1).
 */
class ConvolutionBlockTest {
  private int threadsBefore;

  @BeforeEach
  void saveThreads() {
    threadsBefore = Threads.getNumThreads();
  }

  @AfterEach
  void restoreThreads() {
    Threads.setNumThreads(threadsBefore);
  }

  private record Case(int[] x, int[] w, int stride, int pad, int dilation, int groups) {}

  @Test
  void blocksOfSamplesGiveEachSamplesConvolutionAtEveryThreadCount() {
    Case[] cases = {
        new Case(new int[] {10, 16, 14, 14}, new int[] {32, 16, 3, 3}, 1, 1, 1, 1),
        new Case(new int[] {20, 8, 31, 29}, new int[] {6, 4, 3, 3}, 2, 1, 2, 2),
    };
    Generator gen = new Generator(5);
    for (Case c : cases) {
      int[] s = {c.stride};
      int[] p = {c.pad};
      int[] d = {c.dilation};
      Tensor x = Tensor.randn(gen, c.x);
      Tensor w = Tensor.randn(gen, c.w);
      Tensor b = Tensor.randn(gen, c.w[0]);
      Threads.setNumThreads(1);
      Tensor out = Functional.conv2d(x, w, b, s, p, d, c.groups);
      Tensor g = Tensor.randn(gen, out.shape());
      Tensor gx = FunctionalRules.conv2dInput(g, w, x.shape(), s, p, d, c.groups);
      for (int threads : new int[] {2, 3}) {
        Threads.setNumThreads(threads);
        assertArrayEquals(out.toFloatArray(),
            Functional.conv2d(x, w, b, s, p, d, c.groups).toFloatArray(), threads + " threads");
        assertArrayEquals(gx.toFloatArray(), FunctionalRules.conv2dInput(g, w, x.shape(), s, p,
            d, c.groups).toFloatArray(), threads + " threads");
      }
      Tensor x64 = x.to(DType.FLOAT64);
      Tensor w64 = w.to(DType.FLOAT64);
      Tensor b64 = b.to(DType.FLOAT64);
      for (int n = 0; n < c.x[0]; n++) {
        Tensor xs = x64.narrow(0, n, 1);
        Tensor gs = g.narrow(0, n, 1).to(DType.FLOAT64);
        Tensor ref = Functional.conv2d(xs, w64, b64, s, p, d, c.groups);
        Tensor refGx = FunctionalRules.conv2dInput(gs, w64, xs.shape(), s, p, d, c.groups);
        assertTrue(out.narrow(0, n, 1).to(DType.FLOAT64).allClose(ref, 0, 4e-3),
            "output of sample " + n);
        assertTrue(gx.narrow(0, n, 1).to(DType.FLOAT64).allClose(refGx, 0, 4e-3),
            "input gradient of sample " + n);
      }
    }
  }

  /**
   * The output and input gradient by the definition, in loops over every output position and
   * weight (float64): {@code out[n, o, i, j] = b[o] + sum x[n, c, i s - p + kh d, j s - p + kw d]
   * w[o, c', kh, kw]} over the group's channels, and its adjoints (input and weight).
   */
  private static double[][] direct(double[] x, int[] xs, double[] w, int[] ws, double[] g,
      int[] s, int[] p, int[] d, int groups) {
    int n = xs[0];
    int c = xs[1];
    int h = xs[2];
    int wd = xs[3];
    int oc = ws[0];
    int cg = ws[1];
    int kh = ws[2];
    int kw = ws[3];
    int oh = (h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0] + 1;
    int ow = (wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1] + 1;
    double[] out = new double[n * oc * oh * ow];
    double[] gx = new double[x.length];
    double[] gw = new double[w.length];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < oc; o++) {
        int grp = o / (oc / groups);
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            int at = ((b * oc + o) * oh + i) * ow + j;
            double sum = 0;
            for (int cc = 0; cc < cg; cc++) {
              int ch = grp * cg + cc;
              for (int a = 0; a < kh; a++) {
                int r = i * s[0] - p[0] + a * d[0];
                for (int e = 0; e < kw; e++) {
                  int q = j * s[1] - p[1] + e * d[1];
                  if (r < 0 || r >= h || q < 0 || q >= wd) {
                    continue;
                  }
                  int xi = ((b * c + ch) * h + r) * wd + q;
                  int wi = ((o * cg + cc) * kh + a) * kw + e;
                  sum += x[xi] * w[wi];
                  gx[xi] += g[at] * w[wi];
                  gw[wi] += g[at] * x[xi];
                }
              }
            }
            out[at] = sum;
          }
        }
      }
    }
    return new double[][] {out, gx, gw};
  }

  @Test
  void sameSizeAndOtherWindowsMatchTheDefinition() {
    // {kh, kw, sh, sw, ph, pw, dh, dw, groups}: "same" windows (one run per row pair), with a
    // non-square kernel and with dilation, then ones that are not; the weight gradient's GEMM
    // runs transposed where K >= OC/groups (all but the 1x1 window).
    int[][] cases = {{3, 3, 1, 1, 1, 1, 1, 1, 1}, {3, 5, 1, 1, 1, 2, 1, 1, 2},
        {3, 3, 1, 1, 2, 2, 2, 2, 1}, {1, 1, 1, 1, 0, 0, 1, 1, 1}, {3, 3, 2, 2, 1, 1, 1, 1, 1},
        {3, 3, 1, 1, 0, 0, 1, 1, 2}, {2, 3, 1, 2, 1, 1, 1, 2, 1}};
    Generator gen = new Generator(9);
    for (int[] k : cases) {
      int groups = k[8];
      int[] xs = {3, 4, 9, 11};
      int[] ws = {6, 4 / groups, k[0], k[1]};
      int[] s = {k[2], k[3]};
      int[] p = {k[4], k[5]};
      int[] d = {k[6], k[7]};
      Tensor x = Tensor.randn(gen, xs).to(DType.FLOAT64);
      Tensor w = Tensor.randn(gen, ws).to(DType.FLOAT64);
      Tensor out = Functional.conv2d(x, w, null, s, p, d, groups);
      Tensor g = Tensor.randn(gen, out.shape()).to(DType.FLOAT64);
      Tensor gx = FunctionalRules.conv2dInput(g, w, xs, s, p, d, groups);
      double[][] ref = direct(x.toDoubleArray(), xs, w.toDoubleArray(), ws, g.toDoubleArray(),
          s, p, d, groups);
      String what = java.util.Arrays.toString(k);
      // Sums of at most 4 * 15 products of N(0, 1) values in float64: errors near 1e-14.
      assertTrue(out.allClose(Tensor.fromArray(ref[0], out.shape()), 0, 1e-12), what);
      assertTrue(gx.allClose(Tensor.fromArray(ref[1], xs), 0, 1e-12), what);
      // The weight gradient sums over 3 samples and every output position: at most 3 * 99
      // products, still near 1e-13 in float64.
      Tensor gw = FunctionalRules.conv2dWeight(g, x, ws, s, p, d, groups);
      assertTrue(gw.allClose(Tensor.fromArray(ref[2], ws), 0, 1e-11), what + " weight");
      for (int threads : new int[] {2, 3}) {
        Threads.setNumThreads(threads);
        assertTrue(FunctionalRules.conv2dWeight(g, x, ws, s, p, d, groups)
            .allClose(Tensor.fromArray(ref[2], ws), 0, 1e-11), what + " weight, " + threads);
      }
      Threads.setNumThreads(1);
      Tensor gx32 = FunctionalRules.conv2dInput(g.to(DType.FLOAT32), w.to(DType.FLOAT32), xs, s,
          p, d, groups);
      Tensor out32 = Functional.conv2d(x.to(DType.FLOAT32), w.to(DType.FLOAT32), null, s, p, d,
          groups);
      // Float32: at most 60 products, sums of |terms| below 60: 60 * 2^-24 * 60 < 3e-4.
      assertTrue(out32.to(DType.FLOAT64).allClose(Tensor.fromArray(ref[0], out.shape()), 0,
          3e-4), what + " float32");
      assertTrue(gx32.to(DType.FLOAT64).allClose(Tensor.fromArray(ref[1], xs), 0, 3e-4),
          what + " float32");
    }
  }
}
