package dev.adjoint.backend;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;

/**
 * The kernels one device provides, on storages described by {@link Layout}s: a kernel never
 * receives a tensor and never calls back into one. The tensor layer does all shape work
 * (broadcasting, promotion, views, validation) and calls these with operands that are already
 * checked: layouts that fit their storages, same shapes where stated, dtypes as stated, storages
 * on this backend's device. Inputs may be any strided layout (including stride 0 for broadcast
 * dimensions) unless a method says "contiguous"; outputs are whatever storage and layout are
 * passed, so in-place ops pass the input's own.
 *
 * <p>Element counts, strides and offsets are {@code long}: nothing in this interface limits a
 * storage to 2^31 elements. Host reads happen only in {@link #toHostArray}; everything else may
 * run asynchronously on the device.
 */
public interface Backend {
  /** The device whose storages this backend owns. */
  Device device();

  /**
   * A zero-filled storage of {@code numel} elements.
   *
   * @throws IllegalArgumentException when this device cannot hold that many in one storage
   */
  Storage allocate(DType dtype, long numel);

  /**
   * {@link #allocate}, except that the elements may hold anything: for an op's result that its
   * kernel writes in full before anything reads it, so that recycled memory need not be
   * zero-filled first. The default allocates zeros.
   *
   * @throws IllegalArgumentException when this device cannot hold that many in one storage
   */
  default Storage allocateUninitialized(DType dtype, long numel) {
    return allocate(dtype, numel);
  }

  /**
   * Gives {@code storage}'s memory back to this backend, which may hand it to a later
   * {@link #allocate} (a caching allocator, or the CPU's pool). The caller owns the storage and
   * no tensor uses it again: a later use throws {@link IllegalStateException}, never reads
   * another value. Releasing twice is harmless.
   */
  void release(Storage storage);

  /** The {@link Storage#serial} the next storage of this backend will get. */
  long nextSerial();

