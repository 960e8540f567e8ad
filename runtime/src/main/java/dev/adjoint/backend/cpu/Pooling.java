package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import java.util.Arrays;
import java.util.Locale;

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

  /**
   * Non-overlapping 2x2 windows (stride 2, no padding or dilation), the common case, which
   * {@link TwoByTwo} kernels read in place, row pair by row pair.
   */
  private static boolean isTwoByTwo(Window2d w) {
    return w.kernelH() == 2 && w.kernelW() == 2 && w.strideH() == 2 && w.strideW() == 2
        && w.padH() == 0 && w.padW() == 0 && w.dilationH() == 1 && w.dilationW() == 1;
  }

  static void maxForward(Strided input, Strided out, Window2d w) {
    int in = w.inPlane();
    int on = w.outPlane();
    int xo = input.storageOffset();
    int yo = out.storageOffset();
    boolean f64 = input.dtype() == DType.FLOAT64;
    boolean twoByTwo = isTwoByTwo(w);
    Object x = input.array();
    Object y = out.array();
    planes(w.batch() * w.channels(), (long) on * w.kernelArea(), (p0, p1) -> {
      if (twoByTwo && !f64) {
        TWO_BY_TWO.forward((float[]) x, xo + p0 * in, (float[]) y, yo + p0 * on, p1 - p0,
            w.height(), w.width(), w.outH(), w.outW());
        return;
      }
      for (int p = p0; p < p1; p++) {
        int base = xo + p * in;
        int at = yo + p * on;
        if (twoByTwo) {
          max2x2F64((double[]) x, base, w.width(), w.outH(), w.outW(), (double[]) y, at);
          continue;
        }
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
    boolean twoByTwo = isTwoByTwo(w);
    // 2x2 windows over even sizes cover every input element, and the float32 kernels write each.
    boolean covered = twoByTwo && !f64 && w.height() % 2 == 0 && w.width() % 2 == 0;
    Object x = input.array();
    Object g = gradOut.array();
    Object d = gradInput.array();
    planes(w.batch() * w.channels(), (long) on * w.kernelArea(), (p0, p1) -> {
      if (f64) {
        Arrays.fill((double[]) d, gi + p0 * in, gi + p1 * in, 0);
      } else if (!covered) {
        Arrays.fill((float[]) d, gi + p0 * in, gi + p1 * in, 0f);
      }
      if (twoByTwo && !f64) {
        TWO_BY_TWO.backward((float[]) x, xo + p0 * in, (float[]) g, go + p0 * on, (float[]) d,
            gi + p0 * in, p1 - p0, w.height(), w.width(), w.outH(), w.outW());
        return;
      }
      for (int p = p0; p < p1; p++) {
        int base = xo + p * in;
        int at = go + p * on;
        int dst = gi + p * in;
        if (twoByTwo) {
          max2x2BackwardF64((double[]) x, base, w.width(), w.outH(), w.outW(), (double[]) g,
              at, (double[]) d, dst);
          continue;
        }
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

  // ------------------------------------------------------------------ 2x2 windows
  // Each window is scanned as argmax scans it, a (top left), b, c, d (bottom right): a later
  // element wins when it is NaN or strictly greater than the best so far. That choice is the
  // maximum of a total order (NaNs above all numbers, a later NaN above an earlier one; among
  // numbers the larger, and on a tie, -0.0 and 0.0 included, the earlier), so it can be taken
  // pairwise, (a, b) and (c, d) and then the two winners (the upper one the earlier), with the
  // same result as the scan; the vector kernels take it so, lane by lane.

  /**
   * Max pooling over 2x2 windows with stride 2 (no padding or dilation) of {@code planes}
   * consecutive float32 planes of {@code [height, width]} from {@code xo}, whose
   * {@code [outH, outW]} outputs (and output gradients) lie consecutively from {@code yo}
   * ({@code go}). An implementation reads and writes nothing outside those planes.
   */
  interface TwoByTwo {
    void forward(float[] x, int xo, float[] y, int yo, int planes, int height, int width,
        int outH, int outW);

    /**
     * Writes every input element that lies in a window: its window's output gradient plus 0
     * where it is the window's maximum, 0 elsewhere. Elements in no window (the last row or
     * column of an odd size) are left as they are.
     */
    void backward(float[] x, int xo, float[] gradOut, int go, float[] gradIn, int gi,
        int planes, int height, int width, int outH, int outW);

    /** A short description for logs and benchmarks. */
    String describe();
  }

  /** The loops over {@link #max2x2Row} and {@link #max2x2GradRow}. */
  static final TwoByTwo PLAIN_TWO_BY_TWO = new TwoByTwo() {
    @Override
    public void forward(float[] x, int xo, float[] y, int yo, int planes, int height,
        int width, int outH, int outW) {
      for (int p = 0; p < planes; p++) {
        for (int i = 0; i < outH; i++) {
          max2x2Row(x, xo + p * height * width + 2 * i * width, width, y,
              yo + (p * outH + i) * outW, 0, outW);
        }
      }
    }

    @Override
    public void backward(float[] x, int xo, float[] gradOut, int go, float[] gradIn, int gi,
        int planes, int height, int width, int outH, int outW) {
      for (int p = 0; p < planes; p++) {
        for (int i = 0; i < outH; i++) {
          int top = p * height * width + 2 * i * width;
          max2x2GradRow(x, xo + top, width, gradOut, go + (p * outH + i) * outW, gradIn,
              gi + top, 0, outW);
        }
      }
    }

    @Override
    public String describe() {
      return "plain loops";
    }
  };

  /** The vector kernels where the JVM has the Vector API and 256-bit vectors, else the plain. */
  static final TwoByTwo TWO_BY_TWO = chooseTwoByTwo();

  private static TwoByTwo chooseTwoByTwo() {
    String simd = System.getProperty("adjoint.simd", "true").toLowerCase(Locale.ROOT);
    TwoByTwo v = simd.equals("false") ? null : vectorTwoByTwo();
    return v != null ? v : PLAIN_TWO_BY_TWO;
  }

  /** The vector kernels, or null when the JVM lacks the Vector API module or 256-bit vectors. */
  static TwoByTwo vectorTwoByTwo() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (TwoByTwo) Class.forName("dev.adjoint.backend.cpu.VectorPooling")
          .getDeclaredMethod("instance").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  /**
   * Outputs {@code [j0, j1)} of one row of 2x2 maxima, whose windows' top row starts at
   * {@code top} (the bottom row {@code width} later), into {@code y} from {@code at}.
   */
  static void max2x2Row(float[] x, int top, int width, float[] y, int at, int j0, int j1) {
    int bottom = top + width;
    for (int j = j0; j < j1; j++) {
      float a = x[top + 2 * j];
      float b = x[top + 2 * j + 1];
      float c = x[bottom + 2 * j];
      float d = x[bottom + 2 * j + 1];
      float upper = b > a || b != b ? b : a;
      float lower = d > c || d != d ? d : c;
      y[at + j] = lower > upper || lower != lower ? lower : upper;
    }
  }

  /**
   * The input gradient of windows {@code [j0, j1)} of one row: writes all four elements of each
   * window of {@code gradIn} (top row from {@code dTop}), the output gradient plus 0 at the
   * window's maximum and 0 at the others.
   */
  static void max2x2GradRow(float[] x, int top, int width, float[] gradOut, int at,
      float[] gradIn, int dTop, int j0, int j1) {
    int bottom = top + width;
    int dBottom = dTop + width;
    for (int j = j0; j < j1; j++) {
      float a = x[top + 2 * j];
      float b = x[top + 2 * j + 1];
      float c = x[bottom + 2 * j];
      float d = x[bottom + 2 * j + 1];
      boolean bWins = b > a || b != b;
      boolean dWins = d > c || d != d;
      float upper = bWins ? b : a;
      float lower = dWins ? d : c;
      gradIn[dTop + 2 * j] = 0f;
      gradIn[dTop + 2 * j + 1] = 0f;
      gradIn[dBottom + 2 * j] = 0f;
      gradIn[dBottom + 2 * j + 1] = 0f;
      int idx = lower > upper || lower != lower ? dBottom + 2 * j + (dWins ? 1 : 0)
          : dTop + 2 * j + (bWins ? 1 : 0);
      gradIn[idx] = 0f + gradOut[at + j];
    }
  }

  /** The 2x2 maxima of one float64 plane at {@code base} (rows {@code width} apart). */
  static void max2x2F64(double[] x, int base, int width, int outH, int outW, double[] y,
      int at) {
    for (int i = 0; i < outH; i++, at += outW) {
      int top = base + 2 * i * width;
      int bottom = top + width;
      for (int j = 0; j < outW; j++) {
        double a = x[top + 2 * j];
        double b = x[top + 2 * j + 1];
        double c = x[bottom + 2 * j];
        double d = x[bottom + 2 * j + 1];
        double upper = b > a || b != b ? b : a;
        double lower = d > c || d != d ? d : c;
        y[at + j] = lower > upper || lower != lower ? lower : upper;
      }
    }
  }

  /**
   * Adds each output gradient of one float64 plane to its window's maximum in the zero-filled
   * {@code gradIn} plane at {@code dst}.
   */
  static void max2x2BackwardF64(double[] x, int base, int width, int outH, int outW,
      double[] gradOut, int at, double[] gradIn, int dst) {
    for (int i = 0; i < outH; i++, at += outW) {
      int top = 2 * i * width;
      int bottom = top + width;
      for (int j = 0; j < outW; j++) {
        int ia = top + 2 * j;
        int ic = bottom + 2 * j;
        double a = x[base + ia];
        double b = x[base + ia + 1];
        double c = x[base + ic];
        double d = x[base + ic + 1];
        boolean bWins = b > a || b != b;
        boolean dWins = d > c || d != d;
        double upper = bWins ? b : a;
        double lower = dWins ? d : c;
        int idx = lower > upper || lower != lower ? (dWins ? ic + 1 : ic)
            : (bWins ? ia + 1 : ia);
        gradIn[dst + idx] += gradOut[at + j];
      }
    }
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
