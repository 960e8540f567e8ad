package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import java.util.Arrays;

/**
 * 2-d convolution (cross-correlation, as in PyTorch) by im2col and the {@link Matmul} kernels.
 *
 * <p>For one sample and one group the input patches are unfolded into a {@code [K, L]} matrix
 * ("col", {@code K = C/groups * kernelH * kernelW} rows, one per weight element, and
 * {@code L = outH * outW} columns, one per output position), so that
 * <ul>
 *   <li>forward: {@code out_g [OC/groups, L] = weight_g [OC/groups, K] @ col};
 *   <li>input gradient: {@code dcol = weight_g^T [K, OC/groups] @ gout_g}, folded back into the
 *       input by col2im (overlapping windows accumulate);
 *   <li>weight gradient: {@code dweight_g += gout_g [OC/groups, L] @ col^T [L, K]}, summed over
 *       the batch.
 * </ul>
 * Samples are split over the cores in contiguous chunks; each chunk owns its scratch buffers (and,
 * for the weight gradient, a partial sum added up at the end), so nothing is shared while it runs.
 * All tensors are contiguous and of one floating dtype.
 */
final class Convolution {
  /** Below this many multiply-adds a convolution stays on the calling thread. */
  private static final long PARALLEL_WORK = 1L << 16;

  private Convolution() {}

  private static int chunks(int batch, long work) {
    return work < PARALLEL_WORK ? 1 : Math.max(1, Math.min(batch, Parallel.threads()));
  }

  // ================================================================== forward

