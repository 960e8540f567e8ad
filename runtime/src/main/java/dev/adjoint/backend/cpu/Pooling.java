package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import java.util.Arrays;

/**
 * 2-d max, average and adaptive average pooling with their gradients, following PyTorch's CPU
 * kernels: max pooling scans each window row by row and keeps the first maximum (a NaN always
 * wins, so NaN propagates), and its backward pass finds the same element again instead of storing
 * indices; average pooling divides by the window area including padding when asked
 * ({@code count_include_pad}) and otherwise by the part inside the input; adaptive pooling uses
 * windows {@code [floor(i * H / outH), ceil((i + 1) * H / outH))}.
 *
 * <p>Every {@code [N, C]} plane is independent, so planes are split over the cores. All tensors
 * are contiguous {@code [N, C, H, W]} of one floating dtype; gradient outputs are overwritten.
 */
final class Pooling {
  private static final long PARALLEL_WORK = 1L << 15;

  private Pooling() {}

  private interface PlaneTask {
    void run(int p0, int p1);
  }

  private static void planes(int planes, long workPerPlane, PlaneTask task) {
    int chunks = planes * workPerPlane < PARALLEL_WORK ? 1
        : Math.max(1, Math.min(planes, Parallel.threads() * 4));
    Parallel.forEach(chunks, chunks > 1, c -> task.run((int) ((long) c * planes / chunks),
        (int) ((long) (c + 1) * planes / chunks)));
  }

  // ================================================================== max pooling