  /** Copies {@code src} into {@code dst} (same shape), converting dtype as a C cast would. */
  void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout);

  /** Sets every element of {@code dst} to {@code value} (converted to its dtype). */
  void fill(Storage dst, Layout layout, double value);

  /**
   * {@code dst = op(src)}, same shape and dtype; {@code a} and {@code b} are the op's scalar
   * parameters (the clamp bounds).
   */
  void unary(UnaryOp op, Storage src, Layout srcLayout, Storage dst, Layout dstLayout, double a,
      double b);

  /**
   * {@code dst = a op b}. {@code a} and {@code b} have the same shape and dtype as each other;
   * {@code dst} has that shape and their dtype, or bool for comparisons.
   */
  void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage dst,
      Layout dstLayout);

  /**
   * {@code dst = a op scalar} ({@code scalarFirst}: {@code scalar op a}) with the scalar converted
   * to {@code a}'s dtype first, so the result is that of {@link #binary} with a tensor of that
   * value, without one being allocated. {@code dst} has {@code a}'s shape and dtype, or bool for
   * comparisons.
   */
  void binaryScalar(BinaryOp op, Storage a, Layout aLayout, double scalar, boolean scalarFirst,
      Storage dst, Layout dstLayout);

  /**
   * {@code dst = cond ? a : b}; all four the same shape, {@code cond} bool, the rest one dtype.
   */
  void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b,
      Layout bLayout, Storage dst, Layout dstLayout);

  /**
   * Reduces each row of {@code src} into {@code values} (contiguous, {@code outer} elements from
   * {@code valuesOffset}). {@code src} is any strided layout, broadcast (stride 0) and permuted
   * ones included, and is read in place, never copied: its leading dimensions multiply to
   * {@code outer} (the rows, in row-major order) and its trailing ones to {@code inner} (one
   * row's elements, reduced in row-major order). Its dtype may differ from that of {@code values},
   * the result's dtype: elements are converted as they are read (floating results accumulate in
   * double, int64 ones exactly). {@code indices} (int64, contiguous from {@code indicesOffset})
   * receives the argmax or argmin for MAX/MIN, the row-major position within the row, and may be
   * null. {@code param} is the correction for VAR. Memory used beyond the outputs does not grow
   * with the input and is released when the call returns.
   */
  void reduce(ReduceOp op, Storage src, Layout srcLayout, long outer, long inner, Storage values,
      long valuesOffset, Storage indices, long indicesOffset, double param);

  /**
   * BLAS's strided batched GEMM: for each {@code i < batch}, {@code C_i = alpha op(A_i) op(B_i) +
   * beta C_i} with {@code op(A_i)} of {@code [m, k]}, {@code op(B_i)} of {@code [k, n]} and
   * {@code C_i [m, n]} (row-major, {@code ldc} between rows), where {@code X_i} starts at
   * {@code offsetX + i strideX}. Each operand is read where it lies, row-major ({@code transX}
   * false: unit stride along its columns, {@code ldX} between rows) or column-major
   * ({@code transX} true: unit stride along its rows, {@code ldX} between columns), so a
   * transposed weight or a slice is never copied first. Floating dtypes and int64 (all three
   * operands one dtype); {@code beta} 0 ignores what {@code C} held (NaN included).
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a,
      long offsetA, long lda, long strideA, Storage b, long offsetB, long ldb, long strideB,
      double beta, Storage c, long offsetC, long ldc, long strideC, int batch);

  /**
   * Evaluates a fused elementwise {@code program} in one pass over {@code count} elements: see
   * {@link Pointwise#apply}, which has checked that every operand is contiguous, of one floating
   * dtype and this device; operand {@code k} starts at its offset. Outputs may be inputs; each
   * element's inputs are read before its outputs are written. Every step rounds to the operands'
   * dtype, scalars converted to it first.
   */
  void pointwise(Pointwise program, double[] scalars, long count, Storage[] inputs,
      long[] inputOffsets, Storage[] outputs, long[] outputOffsets);

  /**
   * Inverts each of the {@code batch} contiguous {@code [n, n]} matrices from {@code aOffset}
   * into {@code dst} from {@code dstOffset}.
   *
   * @throws dev.adjoint.tensor.SingularMatrixException when one has no inverse
   */
  void inverse(Storage a, long aOffset, Storage dst, long dstOffset, int batch, int n);

  /**
   * {@code dst[..., i, ...] = src[..., index[i], ...]} along {@code dim}; {@code index} is a
   * contiguous 1-d int64 layout, {@code dst} contiguous. Out-of-range indices are an
   * {@link IndexOutOfBoundsException} naming the op (PyTorch's message), never a wrong element.
   */
  void indexSelect(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
      Storage dst, Layout dstLayout);

  /**
   * {@code dst[i][j][k] = src[i][index[i][j][k]][k]} for {@code dim = 1}, and so on; {@code index}
   * and {@code dst} contiguous, of one shape. Indices are range-checked as for
   * {@link #indexSelect}.
   */
  void gather(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
      Storage dst, Layout dstLayout);

  /**
   * {@code dst[..., index[i], ...] += source[..., i, ...]} along {@code dim}, in place; repeated
   * indices accumulate (bool: logical or). {@code dst} and {@code source} are contiguous, of one
   * dtype, with equal sizes outside {@code dim}; {@code index} contiguous 1-d int64, wrapped into
   * range by the caller and checked here.
   */
  void indexAdd(Storage dst, Layout dstLayout, int dim, Storage index, Layout indexLayout,
      Storage source, Layout sourceLayout);

  /**
   * {@code dst[i][index[i][j][k]][k] += src[i][j][k]} for {@code dim = 1}, and so on, over the
   * positions of {@code index} (contiguous), in place; repeated indices accumulate (bool: logical
   * or). {@code dst} and {@code src} have one dtype; indices are checked here.
   */
  void scatterAdd(Storage dst, Layout dstLayout, int dim, Storage index, Layout indexLayout,
      Storage src, Layout srcLayout);

  /**
   * Checks on the device that every element of {@code src} lies in {@code [low, high]} or equals
   * {@code allowed} (NaN for none; a NaN element is out of range), the way an op validates class
   * targets, embedding rows or probabilities without copying them to the host. On failure the
   * exception {@code error} builds from the first offending value (row-major order) is thrown:
   * at once on the CPU; on an asynchronous device when the host next waits for a value.
   */
  void checkRange(Storage src, Layout layout, double low, double high, double allowed,
      RangeError error);

  /**
   * Copies the elements of a contiguous layout to the host as a Java array of the storage's
   * dtype: the one place where a value crosses to the host (on an asynchronous device, the place
   * that waits).
   */
  Object toHostArray(Storage src, Layout layout);

  /** A storage on this device holding {@code array} (float[], double[], long[] or boolean[]). */
  Storage fromHostArray(Object array);

  // ------------------------------------------------------------------ nn kernels
  // Called by dev.adjoint.nn.Functional with contiguous operands of one floating dtype, shapes
  // already checked against the window; [N, C, H, W] layouts throughout. Outputs are overwritten
  // entirely.

  /**
   * 2-d cross-correlation: {@code dst [N, OC, outH, outW]} from {@code input [N, C, H, W]},
   * {@code weight [OC, C / groups, kernelH, kernelW]} and {@code bias [OC]} (null storage for
   * none).
   */
  void conv2d(Storage input, Layout inputLayout, Storage weight, Layout weightLayout,
      Storage bias, Layout biasLayout, Storage dst, Layout dstLayout, Window2d window,
      int groups);

  /** The gradient of {@link #conv2d} with respect to its input, into {@code gradInput}. */
  void conv2dInputGrad(Storage gradOut, Layout gradOutLayout, Storage weight,
      Layout weightLayout, Storage gradInput, Layout gradInputLayout, Window2d window,
      int groups);

  /** The gradient of {@link #conv2d} with respect to its weight, summed over the batch. */
  void conv2dWeightGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradWeight, Layout gradWeightLayout, Window2d window,
      int groups);

  /** Max over each window (padding never wins; NaN propagates). */
  void maxPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window);

  /** Routes each output gradient to its window's maximum (the first one, as the forward chose). */
  void maxPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage input, Layout inputLayout,
      Storage gradInput, Layout gradInputLayout, Window2d window);

  /**
   * Mean over each window, dividing by the whole window area when {@code countIncludePad}, else by
   * the part inside the input.
   */
  void avgPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window, boolean countIncludePad);

  /** Spreads each output gradient evenly over its window (the adjoint of {@link #avgPool2d}). */
  void avgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout, Window2d window, boolean countIncludePad);

  /**
   * Mean over the windows {@code [floor(i * H / outH), ceil((i + 1) * H / outH))} (and likewise
   * along W), from {@code input [N, C, H, W]} into {@code dst [N, C, outH, outW]}.
   */
  void adaptiveAvgPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout);

  /** The adjoint of {@link #adaptiveAvgPool2d}. */
  void adaptiveAvgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout);

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
