package dev.adjoint.cuda;

import com.sun.jna.Native;
import org.junit.jupiter.api.Assumptions;

/**
 * The library's host entry points (host_tests.cu): the __host__ __device__ functions the kernels
 * use, run on the CPU. Bound by direct mapping on first use; {@link #assumeBuilt()} first.
 */
final class HostKernels {
  private HostKernels() {}

  /** Skips the calling test, saying why, when the library was not built here. */
  static void assumeBuilt() {
    Assumptions.assumeTrue(CudaLibrary.resourcePresent(), "skipped: libadjoint_cuda.so was not"
        + " built (nvcc absent at build time), so there are no host entry points to test");
    Bound.init();
  }

  /** Registers the natives below once. */
  static final class Bound {
    static {
      Native.register(HostKernels.class, CudaLibrary.load());
    }

    static void init() {}
  }

  static native void host_philox4x32(int[] counter, int[] key, int[] out);

  static native void host_philox_block(long seed, long block, long[] out);

  static native void host_random_f32(long seed, long offset, long count, double low, double high,
      float[] out);

  static native void host_random_f64(long seed, long offset, long count, double low, double high,
      double[] out);

  static native void host_normal_f64(long seed, long offset, long count, double mean, double std,
      double[] out);

  static native void host_bernoulli(long seed, long offset, long count, double p, byte[] out);

  static native void host_randint(long seed, long offset, long count, long low, long high,
      long[] out);

  static native long host_position(long[] layout, long i);

  static native int host_is_contiguous(long[] layout);

  static native void host_unary_f32(int op, float[] x, long n, double lo, double hi, float[] out);

  static native void host_unary_f64(int op, double[] x, long n, double lo, double hi,
      double[] out);

  static native void host_unary_i64(int op, long[] x, long n, double lo, double hi, long[] out);

  static native void host_binary_f32(int op, float[] a, float[] b, long n, float[] out,
      byte[] boolOut);

  static native void host_binary_f64(int op, double[] a, double[] b, long n, double[] out,
      byte[] boolOut);

  static native void host_binary_i64(int op, long[] a, long[] b, long n, long[] out,
      byte[] boolOut);

  static native void host_cast_f64_i64(double[] x, long n, long[] out);

  static native int host_pointwise_f32(int[] steps, double[] constants, int nsteps,
      double[] scalars, int nscalars, int[] outputs, int noutputs, long count, long[] inputs,
      int ninputs, long[] outputPtrs);

  static native int host_pointwise_f64(int[] steps, double[] constants, int nsteps,
      double[] scalars, int nscalars, int[] outputs, int noutputs, long count, long[] inputs,
      int ninputs, long[] outputPtrs);

  static native void host_max_pool2d_f32(float[] x, int[] window, float[] y);

  static native void host_max_pool2d_grad_f32(float[] g, float[] x, int[] window, float[] dx);

  static native void host_avg_pool2d_f32(float[] x, int[] window, int includePad, float[] y);

  static native void host_avg_pool2d_grad_f32(float[] g, int[] window, int includePad,
      float[] dx);

  static native void host_adaptive_avg_pool2d_f32(float[] x, long planes, int h, int w, int oh,
      int ow, float[] y);

  static native void host_adaptive_avg_pool2d_grad_f32(float[] g, long planes, int h, int w,
      int oh, int ow, float[] dx);

  static native void host_im2col_f32(float[] input, int[] window, int c0, int cg, int images,
      float[] col);

  static native void host_col2im_f32(float[] col, int[] window, int c0, int cg, int images,
      float[] gradInput);

  static native void host_max_pool2d_f64(double[] x, int[] window, double[] y);

  static native void host_max_pool2d_grad_f64(double[] g, double[] x, int[] window, double[] dx);

  static native void host_avg_pool2d_f64(double[] x, int[] window, int includePad, double[] y);

  static native void host_avg_pool2d_grad_f64(double[] g, int[] window, int includePad,
      double[] dx);

  static native void host_adaptive_avg_pool2d_f64(double[] x, long planes, int h, int w, int oh,
      int ow, double[] y);

  static native void host_adaptive_avg_pool2d_grad_f64(double[] g, long planes, int h, int w,
      int oh, int ow, double[] dx);

  static native void host_im2col_f64(double[] input, int[] window, int c0, int cg, int images,
      double[] col);

  static native void host_col2im_f64(double[] col, int[] window, int c0, int cg, int images,
      double[] gradInput);

  static native int host_index_select_f64(double[] src, long[] srcLayout, int dim, long[] index,
      long m, double[] dst);

  static native int host_gather_f64(double[] src, long[] srcLayout, int dim, long[] index,
      long[] indexLayout, double[] dst);

  static native int host_index_add_f64(double[] dst, long outer, long size, long inner,
      long[] index, long m, double[] source);

  static native int host_scatter_add_f64(double[] dst, long[] dstLayout, int dim, long[] index,
      long[] indexLayout, double[] src, long[] srcLayout);
}
