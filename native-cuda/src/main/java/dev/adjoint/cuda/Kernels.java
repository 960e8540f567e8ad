package dev.adjoint.cuda;

import com.sun.jna.Native;

/**
 * The kernels of {@code libadjoint_cuda.so} ({@code native-cuda/src/main/cuda/*.cu}), bound by
 * direct mapping under their C names ({@code <op>_<dtype>}). Device pointers, streams and error
 * slots are {@code long}s pointing at an operand's first element; layouts are the descriptors
 * of {@link LayoutCodec}; every function returns a {@code cudaError_t} (or one of
 * {@link CudaStatus}'s own codes) that the caller checks at once. Registered on first use.
 */
@SuppressWarnings("checkstyle:MethodName")
final class Kernels {
  static {
    Native.register(Kernels.class, CudaLibrary.load());
  }

  private Kernels() {}

  /** {@code fill_f32}. */
  static native int fill_f32(long dst, long[] dstLayout, double value, long stream);

  /** {@code fill_f64}. */
  static native int fill_f64(long dst, long[] dstLayout, double value, long stream);

  /** {@code fill_i64}. */
  static native int fill_i64(long dst, long[] dstLayout, double value, long stream);

  /** {@code fill_bool}. */
  static native int fill_bool(long dst, long[] dstLayout, double value, long stream);

