package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.ReduceOp;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import dev.adjoint.tensor.Tensor;

/**
 * The pure-Java backend. Elementwise kernels walk strided operands row by row
 * ({@link StridedLoop}); float32 math is done in float32 except where a Java library function
 * only exists for double (exp, log, tanh, pow), whose result is rounded once to float32.
 */
public final class CpuBackend implements Backend {
  /** The one instance. */
  public static final CpuBackend INSTANCE = new CpuBackend();

  private CpuBackend() {}

  static CpuStorage storage(Tensor t) {
    return (CpuStorage) t.storage();
  }

  static Object array(Tensor t) {
    return storage(t).array();
  }

  @Override
  public Device device() {
    return Device.cpu();
  }

  @Override
  public Storage allocate(DType dtype, int numel) {
    return CpuStorage.allocate(dtype, numel);
  }

  @Override
  public Storage fromHostArray(Object array) {
    return CpuStorage.wrap(array);
  }

  @Override
  public Object toHostArray(Tensor t) {
    int n = t.numel();
    Object out = CpuStorage.allocate(t.dtype(), n).array();
    System.arraycopy(array(t), t.storageOffset(), out, 0, n);
    return out;
  }

  @Override
  public void pointwise(Pointwise program, double[] scalars, Tensor[] inputs, Tensor[] outputs) {
    PointwiseKernel.run(program, scalars, inputs, outputs);
  }

  // ---------------------------------------------------------------- copy and fill

  @Override
  public void copy(Tensor src, Tensor dst) {
    StridedLoop loop = new StridedLoop(src, dst);
    int ss = loop.innerStride(0);
    int ds = loop.innerStride(1);
    Object s = array(src);
    Object d = array(dst);
    if (src.dtype() == dst.dtype()) {
      if (ss == 1 && ds == 1) {
        loop.run((o, n) -> System.arraycopy(s, o[0], d, o[1], n));
        return;
      }
      switch (src.dtype()) {
        case FLOAT32 -> {
          float[] a = (float[]) s;
          float[] b = (float[]) d;
          loop.run((o, n) -> {
            for (int i = 0, si = o[0], di = o[1]; i < n; i++, si += ss, di += ds) {
              b[di] = a[si];
            }
          });
        }
        case FLOAT64 -> {
          double[] a = (double[]) s;
          double[] b = (double[]) d;
          loop.run((o, n) -> {
            for (int i = 0, si = o[0], di = o[1]; i < n; i++, si += ss, di += ds) {
              b[di] = a[si];
            }
          });
        }
        case INT64 -> {
          long[] a = (long[]) s;
          long[] b = (long[]) d;
          loop.run((o, n) -> {
            for (int i = 0, si = o[0], di = o[1]; i < n; i++, si += ss, di += ds) {
              b[di] = a[si];
            }
          });
        }
        case BOOL -> {
          boolean[] a = (boolean[]) s;
          boolean[] b = (boolean[]) d;
          loop.run((o, n) -> {
            for (int i = 0, si = o[0], di = o[1]; i < n; i++, si += ss, di += ds) {
              b[di] = a[si];
            }
          });
        }
      }
      return;
    }
    CpuStorage from = storage(src);
    CpuStorage to = storage(dst);
    boolean viaLong = !src.dtype().isFloatingPoint();
    loop.run((o, n) -> {
      for (int i = 0, si = o[0], di = o[1]; i < n; i++, si += ss, di += ds) {
        if (viaLong) {
          to.setLong(di, from.getLong(si));
        } else {
          to.setDouble(di, from.getDouble(si));
        }
      }
    });
  }

