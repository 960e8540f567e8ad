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
 *       the batch; with at most {@link #COLUMN_TAPS} rows of col (a first layer's few input
 *       channels), column by column as matrix-vector products {@code gout_g @ col[j]} (their
 *       dot-product order: 16 running sums over L, halved), no operand packed.
 * </ul>
 * Samples are split over the cores in contiguous chunks; each chunk owns its scratch buffers (and,
 * for the weight gradient, a partial sum added up at the end), so nothing is shared while it runs.
 * All tensors are contiguous and of one floating dtype.
 */
final class Convolution {
  /** Below this many multiply-adds a convolution stays on the calling thread. */
  private static final long PARALLEL_WORK = 1L << 16;
  /** The most elements of one unfolded block of samples, {@code [K, S * L]} (512 KB of floats). */
  private static final int BLOCK_ELEMENTS = 1 << 17;

  private Convolution() {}

  /**
   * Samples per GEMM: as many as keep one unfolded block within {@link #BLOCK_ELEMENTS}, at least
   * one. A few samples side by side make the GEMM wide enough to run its full tiles (one sample of
   * a late layer has L = 49 or 196 columns); the count depends on the shape alone, and blocks
   * start at multiples of it whatever the split over the cores, so every output element is
   * computed the same way at any thread count.
   */

  private static int samplesPerBlock(int batch, int k, int l) {
    return (int) Math.max(1, Math.min(batch, BLOCK_ELEMENTS / Math.max(1L, (long) k * l)));
  }

  /**
   * A zero-filled scratch array of {@code n} elements from the CPU backend's pool, which the
   * caller gives back with {@link CpuBackend#release}: a training step then reuses the previous
   * step's buffers instead of asking the collector for new ones.
   */
  private static CpuStorage scratch(boolean f64, int n) {
    return CpuBackend.cpu(CpuBackend.INSTANCE.allocate(f64 ? DType.FLOAT64 : DType.FLOAT32, n));
  }

  /** The chunks of {@code blocks} blocks run in parallel. */
  private static int chunks(int blocks, long work) {
    return work < PARALLEL_WORK ? 1 : Math.max(1, Math.min(blocks, Parallel.threads()));
  }