  /** {@code copy_f32_f32}: a strided copy with a cast. */
  static native int copy_f32_f32(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f32_f64}: a strided copy with a cast. */
  static native int copy_f32_f64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f32_i64}: a strided copy with a cast. */
  static native int copy_f32_i64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f32_bool}: a strided copy with a cast. */
  static native int copy_f32_bool(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f64_f32}: a strided copy with a cast. */
  static native int copy_f64_f32(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f64_f64}: a strided copy with a cast. */
  static native int copy_f64_f64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f64_i64}: a strided copy with a cast. */
  static native int copy_f64_i64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_f64_bool}: a strided copy with a cast. */
  static native int copy_f64_bool(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_i64_f32}: a strided copy with a cast. */
  static native int copy_i64_f32(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_i64_f64}: a strided copy with a cast. */
  static native int copy_i64_f64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_i64_i64}: a strided copy with a cast. */
  static native int copy_i64_i64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_i64_bool}: a strided copy with a cast. */
  static native int copy_i64_bool(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_bool_f32}: a strided copy with a cast. */
  static native int copy_bool_f32(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_bool_f64}: a strided copy with a cast. */
  static native int copy_bool_f64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_bool_i64}: a strided copy with a cast. */
  static native int copy_bool_i64(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code copy_bool_bool}: a strided copy with a cast. */
  static native int copy_bool_bool(long src, long[] srcLayout, long dst, long[] dstLayout,
      long stream);

  /** {@code unary_f32}; {@code op} is a UnaryOp ordinal. */
  static native int unary_f32(int op, long src, long[] srcLayout, long dst, long[] dstLayout,
      double lo, double hi, long stream);

  /** {@code unary_f64}; {@code op} is a UnaryOp ordinal. */
  static native int unary_f64(int op, long src, long[] srcLayout, long dst, long[] dstLayout,
      double lo, double hi, long stream);

  /** {@code unary_i64}; {@code op} is a UnaryOp ordinal. */
  static native int unary_i64(int op, long src, long[] srcLayout, long dst, long[] dstLayout,
      double lo, double hi, long stream);

  /** {@code binary_f32}; {@code op} is a BinaryOp ordinal. */
  static native int binary_f32(int op, long a, long[] aLayout, long b, long[] bLayout, long dst,
      long[] dstLayout, long stream);

  /** {@code binary_scalar_f32}. */
  static native int binary_scalar_f32(int op, long a, long[] aLayout, double scalar,
      int scalarFirst, long dst, long[] dstLayout, long stream);

  /** {@code where_f32}. */
  static native int where_f32(long cond, long[] condLayout, long a, long[] aLayout, long b,
      long[] bLayout, long dst, long[] dstLayout, long stream);

  /** {@code binary_f64}; {@code op} is a BinaryOp ordinal. */
  static native int binary_f64(int op, long a, long[] aLayout, long b, long[] bLayout, long dst,
      long[] dstLayout, long stream);

  /** {@code binary_scalar_f64}. */
  static native int binary_scalar_f64(int op, long a, long[] aLayout, double scalar,
      int scalarFirst, long dst, long[] dstLayout, long stream);

  /** {@code where_f64}. */
  static native int where_f64(long cond, long[] condLayout, long a, long[] aLayout, long b,
      long[] bLayout, long dst, long[] dstLayout, long stream);

  /** {@code binary_i64}; {@code op} is a BinaryOp ordinal. */
  static native int binary_i64(int op, long a, long[] aLayout, long b, long[] bLayout, long dst,
      long[] dstLayout, long stream);

  /** {@code binary_scalar_i64}. */
  static native int binary_scalar_i64(int op, long a, long[] aLayout, double scalar,
      int scalarFirst, long dst, long[] dstLayout, long stream);

  /** {@code where_i64}. */
  static native int where_i64(long cond, long[] condLayout, long a, long[] aLayout, long b,
      long[] bLayout, long dst, long[] dstLayout, long stream);

  /** {@code binary_bool}; {@code op} is a BinaryOp ordinal. */
  static native int binary_bool(int op, long a, long[] aLayout, long b, long[] bLayout, long dst,
      long[] dstLayout, long stream);

  /** {@code binary_scalar_bool}. */
  static native int binary_scalar_bool(int op, long a, long[] aLayout, double scalar,
      int scalarFirst, long dst, long[] dstLayout, long stream);

  /** {@code where_bool}. */
  static native int where_bool(long cond, long[] condLayout, long a, long[] aLayout, long b,
      long[] bLayout, long dst, long[] dstLayout, long stream);

  /** {@code reduce_f32_f32}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_f32_f32(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_f32_f64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_f32_f64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_f32_i64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_f32_i64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_f64_f32}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_f64_f32(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_f64_f64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_f64_f64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_f64_i64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_f64_i64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_i64_f32}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_i64_f32(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_i64_f64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_i64_f64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_i64_i64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_i64_i64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_bool_f32}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_bool_f32(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_bool_f64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_bool_f64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code reduce_bool_i64}; {@code op} is a ReduceOp ordinal, {@code indices} 0 for none. */
  static native int reduce_bool_i64(int op, long src, long[] srcLayout, long outer, long inner,
      long values, long indices, double param, long stream);

  /** {@code pointwise_f32}: interprets a Pointwise program. */
  static native int pointwise_f32(int[] steps, double[] constants, int nsteps, double[] scalars,
      int nscalars, int[] outputs, int noutputs, long count, long[] inputs, int ninputs,
      long[] outputPtrs, long stream);

  /** {@code pointwise_f64}: interprets a Pointwise program. */
  static native int pointwise_f64(int[] steps, double[] constants, int nsteps, double[] scalars,
      int nscalars, int[] outputs, int noutputs, long count, long[] inputs, int ninputs,
      long[] outputPtrs, long stream);

  /** {@code check_range_f32}: records the first offending element in an error slot. */
  static native int check_range_f32(long src, long[] layout, double low, double high,
      double allowed, long slot, long stream);

  /** {@code index_select_f32}. */
  static native int index_select_f32(long src, long[] srcLayout, int dim, long index, long m,
      long dst, long stream);

  /** {@code gather_f32}. */
  static native int gather_f32(long src, long[] srcLayout, int dim, long index, long[] indexLayout,
      long dst, long stream);

  /** {@code index_add_f32}. */
  static native int index_add_f32(long dst, long outer, long size, long inner, long index, long m,
      long source, long stream);

  /** {@code scatter_add_f32}. */
  static native int scatter_add_f32(long dst, long[] dstLayout, int dim, long index,
      long[] indexLayout, long src, long[] srcLayout, long stream);

  /** {@code check_range_f64}: records the first offending element in an error slot. */
  static native int check_range_f64(long src, long[] layout, double low, double high,
      double allowed, long slot, long stream);

  /** {@code index_select_f64}. */
  static native int index_select_f64(long src, long[] srcLayout, int dim, long index, long m,
      long dst, long stream);

  /** {@code gather_f64}. */
  static native int gather_f64(long src, long[] srcLayout, int dim, long index, long[] indexLayout,
      long dst, long stream);

  /** {@code index_add_f64}. */
  static native int index_add_f64(long dst, long outer, long size, long inner, long index, long m,
      long source, long stream);

  /** {@code scatter_add_f64}. */
  static native int scatter_add_f64(long dst, long[] dstLayout, int dim, long index,
      long[] indexLayout, long src, long[] srcLayout, long stream);

  /** {@code check_range_i64}: records the first offending element in an error slot. */
  static native int check_range_i64(long src, long[] layout, double low, double high,
      double allowed, long slot, long stream);

  /** {@code index_select_i64}. */
  static native int index_select_i64(long src, long[] srcLayout, int dim, long index, long m,
      long dst, long stream);

  /** {@code gather_i64}. */
  static native int gather_i64(long src, long[] srcLayout, int dim, long index, long[] indexLayout,
      long dst, long stream);

  /** {@code index_add_i64}. */
  static native int index_add_i64(long dst, long outer, long size, long inner, long index, long m,
      long source, long stream);

  /** {@code scatter_add_i64}. */
  static native int scatter_add_i64(long dst, long[] dstLayout, int dim, long index,
      long[] indexLayout, long src, long[] srcLayout, long stream);

  /** {@code check_range_bool}: records the first offending element in an error slot. */
  static native int check_range_bool(long src, long[] layout, double low, double high,
      double allowed, long slot, long stream);

  /** {@code index_select_bool}. */
  static native int index_select_bool(long src, long[] srcLayout, int dim, long index, long m,
      long dst, long stream);

  /** {@code gather_bool}. */
  static native int gather_bool(long src, long[] srcLayout, int dim, long index, long[] indexLayout,
      long dst, long stream);

  /** {@code index_add_bool}. */
  static native int index_add_bool(long dst, long outer, long size, long inner, long index, long m,
      long source, long stream);

  /** {@code scatter_add_bool}. */
  static native int scatter_add_bool(long dst, long[] dstLayout, int dim, long index,
      long[] indexLayout, long src, long[] srcLayout, long stream);

  /** {@code gemm_f32}: the kernels' own GEMM (int64; floating GEMM goes to cuBLAS). */
  static native int gemm_f32(int transA, int transB, int m, int n, int k, double alpha, long a,
      long lda, long strideA, long b, long ldb, long strideB, double beta, long c, long ldc,
      long strideC, int batch, long stream);

  /** {@code gemm_f64}: the kernels' own GEMM (int64; floating GEMM goes to cuBLAS). */
  static native int gemm_f64(int transA, int transB, int m, int n, int k, double alpha, long a,
      long lda, long strideA, long b, long ldb, long strideB, double beta, long c, long ldc,
      long strideC, int batch, long stream);

  /** {@code gemm_i64}: the kernels' own GEMM (int64; floating GEMM goes to cuBLAS). */
  static native int gemm_i64(int transA, int transB, int m, int n, int k, double alpha, long a,
      long lda, long strideA, long b, long ldb, long strideB, double beta, long c, long ldc,
      long strideC, int batch, long stream);

  /** {@code inverse_f32}. */
  static native int inverse_f32(long a, long dst, long work, int batch, int n, long slot,
      long stream);

  /** {@code im2col_f32}. */
  static native int im2col_f32(long input, int[] window, int c0, int cg, int images, long col,
      long stream);

  /** {@code col2im_f32}. */
  static native int col2im_f32(long col, int[] window, int c0, int cg, int images, long gradInput,
      long stream);

  /** {@code bias_add_f32}. */
  static native int bias_add_f32(long dst, long bias, long images, long channels, long plane,
      long stream);

  /** {@code max_pool2d_f32}. */
  static native int max_pool2d_f32(long x, int[] window, long y, long stream);

  /** {@code max_pool2d_grad_f32}. */
  static native int max_pool2d_grad_f32(long g, long x, int[] window, long dx, long stream);

  /** {@code avg_pool2d_f32}. */
  static native int avg_pool2d_f32(long x, int[] window, int includePad, long y, long stream);

  /** {@code avg_pool2d_grad_f32}. */
  static native int avg_pool2d_grad_f32(long g, int[] window, int includePad, long dx, long stream);

  /** {@code adaptive_avg_pool2d_f32}. */
  static native int adaptive_avg_pool2d_f32(long x, long planes, int h, int w, int oh, int ow,
      long y, long stream);

  /** {@code adaptive_avg_pool2d_grad_f32}. */
  static native int adaptive_avg_pool2d_grad_f32(long g, long planes, int h, int w, int oh, int ow,
      long dx, long stream);

  /** {@code random_uniform_f32}. */
  static native int random_uniform_f32(long dst, long count, long seed, long offset, double low,
      double high, long stream);

  /** {@code random_normal_f32}. */
  static native int random_normal_f32(long dst, long count, long seed, long offset, double mean,
      double std, long stream);

  /** {@code sgd_momentum_f32}: up to 48 tensors per call. */
  static native int sgd_momentum_f32(int count, long[] params, long[] grads, long[] momentumBuffers,
      long[] numels, double lr, double momentum, double dampening, double weightDecay, int nesterov,
      int firstStep, long stream);

  /** {@code adam_f32}: Adam or AdamW, up to 48 tensors per call. */
  static native int adam_f32(int count, long[] params, long[] grads, long[] expAvgs,
      long[] expAvgSqs, long[] numels, double lr, double beta1, double beta2, double eps,
      double weightDecay, int decoupled, long step, long stream);

  /** {@code inverse_f64}. */
  static native int inverse_f64(long a, long dst, long work, int batch, int n, long slot,
      long stream);

  /** {@code im2col_f64}. */
  static native int im2col_f64(long input, int[] window, int c0, int cg, int images, long col,
      long stream);

  /** {@code col2im_f64}. */
  static native int col2im_f64(long col, int[] window, int c0, int cg, int images, long gradInput,
      long stream);

  /** {@code bias_add_f64}. */
  static native int bias_add_f64(long dst, long bias, long images, long channels, long plane,
      long stream);

  /** {@code max_pool2d_f64}. */
  static native int max_pool2d_f64(long x, int[] window, long y, long stream);

  /** {@code max_pool2d_grad_f64}. */
  static native int max_pool2d_grad_f64(long g, long x, int[] window, long dx, long stream);

  /** {@code avg_pool2d_f64}. */
  static native int avg_pool2d_f64(long x, int[] window, int includePad, long y, long stream);

  /** {@code avg_pool2d_grad_f64}. */
  static native int avg_pool2d_grad_f64(long g, int[] window, int includePad, long dx, long stream);

  /** {@code adaptive_avg_pool2d_f64}. */
  static native int adaptive_avg_pool2d_f64(long x, long planes, int h, int w, int oh, int ow,
      long y, long stream);

  /** {@code adaptive_avg_pool2d_grad_f64}. */
  static native int adaptive_avg_pool2d_grad_f64(long g, long planes, int h, int w, int oh, int ow,
      long dx, long stream);

  /** {@code random_uniform_f64}. */
  static native int random_uniform_f64(long dst, long count, long seed, long offset, double low,
      double high, long stream);

  /** {@code random_normal_f64}. */
  static native int random_normal_f64(long dst, long count, long seed, long offset, double mean,
      double std, long stream);

  /** {@code sgd_momentum_f64}: up to 48 tensors per call. */
  static native int sgd_momentum_f64(int count, long[] params, long[] grads, long[] momentumBuffers,
      long[] numels, double lr, double momentum, double dampening, double weightDecay, int nesterov,
      int firstStep, long stream);

  /** {@code adam_f64}: Adam or AdamW, up to 48 tensors per call. */
  static native int adam_f64(int count, long[] params, long[] grads, long[] expAvgs,
      long[] expAvgSqs, long[] numels, double lr, double beta1, double beta2, double eps,
      double weightDecay, int decoupled, long step, long stream);

  /** {@code random_bernoulli_f32}. */
  static native int random_bernoulli_f32(long dst, long count, long seed, long offset, double p,
      long stream);

  /** {@code random_bernoulli_f64}. */
  static native int random_bernoulli_f64(long dst, long count, long seed, long offset, double p,
      long stream);

  /** {@code random_bernoulli_i64}. */
  static native int random_bernoulli_i64(long dst, long count, long seed, long offset, double p,
      long stream);

  /** {@code random_bernoulli_bool}. */
  static native int random_bernoulli_bool(long dst, long count, long seed, long offset, double p,
      long stream);

  /** {@code random_int_f32}. */
  static native int random_int_f32(long dst, long count, long seed, long offset, long low,
      long high, long stream);

  /** {@code random_int_f64}. */
  static native int random_int_f64(long dst, long count, long seed, long offset, long low,
      long high, long stream);

  /** {@code random_int_i64}. */
  static native int random_int_i64(long dst, long count, long seed, long offset, long low,
      long high, long stream);
}
