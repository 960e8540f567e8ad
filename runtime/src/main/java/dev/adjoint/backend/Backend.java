package dev.adjoint.backend;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;

/**
 * The kernels one device provides. {@link Tensor} does all shape work (broadcasting, promotion,
 * views, validation) and calls these with operands that are already checked: same shapes where
 * stated, dtypes as stated, storages on this backend's device. Inputs may be any strided view
 * (including stride 0 for broadcast dimensions) unless a method says "contiguous"; outputs are
 * whatever tensor is passed, so in-place ops pass the input itself.
 */
public interface Backend {
  /** The device whose storages this backend owns. */
  Device device();

  /** A zero-filled storage of {@code numel} elements. */
  Storage allocate(DType dtype, int numel);

  /** Copies {@code src} into {@code dst} (same shape), converting dtype as a C cast would. */
  void copy(Tensor src, Tensor dst);

  /** Sets every element of {@code dst} to {@code value} (converted to its dtype). */
  void fill(Tensor dst, double value);

  /**
   * {@code dst = op(src)}, same shape and dtype; {@code a} and {@code b} are the op's scalar
   * parameters (the clamp bounds).
   */
  void unary(UnaryOp op, Tensor src, Tensor dst, double a, double b);

  /**
   * {@code dst = a op b}. {@code a} and {@code b} have the same shape and dtype as each other;
   * {@code dst} has that shape and their dtype, or bool for comparisons.
   */
  void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst);

  /** {@code dst = cond ? a : b}; all four the same shape, {@code cond} bool, the rest one dtype. */
  void where(Tensor cond, Tensor a, Tensor b, Tensor dst);

  /**
   * Reduces each row of {@code src} into {@code values[outer]} (contiguous). {@code src} is any
   * strided view, broadcast (stride 0) and permuted ones included, and is read in place, never
   * copied: its leading dimensions multiply to {@code outer} (the rows, in row-major order) and its
   * trailing ones to {@code inner} (one row's elements, reduced in row-major order). Its dtype may
   * differ from that of {@code values}, the result's dtype: elements are converted as they are read
   * (floating results accumulate in double, int64 ones exactly). {@code indices} (int64,
   * contiguous) receives the argmax or argmin for MAX/MIN, the row-major position within the row,
   * and may be null. {@code param} is the correction for VAR. Memory used beyond the outputs does
   * not grow with the input and is released when the call returns.
   */
  void reduce(ReduceOp op, Tensor src, int outer, int inner, Tensor values, Tensor indices,
      double param);

  /** {@code dst[b] = a[b] @ bm[b]} for contiguous {@code a [B, M, K]}, {@code bm [B, K, N]}. */
  void matmul(Tensor a, Tensor bm, Tensor dst);

  /**
   * {@code dst = op(a) @ op(b)} for 2-d floating {@code a [M, K]}, {@code b [K, N]} of dst's
   * dtype and a contiguous {@code dst [M, N]}: BLAS's GEMM. Each operand is read where it lies,
   * row-major ({@code transX} false: unit stride along its columns, {@code ldX} between rows) or
   * column-major ({@code transX} true: unit stride along its rows, {@code ldX} between columns),
   * so a transposed weight or a slice is never copied first.
   */
  void gemm(Tensor a, boolean transA, int lda, Tensor b, boolean transB, int ldb, Tensor dst);

  /**
   * Evaluates a fused elementwise {@code program} in one pass: see {@link Pointwise#apply}, which
   * has checked that every operand is contiguous, of one shape, one floating dtype and this
   * device. Outputs may be inputs; each element's inputs are read before its outputs are written.
   * Every step rounds to the operands' dtype, scalars converted to it first.
   */
  void pointwise(Pointwise program, double[] scalars, Tensor[] inputs, Tensor[] outputs);

  /**
   * Inverts each matrix of contiguous {@code a [B, n, n]} into {@code dst}.
   *
   * @throws dev.adjoint.tensor.SingularMatrixException when one has no inverse
   */
  void inverse(Tensor a, Tensor dst);

  /**
   * {@code dst[..., i, ...] = src[..., index[i], ...]} along {@code dim}; indices already checked
   * to be in range.
   */
  void indexSelect(Tensor src, int dim, Tensor index, Tensor dst);

  /** {@code dst[i][j][k] = src[i][index[i][j][k]][k]} for {@code dim = 1}, and so on. */
  void gather(Tensor src, int dim, Tensor index, Tensor dst);

  /**
   * {@code dst[..., index[i], ...] += source[..., i, ...]} along {@code dim}, in place; repeated
   * indices accumulate (bool: logical or). {@code dst} and {@code source} are contiguous, of one
   * dtype, with equal sizes outside {@code dim}; indices already checked and wrapped into range.
   */
  void indexAdd(Tensor dst, int dim, Tensor index, Tensor source);

  /**
   * {@code dst[i][index[i][j][k]][k] += src[i][j][k]} for {@code dim = 1}, and so on, over the
   * positions of {@code index}, in place; repeated indices accumulate (bool: logical or).
   * {@code dst} and {@code src} have one dtype; indices already checked to be in range.
   */
  void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src);

  /** Copies a contiguous tensor's elements to the host as a Java array of its dtype. */
  Object toHostArray(Tensor contiguous);

  /** A storage on this device holding {@code array} (float[], double[], long[] or boolean[]). */
  Storage fromHostArray(Object array);

  // ------------------------------------------------------------------ nn kernels
  // Called by dev.adjoint.nn.Functional with contiguous operands of one floating dtype, shapes
  // already checked against the window; {@code [N, C, H, W]} tensors throughout. Outputs are
  // overwritten entirely.

  /**
   * 2-d cross-correlation: {@code dst [N, OC, outH, outW]} from {@code input [N, C, H, W]},
   * {@code weight [OC, C / groups, kernelH, kernelW]} and {@code bias [OC]} (null for none).
   */
  void conv2d(Tensor input, Tensor weight, Tensor bias, Tensor dst, Window2d window, int groups);

  /** The gradient of {@link #conv2d} with respect to its input, into {@code gradInput}. */
  void conv2dInputGrad(Tensor gradOut, Tensor weight, Tensor gradInput, Window2d window,
      int groups);

  /** The gradient of {@link #conv2d} with respect to its weight, summed over the batch. */
  void conv2dWeightGrad(Tensor gradOut, Tensor input, Tensor gradWeight, Window2d window,
      int groups);

  /** Max over each window (padding never wins; NaN propagates). */
  void maxPool2d(Tensor input, Tensor dst, Window2d window);

  /** Routes each output gradient to its window's maximum (the first one, as the forward chose). */
  void maxPool2dGrad(Tensor gradOut, Tensor input, Tensor gradInput, Window2d window);

  /**
   * Mean over each window, dividing by the whole window area when {@code countIncludePad}, else by
   * the part inside the input.
   */
  void avgPool2d(Tensor input, Tensor dst, Window2d window, boolean countIncludePad);

  /** Spreads each output gradient evenly over its window (the adjoint of {@link #avgPool2d}). */
  void avgPool2dGrad(Tensor gradOut, Tensor gradInput, Window2d window,
      boolean countIncludePad);

  /**
   * Mean over the windows {@code [floor(i * H / outH), ceil((i + 1) * H / outH))} (and likewise
   * along W), from {@code input [N, C, H, W]} into {@code dst [N, C, outH, outW]}.
   */
  void adaptiveAvgPool2d(Tensor input, Tensor dst);

  /** The adjoint of {@link #adaptiveAvgPool2d}. */
  void adaptiveAvgPool2dGrad(Tensor gradOut, Tensor gradInput);

  /** {@code dst = erf(src)}, the error function, elementwise. */
  void erf(Tensor src, Tensor dst);

  // ------------------------------------------------------------------ random numbers
  // Each fills elements [start, start + count) of dst with values 0 .. count - 1 of a draw at
  // block `offset` of the Philox stream of `seed`, exactly as Philox defines them, so every device
  // and every split of the work gives the same numbers. Callers reserve the blocks first
  // (Generator.reserve); start and count are already checked against dst's size.

  /**
   * Uniform values in {@code [low, high)} into a floating {@code dst}: {@code low + (high - low)
   * u} from each value's uniform {@code u} (24 bits for float32, 53 for float64), computed in
   * float64 and kept below {@code high} when rounding would reach it.
   */
  void randomUniform(Storage dst, long start, long count, long seed, long offset, double low,
      double high);

  /** Normal values {@code mean + std z} into a floating {@code dst} (Box-Muller pairs). */
  void randomNormal(Storage dst, long start, long count, long seed, long offset, double mean,
      double std);

  /** Bernoulli({@code p}) values into {@code dst} of any dtype: 1 (true) when {@code u < p}. */
  void randomBernoulli(Storage dst, long start, long count, long seed, long offset, double p);

  /**
   * Integers in {@code [low, high)} ({@code low < high}, the range up to 2^64 - 1) into an int64
   * or floating {@code dst}, with the bias {@link Philox} states.
   */
  void randomInt(Storage dst, long start, long count, long seed, long offset, long low,
      long high);
}