  static void maxForward(Strided input, Strided out, Window2d w) {
    int in = w.inPlane();
    int on = w.outPlane();
    int xo = input.storageOffset();
    int yo = out.storageOffset();
    boolean f64 = input.dtype() == DType.FLOAT64;
    Object x = input.array();
    Object y = out.array();
    planes(w.batch() * w.channels(), (long) on * w.kernelArea(), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int base = xo + p * in;
        int at = yo + p * on;
        for (int i = 0; i < w.outH(); i++) {
          for (int j = 0; j < w.outW(); j++, at++) {
            int idx = argmax(x, f64, base, w, i, j);
            if (f64) {
              ((double[]) y)[at] = ((double[]) x)[base + idx];
            } else {
              ((float[]) y)[at] = ((float[]) x)[base + idx];
            }
          }
        }
      }
    });
  }

  static void maxBackward(Strided gradOut, Strided input, Strided gradInput, Window2d w) {
    int in = w.inPlane();
    int on = w.outPlane();
    int xo = input.storageOffset();
    int go = gradOut.storageOffset();
    int gi = gradInput.storageOffset();
    boolean f64 = input.dtype() == DType.FLOAT64;
    Object x = input.array();
    Object g = gradOut.array();
    Object d = gradInput.array();
    planes(w.batch() * w.channels(), (long) on * w.kernelArea(), (p0, p1) -> {
      if (f64) {
        Arrays.fill((double[]) d, gi + p0 * in, gi + p1 * in, 0);
      } else {
        Arrays.fill((float[]) d, gi + p0 * in, gi + p1 * in, 0f);
      }
      for (int p = p0; p < p1; p++) {
        int base = xo + p * in;
        int at = go + p * on;
        int dst = gi + p * in;
        for (int i = 0; i < w.outH(); i++) {
          for (int j = 0; j < w.outW(); j++, at++) {
            int idx = argmax(x, f64, base, w, i, j);
            if (f64) {
              ((double[]) d)[dst + idx] += ((double[]) g)[at];
            } else {
              ((float[]) d)[dst + idx] += ((float[]) g)[at];
            }
          }
        }
      }
    });
  }

  /**
   * The offset within its plane of the maximum of window {@code (i, j)}: the first window element
   * inside the input to start with, then any strictly larger value or any NaN.
   */
  private static int argmax(Object x, boolean f64, int base, Window2d w, int i, int j) {
    int h0 = i * w.strideH() - w.padH();
    int w0 = j * w.strideW() - w.padW();
    int h1 = Math.min(h0 + (w.kernelH() - 1) * w.dilationH() + 1, w.height());
    int w1 = Math.min(w0 + (w.kernelW() - 1) * w.dilationW() + 1, w.width());
    while (h0 < 0) {
      h0 += w.dilationH();
    }
    while (w0 < 0) {
      w0 += w.dilationW();
    }
    int width = w.width();
    int best = h0 * width + w0;
    if (f64) {
      double[] a = (double[]) x;
      double max = Double.NEGATIVE_INFINITY;
      for (int r = h0; r < h1; r += w.dilationH()) {
        for (int c = w0; c < w1; c += w.dilationW()) {
          double v = a[base + r * width + c];
          if (v > max || v != v) {
            max = v;
            best = r * width + c;
          }
        }
      }
    } else {
      float[] a = (float[]) x;
      float max = Float.NEGATIVE_INFINITY;
      for (int r = h0; r < h1; r += w.dilationH()) {
        for (int c = w0; c < w1; c += w.dilationW()) {
          float v = a[base + r * width + c];
          if (v > max || v != v) {
            max = v;
            best = r * width + c;
          }
        }
      }
    }
    return best;
  }

  // ================================================================== average pooling

  /** The divisor of window {@code (i, j)}, or 0 when the window holds no input element. */
  private static int divisor(Window2d w, int i, int j, boolean countIncludePad) {
    int h0 = i * w.strideH() - w.padH();
    int w0 = j * w.strideW() - w.padW();
    int h1 = Math.min(h0 + w.kernelH(), w.height() + w.padH());
    int w1 = Math.min(w0 + w.kernelW(), w.width() + w.padW());
    int area = (h1 - h0) * (w1 - w0);
    h0 = Math.max(h0, 0);
    w0 = Math.max(w0, 0);
    h1 = Math.min(h1, w.height());
    w1 = Math.min(w1, w.width());
    if (h0 >= h1 || w0 >= w1) {
      return 0;
    }
    return countIncludePad ? area : (h1 - h0) * (w1 - w0);
  }

  static void avgForward(Strided input, Strided out, Window2d w, boolean countIncludePad) {
    int in = w.inPlane();
    int on = w.outPlane();
    int xo = input.storageOffset();
    int yo = out.storageOffset();
    boolean f64 = input.dtype() == DType.FLOAT64;
    Object x = input.array();
    Object y = out.array();
    int width = w.width();
    planes(w.batch() * w.channels(), (long) on * w.kernelArea(), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int base = xo + p * in;
        int at = yo + p * on;
        for (int i = 0; i < w.outH(); i++) {
          int h0 = Math.max(i * w.strideH() - w.padH(), 0);
          int h1 = Math.min(i * w.strideH() - w.padH() + w.kernelH(), w.height());
          for (int j = 0; j < w.outW(); j++, at++) {
            int w0 = Math.max(j * w.strideW() - w.padW(), 0);
            int w1 = Math.min(j * w.strideW() - w.padW() + w.kernelW(), width);
            int div = divisor(w, i, j, countIncludePad);
            if (f64) {
              double[] a = (double[]) x;
              double sum = 0;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  sum += a[base + r * width + c];
                }
              }
              ((double[]) y)[at] = div == 0 ? 0 : sum / div;
            } else {
              float[] a = (float[]) x;
              float sum = 0;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  sum += a[base + r * width + c];
                }
              }
              ((float[]) y)[at] = div == 0 ? 0 : sum / div;
            }
          }
        }
      }
    });
  }

  static void avgBackward(Strided gradOut, Strided gradInput, Window2d w,
      boolean countIncludePad) {
    int in = w.inPlane();
    int on = w.outPlane();
    int go = gradOut.storageOffset();
    int gi = gradInput.storageOffset();
    boolean f64 = gradOut.dtype() == DType.FLOAT64;
    Object g = gradOut.array();
    Object d = gradInput.array();
    int width = w.width();
    planes(w.batch() * w.channels(), (long) on * w.kernelArea(), (p0, p1) -> {
      if (f64) {
        Arrays.fill((double[]) d, gi + p0 * in, gi + p1 * in, 0);
      } else {
        Arrays.fill((float[]) d, gi + p0 * in, gi + p1 * in, 0f);
      }
      for (int p = p0; p < p1; p++) {
        int dst = gi + p * in;
        int at = go + p * on;
        for (int i = 0; i < w.outH(); i++) {
          int h0 = Math.max(i * w.strideH() - w.padH(), 0);
          int h1 = Math.min(i * w.strideH() - w.padH() + w.kernelH(), w.height());
          for (int j = 0; j < w.outW(); j++, at++) {
            int w0 = Math.max(j * w.strideW() - w.padW(), 0);
            int w1 = Math.min(j * w.strideW() - w.padW() + w.kernelW(), width);
            int div = divisor(w, i, j, countIncludePad);
            if (div == 0) {
              continue;
            }
            if (f64) {
              double share = ((double[]) g)[at] / div;
              double[] b = (double[]) d;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  b[dst + r * width + c] += share;
                }
              }
            } else {
              float share = ((float[]) g)[at] / div;
              float[] b = (float[]) d;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  b[dst + r * width + c] += share;
                }
              }
            }
          }
        }
      }
    });
  }

  // ================================================================== adaptive average pooling

  private static int start(int i, int in, int out) {
    return (int) ((long) i * in / out);
  }

  private static int end(int i, int in, int out) {
    return (int) (((long) (i + 1) * in + out - 1) / out);
  }

  static void adaptiveAvgForward(Strided input, Strided out) {
    int[] s = input.shape();
    int[] o = out.shape();
    int h = s[2];
    int width = s[3];
    int oh = o[2];
    int ow = o[3];
    int xo = input.storageOffset();
    int yo = out.storageOffset();
    boolean f64 = input.dtype() == DType.FLOAT64;
    Object x = input.array();
    Object y = out.array();
    planes(s[0] * s[1], (long) h * width, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int base = xo + p * h * width;
        int at = yo + p * oh * ow;
        for (int i = 0; i < oh; i++) {
          int h0 = start(i, h, oh);
          int h1 = end(i, h, oh);
          for (int j = 0; j < ow; j++, at++) {
            int w0 = start(j, width, ow);
            int w1 = end(j, width, ow);
            int div = (h1 - h0) * (w1 - w0);
            if (f64) {
              double[] a = (double[]) x;
              double sum = 0;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  sum += a[base + r * width + c];
                }
              }
              ((double[]) y)[at] = sum / div;
            } else {
              float[] a = (float[]) x;
              float sum = 0;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  sum += a[base + r * width + c];
                }
              }
              ((float[]) y)[at] = sum / div;
            }
          }
        }
      }
    });
  }

  static void adaptiveAvgBackward(Strided gradOut, Strided gradInput) {
    int[] s = gradInput.shape();
    int[] o = gradOut.shape();
    int h = s[2];
    int width = s[3];
    int oh = o[2];
    int ow = o[3];
    int go = gradOut.storageOffset();
    int gi = gradInput.storageOffset();
    boolean f64 = gradOut.dtype() == DType.FLOAT64;
    Object g = gradOut.array();
    Object d = gradInput.array();
    planes(s[0] * s[1], (long) h * width, (p0, p1) -> {
      if (f64) {
        Arrays.fill((double[]) d, gi + p0 * h * width, gi + p1 * h * width, 0);
      } else {
        Arrays.fill((float[]) d, gi + p0 * h * width, gi + p1 * h * width, 0f);
      }
      for (int p = p0; p < p1; p++) {
        int dst = gi + p * h * width;
        int at = go + p * oh * ow;
        for (int i = 0; i < oh; i++) {
          int h0 = start(i, h, oh);
          int h1 = end(i, h, oh);
          for (int j = 0; j < ow; j++, at++) {
            int w0 = start(j, width, ow);
            int w1 = end(j, width, ow);
            int div = (h1 - h0) * (w1 - w0);
            if (f64) {
              double share = ((double[]) g)[at] / div;
              double[] b = (double[]) d;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  b[dst + r * width + c] += share;
                }
              }
            } else {
              float share = ((float[]) g)[at] / div;
              float[] b = (float[]) d;
              for (int r = h0; r < h1; r++) {
                for (int c = w0; c < w1; c++) {
                  b[dst + r * width + c] += share;
                }
              }
            }
          }
        }
      }
    });
  }
}