  /**
   * Copies rows {@code [c0, c0 + rows)} of each sample {@code [C, L]} of {@code src} (samples
   * {@code sample} apart from {@code from}) for {@code count} samples into {@code dst [rows,
   * count * L]}, sample after sample along each row: the samples' gradients side by side as one
   * GEMM operand.
   */
  private static void sideBySide(Object src, int from, int sample, int c0, int rows, int l,
      int count, Object dst) {
    int ld = count * l;
    for (int s = 0; s < count; s++) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(src, from + s * sample + (c0 + r) * l, dst, r * ld + s * l, l);
      }
    }
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
    int per = samplesPerBlock(batch, k, l);
    int blocks = (batch + per - 1) / per;
    int chunks = chunks(blocks, (long) batch * oc * k * l);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int b0 = (int) ((long) c * blocks / chunks);
      int b1 = (int) ((long) (c + 1) * blocks / chunks);
      CpuStorage colScratch = scratch(f64, k * per * l);
      Object col = colScratch.array();
      CpuStorage prodScratch = scratch(f64, ocg * per * l);
      Object prod = prodScratch.array();
      try {
        for (int blk = b0; blk < b1; blk++) {
          int s0 = blk * per;
          int count = Math.min(per, batch - s0);
          int ld = count * l;
          for (int g = 0; g < groups; g++) {
            // prod [OC/groups, count * L] = weight_g [OC/groups, K] @ col [K, count * L]
            for (int s = 0; s < count; s++) {
              int xOff = xo + (s0 + s) * inSample + g * cg * w.inPlane();
              if (f64) {
                im2colF64((double[]) x, xOff, w, cg, (double[]) col, s * l, ld);
              } else {
                im2colF32((float[]) x, xOff, w, cg, (float[]) col, s * l, ld);
              }
            }
            if (f64) {
              Gemm.dgemm(false, false, ocg, ld, k, 1.0, (double[]) wt, wo + g * ocg * k, k,
                  (double[]) col, 0, ld, 0.0, (double[]) prod, 0, ld, false);
            } else {
              Gemm.sgemm(false, false, ocg, ld, k, 1f, (float[]) wt, wo + g * ocg * k, k,
                  (float[]) col, 0, ld, 0f, (float[]) prod, 0, ld, false);
            }
            for (int s = 0; s < count; s++) {
              for (int o = 0; o < ocg; o++) {
                int at = yo + (s0 + s) * outSample + (g * ocg + o) * l;
                int from = o * ld + s * l;
                if (f64) {
                  double[] yd = (double[]) y;
                  double[] pd = (double[]) prod;
                  double v = b == null ? 0 : ((double[]) b)[bo + g * ocg + o];
                  for (int j = 0; j < l; j++) {
                    yd[at + j] = pd[from + j] + v;
                  }
                } else {
                  float[] yf = (float[]) y;
                  float[] pf = (float[]) prod;
                  float v = b == null ? 0f : ((float[]) b)[bo + g * ocg + o];
                  for (int j = 0; j < l; j++) {
                    yf[at + j] = pf[from + j] + v;
                  }
                }
              }
            }
          }
        }
      } finally {
        CpuBackend.INSTANCE.release(colScratch);
        CpuBackend.INSTANCE.release(prodScratch);
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
    int per = samplesPerBlock(batch, k, l);
    int blocks = (batch + per - 1) / per;
    int chunks = chunks(blocks, (long) batch * oc * k * l);
    Parallel.forEach(chunks, chunks > 1, c -> {
      int b0 = (int) ((long) c * blocks / chunks);
      int b1 = (int) ((long) (c + 1) * blocks / chunks);
      CpuStorage colScratch = scratch(f64, k * per * l);
      Object col = colScratch.array();
      CpuStorage goutScratch = scratch(f64, ocg * per * l);
      Object gout = goutScratch.array();
      try {
        for (int blk = b0; blk < b1; blk++) {
          int s0 = blk * per;
          int count = Math.min(per, batch - s0);
          int ld = count * l;
          int giFrom = gio + s0 * inSample;
          if (f64) {
            Arrays.fill((double[]) gi, giFrom, giFrom + count * inSample, 0);
          } else {
            Arrays.fill((float[]) gi, giFrom, giFrom + count * inSample, 0f);
          }
          for (int g = 0; g < groups; g++) {
            sideBySide(go, goo + s0 * outSample, outSample, g * ocg, ocg, l, count, gout);
            if (f64) {
              Gemm.dgemm(true, false, k, ld, ocg, 1.0, (double[]) wt, wo + g * ocg * k, k,
                  (double[]) gout, 0, ld, 0.0, (double[]) col, 0, ld, false);
            } else {
              Gemm.sgemm(true, false, k, ld, ocg, 1f, (float[]) wt, wo + g * ocg * k, k,
                  (float[]) gout, 0, ld, 0f, (float[]) col, 0, ld, false);
            }
            for (int s = 0; s < count; s++) {
              int giOff = giFrom + s * inSample + g * cg * w.inPlane();
              if (f64) {
                col2imF64((double[]) col, s * l, ld, w, cg, (double[]) gi, giOff);
              } else {
                col2imF32((float[]) col, s * l, ld, w, cg, (float[]) gi, giOff);
              }
            }
          }
        }
      } finally {
        CpuBackend.INSTANCE.release(colScratch);
        CpuBackend.INSTANCE.release(goutScratch);
      }
    });
  }

  // ================================================================== weight gradient

  /** Taps per output channel up to which the weight gradient goes column by column. */
  static final int COLUMN_TAPS = 16;

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
    // One sample per GEMM: its gradient [OC/groups, L] is read in place, and the transposed
    // operand's rows stay L apart (blocks of samples measured slower here).
    // Few taps per output channel (k: a first layer's 1-3 input channels by 3x3): each
    // column of dweight_g is a matrix-vector product gout_g [OC/groups, L] @ col row j, all
    // operands read in place (as one GEMM, [OC/groups, L] @ col^T packed col transposed and
    // padded each sample to 32 columns: about 3x slower for the first layer of the MNIST CNN).
    boolean columns = k <= COLUMN_TAPS;
    boolean transposed = !columns && k >= ocg;
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
      CpuStorage colScratch = scratch(f64, k * l);
      Object col = colScratch.array();
      CpuStorage trScratch = transposed ? scratch(f64, groups * k * ocg) : null;
      try {
        Object sum = c == 0 ? gw : partial[c];
        int sumOff = c == 0 ? gwo : 0;
        for (int s = n0; s < n1; s++) {
          for (int g = 0; g < groups; g++) {
            int xOff = xo + s * inSample + g * cg * w.inPlane();
            int goOff = goo + s * outSample + g * ocg * l;
            int gwOff = sumOff + g * ocg * k;
            if (f64) {
              im2colF64((double[]) x, xOff, w, cg, (double[]) col, 0, l);
            } else {
              im2colF32((float[]) x, xOff, w, cg, (float[]) col, 0, l);
            }
            // dweight_g += gout_g [OC/groups, L] @ col^T: column by column for few taps (above),
            // else as one GEMM, or its transpose col @ gout_g^T into [K, OC/groups] when K is the
            // longer side (the GEMM's rows): every way col [K, L] is read in place, never
            // unfolded transposed.
            if (columns) {
              for (int j = 0; j < k; j++) {
                if (f64) {
                  Gemm.dgemm(false, true, ocg, 1, l, 1.0, (double[]) go, goOff, l,
                      (double[]) col, j * l, l, 1.0, (double[]) sum, gwOff + j, k, false);
                } else {
                  Gemm.sgemm(false, true, ocg, 1, l, 1f, (float[]) go, goOff, l, (float[]) col,
                      j * l, l, 1f, (float[]) sum, gwOff + j, k, false);
                }
              }
            } else if (transposed && f64) {
              Gemm.dgemm(false, true, k, ocg, l, 1.0, (double[]) col, 0, l, (double[]) go, goOff,
                  l, 1.0, (double[]) trScratch.array(), g * k * ocg, ocg, false);
            } else if (transposed) {
              Gemm.sgemm(false, true, k, ocg, l, 1f, (float[]) col, 0, l, (float[]) go, goOff, l,
                  1f, (float[]) trScratch.array(), g * k * ocg, ocg, false);
            } else if (f64) {
              Gemm.dgemm(false, true, ocg, k, l, 1.0, (double[]) go, goOff, l, (double[]) col, 0,
                  l, 1.0, (double[]) sum, gwOff, k, false);
            } else {
              Gemm.sgemm(false, true, ocg, k, l, 1f, (float[]) go, goOff, l, (float[]) col, 0, l,
                  1f, (float[]) sum, gwOff, k, false);
            }
          }
        }
        if (transposed) {
          addTransposed(trScratch.array(), groups, k, ocg, sum, sumOff, f64);
        }
      } finally {
        CpuBackend.INSTANCE.release(colScratch);
        if (trScratch != null) {
          CpuBackend.INSTANCE.release(trScratch);
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

  /**
   * {@code dst[g][o][kk] += t[g][kk][o]} for {@code groups} blocks {@code t[g] [k, cols]} into
   * {@code dst [groups * cols, k]} from {@code dstOff}.
   */
  private static void addTransposed(Object t, int groups, int k, int cols, Object dst,
      int dstOff, boolean f64) {
    for (int g = 0; g < groups; g++) {
      for (int o = 0; o < cols; o++) {
        int to = dstOff + (g * cols + o) * k;
        int from = g * k * cols + o;
        if (f64) {
          double[] d = (double[]) dst;
          double[] a = (double[]) t;
          for (int kk = 0; kk < k; kk++) {
            d[to + kk] += a[from + kk * cols];
          }
        } else {
          float[] d = (float[]) dst;
          float[] a = (float[]) t;
          for (int kk = 0; kk < k; kk++) {
            d[to + kk] += a[from + kk * cols];
          }
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

  /**
   * {@code col[K, L]} from the {@code cg} planes of one sample and group at {@code xo}, its rows
   * {@code ld} apart from {@code colOff} (a block of samples side by side shares the rows).
   */
  static void im2colF32(float[] x, int xo, Window2d w, int cg, float[] col, int colOff,
      int ld) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int sw = w.strideW();
    // Stride 1 and as many output columns as input columns ("same" padding).
    boolean sameRows = sw == 1 && w.strideH() == 1 && ow == wd;
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int dst = colOff + row * ld;
          if (sameRows) {
            // Input rows ih = i + rowShift: output rows [i0, i1) read inside the input, and
            // with ow == wd their elements lie at one distance from col's, so one copy moves
            // them all (reading the neighbouring columns where a row is clipped, which are
            // then set to 0).
            int rowShift = kh * w.dilationH() - w.padH();
            int i0 = Math.min(oh, Math.max(0, -rowShift));
            int i1 = Math.max(i0, Math.min(oh, h - rowShift));
            Arrays.fill(col, dst, dst + i0 * ow, 0f);
            Arrays.fill(col, dst + i1 * ow, dst + oh * ow, 0f);
            if (i1 > i0 && hi > lo) {
              int t0 = i0 * ow + lo;
              System.arraycopy(x, plane + rowShift * wd + shift + t0, col, dst + t0,
                  (i1 - 1) * ow + hi - t0);
            }
            for (int i = i0; i < i1; i++) {
              int at = dst + i * ow;
              for (int j = 0; j < Math.min(lo, ow); j++) {
                col[at + j] = 0f;
              }
              for (int j = Math.max(hi, lo); j < ow; j++) {
                col[at + j] = 0f;
              }
            }
            continue;
          }
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

  /**
   * Adds {@code col[K, L]} (rows {@code ld} apart from {@code colOff}) back into the {@code cg}
   * planes at {@code xo}: im2col's adjoint.
   */
  static void col2imF32(float[] col, int colOff, int ld, Window2d w, int cg, float[] x,
      int xo) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int sw = w.strideW();
    // Stride 1 and as many output columns as input columns ("same" padding).
    boolean sameRows = sw == 1 && w.strideH() == 1 && ow == wd;
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int from = colOff + row * ld;
          if (sameRows) {
            // As in im2col: one run over the rows [i0, i1), after setting col's clipped
            // columns (scratch the caller gives up) to 0, so that they add nothing to the
            // neighbouring columns the run passes over.
            int rowShift = kh * w.dilationH() - w.padH();
            int i0 = Math.min(oh, Math.max(0, -rowShift));
            int i1 = Math.max(i0, Math.min(oh, h - rowShift));
            if (i1 > i0 && hi > lo) {
              for (int i = i0; i < i1; i++) {
                int at = from + i * ow;
                for (int j = 0; j < lo; j++) {
                  col[at + j] = 0f;
                }
                for (int j = hi; j < ow; j++) {
                  col[at + j] = 0f;
                }
              }
              int t0 = i0 * ow + lo;
              int t1 = (i1 - 1) * ow + hi;
              int d = plane + rowShift * wd + shift;
              for (int t = t0; t < t1; t++) {
                x[d + t] += col[from + t];
              }
            }
            continue;
          }
          for (int i = 0; i < oh; i++, from += ow) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            int dst = plane + ih * wd + shift;
            if (sw == 1) {
              for (int j = lo; j < hi; j++) {
                x[dst + j] += col[from + j];
              }
            } else {
              for (int j = lo; j < hi; j++) {
                x[dst + j * sw] += col[from + j];
              }
            }
          }
        }
      }
    }
  }

  static void im2colF64(double[] x, int xo, Window2d w, int cg, double[] col, int colOff,
      int ld) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int sw = w.strideW();
    // Stride 1 and as many output columns as input columns ("same" padding).
    boolean sameRows = sw == 1 && w.strideH() == 1 && ow == wd;
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int dst = colOff + row * ld;
          if (sameRows) {
            // Input rows ih = i + rowShift: output rows [i0, i1) read inside the input, and
            // with ow == wd their elements lie at one distance from col's, so one copy moves
            // them all (reading the neighbouring columns where a row is clipped, which are
            // then set to 0).
            int rowShift = kh * w.dilationH() - w.padH();
            int i0 = Math.min(oh, Math.max(0, -rowShift));
            int i1 = Math.max(i0, Math.min(oh, h - rowShift));
            Arrays.fill(col, dst, dst + i0 * ow, 0);
            Arrays.fill(col, dst + i1 * ow, dst + oh * ow, 0);
            if (i1 > i0 && hi > lo) {
              int t0 = i0 * ow + lo;
              System.arraycopy(x, plane + rowShift * wd + shift + t0, col, dst + t0,
                  (i1 - 1) * ow + hi - t0);
            }
            for (int i = i0; i < i1; i++) {
              int at = dst + i * ow;
              for (int j = 0; j < Math.min(lo, ow); j++) {
                col[at + j] = 0;
              }
              for (int j = Math.max(hi, lo); j < ow; j++) {
                col[at + j] = 0;
              }
            }
            continue;
          }
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

  static void col2imF64(double[] col, int colOff, int ld, Window2d w, int cg, double[] x,
      int xo) {
    int h = w.height();
    int wd = w.width();
    int oh = w.outH();
    int ow = w.outW();
    int sw = w.strideW();
    // Stride 1 and as many output columns as input columns ("same" padding).
    boolean sameRows = sw == 1 && w.strideH() == 1 && ow == wd;
    int row = 0;
    for (int c = 0; c < cg; c++) {
      int plane = xo + c * h * wd;
      for (int kh = 0; kh < w.kernelH(); kh++) {
        for (int kw = 0; kw < w.kernelW(); kw++, row++) {
          int shift = kw * w.dilationW() - w.padW();
          int lo = firstInside(shift, sw, ow);
          int hi = endInside(shift, sw, wd, ow, lo);
          int from = colOff + row * ld;
          if (sameRows) {
            // As in im2col: one run over the rows [i0, i1), after setting col's clipped
            // columns (scratch the caller gives up) to 0, so that they add nothing to the
            // neighbouring columns the run passes over.
            int rowShift = kh * w.dilationH() - w.padH();
            int i0 = Math.min(oh, Math.max(0, -rowShift));
            int i1 = Math.max(i0, Math.min(oh, h - rowShift));
            if (i1 > i0 && hi > lo) {
              for (int i = i0; i < i1; i++) {
                int at = from + i * ow;
                for (int j = 0; j < lo; j++) {
                  col[at + j] = 0;
                }
                for (int j = hi; j < ow; j++) {
                  col[at + j] = 0;
                }
              }
              int t0 = i0 * ow + lo;
              int t1 = (i1 - 1) * ow + hi;
              int d = plane + rowShift * wd + shift;
              for (int t = t0; t < t1; t++) {
                x[d + t] += col[from + t];
              }
            }
            continue;
          }
          for (int i = 0; i < oh; i++, from += ow) {
            int ih = i * w.strideH() - w.padH() + kh * w.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            int dst = plane + ih * wd + shift;
            if (sw == 1) {
              for (int j = lo; j < hi; j++) {
                x[dst + j] += col[from + j];
              }
            } else {
              for (int j = lo; j < hi; j++) {
                x[dst + j * sw] += col[from + j];
              }
            }
          }
        }
      }
    }
  }
}