  @Override
  public void fill(Tensor dst, double value) {
    StridedLoop loop = new StridedLoop(dst);
    int ds = loop.innerStride(0);
    Object d = array(dst);
    switch (dst.dtype()) {
      case FLOAT32 -> {
        float v = (float) value;
        float[] b = (float[]) d;
        loop.run((o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = v;
          }
        });
      }
      case FLOAT64 -> {
        double[] b = (double[]) d;
        loop.run((o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = value;
          }
        });
      }
      case INT64 -> {
        long v = (long) value;
        long[] b = (long[]) d;
        loop.run((o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = v;
          }
        });
      }
      case BOOL -> {
        boolean v = value != 0;
        boolean[] b = (boolean[]) d;
        loop.run((o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = v;
          }
        });
      }
    }
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void unary(UnaryOp op, Tensor src, Tensor dst, double lo, double hi) {
    StridedLoop loop = new StridedLoop(src, dst);
    int ss = loop.innerStride(0);
    int ds = loop.innerStride(1);
    switch (src.dtype()) {
      case FLOAT32 -> {
        float[] a = (float[]) array(src);
        float[] b = (float[]) array(dst);
        loop.run((o, n) -> Elementwise.unaryF32(op, a, o[0], ss, b, o[1], ds, n, lo, hi));
      }
      case FLOAT64 -> {
        double[] a = (double[]) array(src);
        double[] b = (double[]) array(dst);
        loop.run((o, n) -> Elementwise.unaryF64(op, a, o[0], ss, b, o[1], ds, n, lo, hi));
      }
      case INT64 -> {
        long[] a = (long[]) array(src);
        long[] b = (long[]) array(dst);
        loop.run((o, n) -> Elementwise.unaryI64(op, a, o[0], ss, b, o[1], ds, n, lo, hi));
      }
      case BOOL -> throw new IllegalArgumentException(
          op.opName() + ": not supported for torch.bool tensors");
    }
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst) {
    StridedLoop loop = new StridedLoop(a, b, dst);
    int as = loop.innerStride(0);
    int bs = loop.innerStride(1);
    int ds = loop.innerStride(2);
    Object x = array(a);
    Object y = array(b);
    Object z = array(dst);
    boolean cmp = op.isComparison();
    switch (a.dtype()) {
      case FLOAT32 -> loop.run(cmp
          ? (o, n) -> Elementwise.compareF32(op, (float[]) x, o[0], as, (float[]) y, o[1], bs,
              (boolean[]) z, o[2], ds, n)
          : (o, n) -> Elementwise.binaryF32(op, (float[]) x, o[0], as, (float[]) y, o[1], bs,
              (float[]) z, o[2], ds, n));
      case FLOAT64 -> loop.run(cmp
          ? (o, n) -> Elementwise.compareF64(op, (double[]) x, o[0], as, (double[]) y, o[1], bs,
              (boolean[]) z, o[2], ds, n)
          : (o, n) -> Elementwise.binaryF64(op, (double[]) x, o[0], as, (double[]) y, o[1], bs,
              (double[]) z, o[2], ds, n));
      case INT64 -> loop.run(cmp
          ? (o, n) -> Elementwise.compareI64(op, (long[]) x, o[0], as, (long[]) y, o[1], bs,
              (boolean[]) z, o[2], ds, n)
          : (o, n) -> Elementwise.binaryI64(op, (long[]) x, o[0], as, (long[]) y, o[1], bs,
              (long[]) z, o[2], ds, n));
      case BOOL -> loop.run((o, n) -> Elementwise.binaryBool(op, (boolean[]) x, o[0], as,
          (boolean[]) y, o[1], bs, (boolean[]) z, o[2], ds, n));
    }
  }

  @Override
  public void where(Tensor cond, Tensor a, Tensor b, Tensor dst) {
    StridedLoop loop = new StridedLoop(cond, a, b, dst);
    int cs = loop.innerStride(0);
    int as = loop.innerStride(1);
    int bs = loop.innerStride(2);
    int ds = loop.innerStride(3);
    boolean[] c = storage(cond).bools();
    Object x = array(a);
    Object y = array(b);
    Object z = array(dst);
    // Typed loops: where is on hot backward paths (relu, clamp, maximum masks).
    switch (a.dtype()) {
      case FLOAT32 -> {
        float[] x1 = (float[]) x;
        float[] y1 = (float[]) y;
        float[] z1 = (float[]) z;
        loop.run((o, n) -> {
          for (int i = 0, ci = o[0], ai = o[1], bi = o[2], di = o[3]; i < n;
              i++, ci += cs, ai += as, bi += bs, di += ds) {
            z1[di] = c[ci] ? x1[ai] : y1[bi];
          }
        });
      }
      case FLOAT64 -> {
        double[] x1 = (double[]) x;
        double[] y1 = (double[]) y;
        double[] z1 = (double[]) z;
        loop.run((o, n) -> {
          for (int i = 0, ci = o[0], ai = o[1], bi = o[2], di = o[3]; i < n;
              i++, ci += cs, ai += as, bi += bs, di += ds) {
            z1[di] = c[ci] ? x1[ai] : y1[bi];
          }
        });
      }
      case INT64 -> {
        long[] x1 = (long[]) x;
        long[] y1 = (long[]) y;
        long[] z1 = (long[]) z;
        loop.run((o, n) -> {
          for (int i = 0, ci = o[0], ai = o[1], bi = o[2], di = o[3]; i < n;
              i++, ci += cs, ai += as, bi += bs, di += ds) {
            z1[di] = c[ci] ? x1[ai] : y1[bi];
          }
        });
      }
      case BOOL -> {
        boolean[] x1 = (boolean[]) x;
        boolean[] y1 = (boolean[]) y;
        boolean[] z1 = (boolean[]) z;
        loop.run((o, n) -> {
          for (int i = 0, ci = o[0], ai = o[1], bi = o[2], di = o[3]; i < n;
              i++, ci += cs, ai += as, bi += bs, di += ds) {
            z1[di] = c[ci] ? x1[ai] : y1[bi];
          }
        });
      }
    }
  }

  // ---------------------------------------------------------------- reductions

  @Override
  public void reduce(ReduceOp op, Tensor src, int outer, int inner, Tensor values,
      Tensor indices, double param) {
    Reductions.reduce(op, src, outer, inner, values, indices, param);
  }

  // ---------------------------------------------------------------- linear algebra

  @Override
  public void matmul(Tensor a, Tensor b, Tensor dst) {
    Matmul.batched(a, b, dst);
  }

  @Override
  public void gemm(Tensor a, boolean transA, int lda, Tensor b, boolean transB, int ldb,
      Tensor dst) {
    int m = dst.shape()[0];
    int n = dst.shape()[1];
    int k = a.shape()[1];
    boolean parallel = (long) m * n * k >= (1L << 16) && Parallel.threads() > 1;
    if (dst.dtype() == DType.FLOAT32) {
      Gemm.sgemm(transA, transB, m, n, k, 1f, (float[]) array(a), a.storageOffset(), lda,
          (float[]) array(b), b.storageOffset(), ldb, 0f, (float[]) array(dst),
          dst.storageOffset(), n, parallel);
    } else if (dst.dtype() == DType.FLOAT64) {
      Gemm.dgemm(transA, transB, m, n, k, 1.0, (double[]) array(a), a.storageOffset(), lda,
          (double[]) array(b), b.storageOffset(), ldb, 0.0, (double[]) array(dst),
          dst.storageOffset(), n, parallel);
    } else {
      throw new IllegalArgumentException("gemm: floating operands only, got " + dst.dtype());
    }
  }

  @Override
  public void inverse(Tensor a, Tensor dst) {
    Linalg.inverse(a, dst);
  }

  // ---------------------------------------------------------------- indexing

  @Override
  public void indexSelect(Tensor src, int dim, Tensor index, Tensor dst) {
    int[] shape = src.shape();
    int outer = 1;
    for (int d = 0; d < dim; d++) {
      outer *= shape[d];
    }
    int inner = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    Tensor ix = index.contiguous();
    long[] idx = storage(ix).longs();
    int io = ix.storageOffset();
    int m = index.numel();
    if (!src.isContiguous()) {
      // A strided or broadcast source is read in place, one selected slice at a time, instead of
      // being copied whole (a broadcast view can be far larger than its storage).
      int[] sliceShape = shape.clone();
      sliceShape[dim] = 1;
      int[] srcStrides = src.strides();
      int[] dstStrides = dst.strides();
      for (int i = 0; i < m; i++) {
        copy(Tensor.wrap(src.storage(), sliceShape, srcStrides,
                src.storageOffset() + (int) idx[io + i] * srcStrides[dim]),
            Tensor.wrap(dst.storage(), sliceShape, dstStrides,
                dst.storageOffset() + i * dstStrides[dim]));
      }
      return;
    }
    Tensor s = src;
    int size = shape[dim];
    checkIndices("indexSelect", idx, io, m, dim, size);
    Object from = array(s);
    Object to = array(dst);
    int so = s.storageOffset();
    int d0 = dst.storageOffset();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < m; i++) {
        System.arraycopy(from, so + (o * size + (int) idx[io + i]) * inner, to,
            d0 + (o * m + i) * inner, inner);
      }
    }
  }

  @Override
  public void gather(Tensor src, int dim, Tensor index, Tensor dst) {
    Tensor ix = index.contiguous();
    long[] idx = storage(ix).longs();
    int[] shape = index.shape();
    int[] srcStrides = src.strides();
    Object from = array(src);
    Object to = array(dst);
    int n = index.numel();
    int nd = shape.length;
    checkIndices("gather", idx, ix.storageOffset(), n, dim, nd == 0 ? 1 : src.shape()[dim]);
    int[] pos = new int[nd];
    for (int e = 0; e < n; e++) {
      int off = src.storageOffset();
      for (int d = 0; d < nd; d++) {
        off += (d == dim ? (int) idx[ix.storageOffset() + e] : pos[d]) * srcStrides[d];
      }
      System.arraycopy(from, off, to, dst.storageOffset() + e, 1);
      for (int d = nd - 1; d >= 0; d--) {
        if (++pos[d] < shape[d]) {
          break;
        }
        pos[d] = 0;
      }
    }
  }

  @Override
  public void indexAdd(Tensor dst, int dim, Tensor index, Tensor source) {
    int[] shape = dst.shape();
    int outer = 1;
    for (int d = 0; d < dim; d++) {
      outer *= shape[d];
    }
    int inner = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    Tensor ix = index.contiguous();
    long[] idx = storage(ix).longs();
    int io = ix.storageOffset();
    int m = index.numel();
    int size = shape[dim];
    checkIndices("indexAdd", idx, io, m, dim, size);
    Object from = array(source);
    Object to = array(dst);
    int s0 = source.storageOffset();
    int d0 = dst.storageOffset();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < m; i++) {
        addRange(from, s0 + (o * m + i) * inner, to, d0 + (o * size + (int) idx[io + i]) * inner,
            inner);
      }
    }
  }

  @Override
  public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
    Tensor ix = index.contiguous();
    long[] idx = storage(ix).longs();
    int io = ix.storageOffset();
    int[] shape = index.shape();
    int[] srcStrides = src.strides();
    int[] dstStrides = dst.strides();
    Object from = array(src);
    Object to = array(dst);
    int n = index.numel();
    int nd = shape.length;
    checkIndices("scatterAdd", idx, io, n, dim, nd == 0 ? 1 : dst.shape()[dim]);
    int[] pos = new int[nd];
    for (int e = 0; e < n; e++) {
      int so = src.storageOffset();
      int dOff = dst.storageOffset();
      for (int d = 0; d < nd; d++) {
        so += pos[d] * srcStrides[d];
        dOff += (d == dim ? (int) idx[io + e] : pos[d]) * dstStrides[d];
      }
      addRange(from, so, to, dOff, 1);
      for (int d = nd - 1; d >= 0; d--) {
        if (++pos[d] < shape[d]) {
          break;
        }
        pos[d] = 0;
      }
    }
  }

  /**
   * The kernel's own range check, so that an index the caller failed to check is an error naming
   * the op, never a read or write of another element (or an ArrayIndexOutOfBoundsException).
   */
  private static void checkIndices(String op, long[] idx, int from, int count, int dim,
      int size) {
    for (int i = from; i < from + count; i++) {
      if (idx[i] < 0 || idx[i] >= size) {
        throw new IndexOutOfBoundsException(op + ": index " + idx[i]
            + " is out of bounds for dimension " + dim + " with size " + size);
      }
    }
  }

  // ---------------------------------------------------------------- nn

  @Override
  public void conv2d(Tensor input, Tensor weight, Tensor bias, Tensor dst, Window2d window,
      int groups) {
    Convolution.forward(input, weight, bias, dst, window, groups);
  }

  @Override
  public void conv2dInputGrad(Tensor gradOut, Tensor weight, Tensor gradInput, Window2d window,
      int groups) {
    Convolution.inputGrad(gradOut, weight, gradInput, window, groups);
  }

  @Override
  public void conv2dWeightGrad(Tensor gradOut, Tensor input, Tensor gradWeight, Window2d window,
      int groups) {
    Convolution.weightGrad(gradOut, input, gradWeight, window, groups);
  }

  @Override
  public void maxPool2d(Tensor input, Tensor dst, Window2d window) {
    Pooling.maxForward(input, dst, window);
  }

  @Override
  public void maxPool2dGrad(Tensor gradOut, Tensor input, Tensor gradInput, Window2d window) {
    Pooling.maxBackward(gradOut, input, gradInput, window);
  }

  @Override
  public void avgPool2d(Tensor input, Tensor dst, Window2d window, boolean countIncludePad) {
    Pooling.avgForward(input, dst, window, countIncludePad);
  }

  @Override
  public void avgPool2dGrad(Tensor gradOut, Tensor gradInput, Window2d window,
      boolean countIncludePad) {
    Pooling.avgBackward(gradOut, gradInput, window, countIncludePad);
  }

  @Override
  public void adaptiveAvgPool2d(Tensor input, Tensor dst) {
    Pooling.adaptiveAvgForward(input, dst);
  }

  @Override
  public void adaptiveAvgPool2dGrad(Tensor gradOut, Tensor gradInput) {
    Pooling.adaptiveAvgBackward(gradOut, gradInput);
  }

  @Override
  public void erf(Tensor src, Tensor dst) {
    SpecialFunctions.erf(src, dst);
  }

  // ---------------------------------------------------------------- random numbers

  @Override
  public void randomUniform(Storage dst, long start, long count, long seed, long offset,
      double low, double high) {
    CpuStorage s = region(dst, start, count, "randomUniform");
    RandomFill.uniform(s, (int) start, (int) count, seed, offset, low, high,
        RandomFill.defaultChunks(count));
  }

  @Override
  public void randomNormal(Storage dst, long start, long count, long seed, long offset,
      double mean, double std) {
    CpuStorage s = region(dst, start, count, "randomNormal");
    RandomFill.normal(s, (int) start, (int) count, seed, offset, mean, std,
        RandomFill.defaultChunks(count));
  }

  @Override
  public void randomBernoulli(Storage dst, long start, long count, long seed, long offset,
      double p) {
    CpuStorage s = region(dst, start, count, "randomBernoulli");
    RandomFill.bernoulli(s, (int) start, (int) count, seed, offset, p,
        RandomFill.defaultChunks(count));
  }

  @Override
  public void randomInt(Storage dst, long start, long count, long seed, long offset, long low,
      long high) {
    if (high <= low) {
      throw new IllegalArgumentException("randomInt: expected low < high, got low=" + low
          + ", high=" + high);
    }
    CpuStorage s = region(dst, start, count, "randomInt");
    RandomFill.integers(s, (int) start, (int) count, seed, offset, low, high,
        RandomFill.defaultChunks(count));
  }

  /** {@code dst} as a CPU storage, once {@code [start, start + count)} is checked to lie in it. */
  private static CpuStorage region(Storage dst, long start, long count, String op) {
    if (start < 0 || count < 0 || start + count > dst.size()) {
      throw new IndexOutOfBoundsException(op + ": elements [" + start + ", " + (start + count)
          + ") are outside a storage of " + dst.size() + " elements");
    }
    return (CpuStorage) dst;
  }

  /** {@code to[t + i] += from[f + i]} for {@code i < n}, arrays of one element type. */
  private static void addRange(Object from, int f, Object to, int t, int n) {
    if (to instanceof float[] b) {
      float[] a = (float[]) from;
      for (int i = 0; i < n; i++) {
        b[t + i] += a[f + i];
      }
    } else if (to instanceof double[] b) {
      double[] a = (double[]) from;
      for (int i = 0; i < n; i++) {
        b[t + i] += a[f + i];
      }
    } else if (to instanceof long[] b) {
      long[] a = (long[]) from;
      for (int i = 0; i < n; i++) {
        b[t + i] += a[f + i];
      }
    } else {
      boolean[] b = (boolean[]) to;
      boolean[] a = (boolean[]) from;
      for (int i = 0; i < n; i++) {
        b[t + i] |= a[f + i];
      }
    }
  }
}