  static void forward(Strided input, Strided weight, Strided bias, Strided out, Window2d w,
      int groups) {
    int batch = w.batch();
    int oc = weight.shape()[0];
    int ocg = oc / groups;
    int cg = w.channels() / groups;
    int k = cg * w.kernelArea();
    int l = w.outPlane();
    int inSample = w.channels() * w.inPlane();
    int outSample = oc * l;
    boolean f64 = input.dtype() == DType.FLOAT64;
    Object x = input.array();
    Object wt = weight.array();
    Object y = out.array();
    Object b = bias == null ? null : bias.array();
    int xo = input.storageOffset();
    int wo = weight.storageOffset();
    int yo = out.storageOffset();
    int bo = bias == null ? 0 : bias.storageOffset();
    int chunks = chunks(batch, (long) batch * oc * k * l);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int n0 = (int) ((long) c * batch / chunks);
      int n1 = (int) ((long) (c + 1) * batch / chunks);
      Object col = f64 ? new double[k * l] : new float[k * l];
      for (int s = n0; s < n1; s++) {
        for (int g = 0; g < groups; g++) {
          int xOff = xo + s * inSample + g * cg * w.inPlane();
          int yOff = yo + s * outSample + g * ocg * l;
          int wOff = wo + g * ocg * k;
          if (f64) {
            double[] cd = (double[]) col;
            double[] yd = (double[]) y;
            im2colF64((double[]) x, xOff, w, cg, cd);
            Arrays.fill(yd, yOff, yOff + ocg * l, 0);
            Matmul.f64((double[]) wt, wOff, cd, 0, yd, yOff, k, l, 0, ocg);
          } else {
            float[] cf = (float[]) col;
            float[] yf = (float[]) y;
            im2colF32((float[]) x, xOff, w, cg, cf);
            Arrays.fill(yf, yOff, yOff + ocg * l, 0f);
            Matmul.f32((float[]) wt, wOff, cf, 0, yf, yOff, k, l, 0, ocg);
          }
        }
        if (b != null) {
          for (int o = 0; o < oc; o++) {
            int at = yo + s * outSample + o * l;
            if (f64) {
              double v = ((double[]) b)[bo + o];
              double[] yd = (double[]) y;
              for (int j = 0; j < l; j++) {
                yd[at + j] += v;
              }
            } else {
              float v = ((float[]) b)[bo + o];
              float[] yf = (float[]) y;
              for (int j = 0; j < l; j++) {
                yf[at + j] += v;
              }
            }
          }
        }
      }
    });
  }

  // ================================================================== input gradient

  static void inputGrad(Strided gradOut, Strided weight, Strided gradInput, Window2d w,
      int groups) {
    int batch = w.batch();
    int oc = weight.shape()[0];
    int ocg = oc / groups;
    int cg = w.channels() / groups;
    int k = cg * w.kernelArea();
    int l = w.outPlane();
    int inSample = w.channels() * w.inPlane();
    int outSample = oc * l;
    boolean f64 = gradOut.dtype() == DType.FLOAT64;
    Object go = gradOut.array();
    Object gi = gradInput.array();
    int goo = gradOut.storageOffset();
    int gio = gradInput.storageOffset();
    // col = weight_g^T @ gradOut_g: the weight [OC/groups, K] of each group is read in place as
    // a transposed GEMM operand, never copied.
    Object wt = weight.array();
    int wo = weight.storageOffset();
    int chunks = chunks(batch, (long) batch * oc * k * l);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int n0 = (int) ((long) c * batch / chunks);
      int n1 = (int) ((long) (c + 1) * batch / chunks);
      Object col = f64 ? new double[k * l] : new float[k * l];
      for (int s = n0; s < n1; s++) {
        int giSample = gio + s * inSample;
        if (f64) {
          Arrays.fill((double[]) gi, giSample, giSample + inSample, 0);
        } else {
          Arrays.fill((float[]) gi, giSample, giSample + inSample, 0f);
        }
        for (int g = 0; g < groups; g++) {
          int goOff = goo + s * outSample + g * ocg * l;
          int giOff = giSample + g * cg * w.inPlane();
          if (f64) {
            double[] cd = (double[]) col;
            Gemm.dgemm(true, false, k, l, ocg, 1.0, (double[]) wt, wo + g * ocg * k, k,
                (double[]) go, goOff, l, 0.0, cd, 0, l, false);
            col2imF64(cd, w, cg, (double[]) gi, giOff);
          } else {
            float[] cf = (float[]) col;
            Gemm.sgemm(true, false, k, l, ocg, 1f, (float[]) wt, wo + g * ocg * k, k,
                (float[]) go, goOff, l, 0f, cf, 0, l, false);
            col2imF32(cf, w, cg, (float[]) gi, giOff);
          }
        }
      }
    });
  }

  // ================================================================== weight gradient

  static void weightGrad(Strided gradOut, Strided input, Strided gradWeight, Window2d w,
      int groups) {
    int batch = w.batch();
    int oc = gradWeight.shape()[0];
    int ocg = oc / groups;
    int cg = w.channels() / groups;
    int k = cg * w.kernelArea();
    int l = w.outPlane();
    int inSample = w.channels() * w.inPlane();
    int outSample = oc * l;
    boolean f64 = input.dtype() == DType.FLOAT64;
    Object x = input.array();
    Object go = gradOut.array();
    Object gw = gradWeight.array();
    int xo = input.storageOffset();
    int goo = gradOut.storageOffset();
    int gwo = gradWeight.storageOffset();
    int chunks = chunks(batch, (long) batch * oc * k * l);
    // One partial sum per chunk; chunk 0 writes into the result directly.
    Object[] partial = new Object[chunks];
    for (int c = 0; c < chunks; c++) {
      partial[c] = c == 0 ? null : f64 ? new double[oc * k] : new float[oc * k];
    }
    if (f64) {
      Arrays.fill((double[]) gw, gwo, gwo + oc * k, 0);
    } else {
      Arrays.fill((float[]) gw, gwo, gwo + oc * k, 0f);
    }
    Parallel.forEach(chunks, chunks > 1, c -> {
      int n0 = (int) ((long) c * batch / chunks);
      int n1 = (int) ((long) (c + 1) * batch / chunks);
      Object col = f64 ? new double[k * l] : new float[k * l];
      Object sum = c == 0 ? gw : partial[c];
      int sumOff = c == 0 ? gwo : 0;
      for (int s = n0; s < n1; s++) {
        for (int g = 0; g < groups; g++) {
          int xOff = xo + s * inSample + g * cg * w.inPlane();
          int goOff = goo + s * outSample + g * ocg * l;
          int gwOff = sumOff + g * ocg * k;
          // dweight_g += gout_g [OC/groups, L] @ col^T: col [K, L] is read as a transposed GEMM
          // operand, which the GEMM packs, rather than unfolded transposed (a strided scatter).
          if (f64) {
            double[] cd = (double[]) col;
            im2colF64((double[]) x, xOff, w, cg, cd);
            Gemm.dgemm(false, true, ocg, k, l, 1.0, (double[]) go, goOff, l, cd, 0, l, 1.0,
                (double[]) sum, gwOff, k, false);
          } else {
            float[] cf = (float[]) col;
            im2colF32((float[]) x, xOff, w, cg, cf);
            Gemm.sgemm(false, true, ocg, k, l, 1f, (float[]) go, goOff, l, cf, 0, l, 1f,
                (float[]) sum, gwOff, k, false);
          }
        }
      }
    });
    for (int c = 1; c < chunks; c++) {
      if (f64) {
        double[] p = (double[]) partial[c];
        double[] d = (double[]) gw;
        for (int i = 0; i < p.length; i++) {
          d[gwo + i] += p[i];
        }
      } else {
        float[] p = (float[]) partial[c];
        float[] d = (float[]) gw;
        for (int i = 0; i < p.length; i++) {
          d[gwo + i] += p[i];
        }
      }
    }
  }

  // ================================================================== unfolding

  /** First output column whose input column {@code ow * stride + shift} is at least 0. */
  private static int firstInside(int shift, int stride, int outW) {
    return Math.min(outW, Math.max(0, -Math.floorDiv(shift, stride)));
  }

  /** One past the last output column whose input column is below {@code width}. */
  private static int endInside(int shift, int stride, int width, int outW, int first) {
    return Math.max(first, Math.min(outW, -Math.floorDiv(shift - width, stride)));
  }

  /** {@code col[K, L]} from the {@code cg} planes of one sample and group at {@code xo}. */
  static void im2colF32(float[] x, int xo, Window2d w, int cg, float[] col) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int l = oh * ow;
    int sw = w.strideW();
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int dst = row * l;
          for (int i = 0; i < oh; i++, dst += ow) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              Arrays.fill(col, dst, dst + ow, 0f);
              continue;
            }
            int src = plane + ih * wd + shift;
            Arrays.fill(col, dst, dst + lo, 0f);
            if (sw == 1) {
              System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            } else {
              for (int j = lo; j < hi; j++) {
                col[dst + j] = x[src + j * sw];
              }
            }
            Arrays.fill(col, dst + hi, dst + ow, 0f);
          }
        }
      }
    }
  }

  /** Adds {@code col[K, L]} back into the {@code cg} planes at {@code xo}: im2col's adjoint. */
  static void col2imF32(float[] col, Window2d w, int cg, float[] x, int xo) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int l = oh * ow;
    int sw = w.strideW();
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int from = row * l;
          for (int i = 0; i < oh; i++, from += ow) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            int dst = plane + ih * wd + shift;
            for (int j = lo; j < hi; j++) {
              x[dst + j * sw] += col[from + j];
            }
          }
        }
      }
    }
  }

  /** {@code colT[L, K]}, the transpose of {@link #im2colF32}'s result. */
  static void im2colTransposedF32(float[] x, int xo, Window2d w, int cg, float[] colT) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int k = cg * w.kernelArea();
    int sw = w.strideW();
    Arrays.fill(colT, 0f);
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          for (int i = 0; i < oh; i++) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            int src = plane + ih * wd + shift;
            int dst = i * ow * k + row;
            for (int j = lo; j < hi; j++) {
              colT[dst + j * k] = x[src + j * sw];
            }
          }
        }
      }
    }
  }

  static void im2colF64(double[] x, int xo, Window2d w, int cg, double[] col) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int l = oh * ow;
    int sw = w.strideW();
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int dst = row * l;
          for (int i = 0; i < oh; i++, dst += ow) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              Arrays.fill(col, dst, dst + ow, 0);
              continue;
            }
            int src = plane + ih * wd + shift;
            Arrays.fill(col, dst, dst + lo, 0);
            if (sw == 1) {
              System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            } else {
              for (int j = lo; j < hi; j++) {
                col[dst + j] = x[src + j * sw];
              }
            }
            Arrays.fill(col, dst + hi, dst + ow, 0);
          }
        }
      }
    }
  }

  static void col2imF64(double[] col, Window2d w, int cg, double[] x, int xo) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int l = oh * ow;
    int sw = w.strideW();
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int from = row * l;
          for (int i = 0; i < oh; i++, from += ow) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            int dst = plane + ih * wd + shift;
            for (int j = lo; j < hi; j++) {
              x[dst + j * sw] += col[from + j];
            }
          }
        }
      }
    }
  }

  static void im2colTransposedF64(double[] x, int xo, Window2d w, int cg, double[] colT) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int k = cg * w.kernelArea();
    int sw = w.strideW();
    Arrays.fill(colT, 0);
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          for (int i = 0; i < oh; i++) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            int src = plane + ih * wd + shift;
            int dst = i * ow * k + row;
            for (int j = lo; j < hi; j++) {
              colT[dst + j * k] = x[src + j * sw];
            }
          }
        }
      }
    }
  }
}
