package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.RangeError;
import dev.adjoint.backend.ReduceOp;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.backend.Window2d;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import java.util.Arrays;

/**
 * The pure-Java backend. Elementwise kernels walk strided operands row by row
 * ({@link StridedLoop}); float32 math is done in float32 except where a Java library function
 * only exists for double (exp, log, tanh, pow), whose result is rounded once to float32.
 */
public final class CpuBackend implements Backend {
  /** The one instance. */
  public static final CpuBackend INSTANCE = new CpuBackend();

  private final MemoryPool pool = new MemoryPool();

  /** Per thread, one one-element storage per dtype (by ordinal) for {@link #binaryScalar}. */
  private static final ThreadLocal<Storage[]> SCALARS = ThreadLocal.withInitial(() -> {
    DType[] types = DType.values();
    Storage[] one = new Storage[types.length];
    for (DType t : types) {
      one[t.ordinal()] = CpuStorage.allocate(t, 1);
    }
    return one;
  });

  private CpuBackend() {}

  /**
   * {@code s} as a host storage.
   *
   * @throws IllegalArgumentException for a storage of another backend (a caller's bug: the
   *     tensor layer checks devices first)
   */
  static CpuStorage cpu(Storage s) {
    if (s instanceof CpuStorage c) {
      return c;
    }
    throw new IllegalArgumentException("CPU backend: expected a CPU storage, got "
        + (s == null ? "null" : s.getClass().getName() + " on " + s.device()));
  }


  @Override
  public Device device() {
    return Device.cpu();
  }

  @Override
  public Storage allocate(DType dtype, long numel) {
    return allocate(dtype, numel, true);
  }

  /** A recycled array keeps its old values (a fresh one is zeros, as the JVM makes it). */
  @Override
  public Storage allocateUninitialized(DType dtype, long numel) {
    return allocate(dtype, numel, false);
  }

  private Storage allocate(DType dtype, long numel, boolean zeroed) {
    if (numel < 0 || numel > CpuStorage.MAX_SIZE) {
      throw new IllegalArgumentException("CPU backend: cannot allocate " + numel + " elements;"
          + " one CPU storage holds at most 2^31 - 9 (a Java array)");
    }
    Object pooled = pool.take(dtype, (int) numel, zeroed);
    return pooled != null ? CpuStorage.wrap(pooled) : CpuStorage.allocate(dtype, (int) numel);
  }

  @Override
  public void release(Storage storage) {
    CpuStorage s = cpu(storage);
    Object array = s.release();
    if (array != null) {
      pool.give(s.dtype(), array, (int) s.size());
    }
  }

  @Override
  public long nextSerial() {
    return CpuStorage.nextSerial();
  }

  /** Bytes of released arrays the pool keeps for reuse now. */
  public long pooledBytes() {
    return pool.cachedBytes();
  }

  /** How many allocations the pool has served so far. */
  public long pooledAllocations() {
    return pool.reused();
  }

  @Override
  public Storage fromHostArray(Object array) {
    return CpuStorage.wrap(array);
  }

  @Override
  public Object toHostArray(Storage src, Layout layout) {
    int n = Math.toIntExact(layout.numel());
    CpuStorage s = cpu(src);
    // A plain array: a storage made only for its array counted as a tensor storage made (six a
    // step for Adam's item() of its step counts in the MLP) and took a serial number.
    Object out = CpuStorage.newArray(s.dtype(), n);
    System.arraycopy(s.array(), Math.toIntExact(layout.offset()), out, 0, n);
    return out;
  }

  @Override
  public void pointwise(Pointwise program, double[] scalars, long count, Storage[] inputs,
      long[] inputOffsets, Storage[] outputs, long[] outputOffsets) {
    if (FusedUpdates.run(program, scalars, count, inputs, inputOffsets, outputs, outputOffsets)) {
      return;
    }
    PointwiseKernel.run(program, scalars, count, inputs, inputOffsets, outputs, outputOffsets);
  }

  // ---------------------------------------------------------------- copy and fill

  @Override
  public void copy(Storage srcStorage, Layout srcLayout, Storage dstStorage, Layout dstLayout) {
    copy(Strided.of(srcStorage, srcLayout), Strided.of(dstStorage, dstLayout));
  }

  private void copy(Strided src, Strided dst) {
    StridedLoop loop = new StridedLoop(src.layout(), dst.layout());
    int ss = loop.innerStride(0);
    int ds = loop.innerStride(1);
    Object s = src.array();
    Object d = dst.array();
    if (src.dtype() == dst.dtype()) {
      if (ss == 1 && ds == 1) {
        loop.run((o, n) -> System.arraycopy(s, o[0], d, o[1], n));
        return;
      }
      if (Transpose.copy(loop, s, d)) {
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
    CpuStorage from = src.storage();
    CpuStorage to = dst.storage();
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
  public void fill(Storage dstStorage, Layout layout, double value) {
    Strided dst = Strided.of(dstStorage, layout);
    StridedLoop loop = new StridedLoop(layout);
    int ds = loop.innerStride(0);
    Object d = dst.array();
    // Rows of consecutive elements go to Arrays.fill (a vectorized intrinsic); a loop with a
    // stride variable is not vectorized even when the stride is 1 (zeroing the MLP's 235,146
    // gradients took 56 us that way).
    switch (dst.dtype()) {
      case FLOAT32 -> {
        float v = (float) value;
        float[] b = (float[]) d;
        loop.run(ds == 1 ? (o, n) -> Arrays.fill(b, o[0], o[0] + n, v) : (o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = v;
          }
        });
      }
      case FLOAT64 -> {
        double[] b = (double[]) d;
        loop.run(ds == 1 ? (o, n) -> Arrays.fill(b, o[0], o[0] + n, value) : (o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = value;
          }
        });
      }
      case INT64 -> {
        long v = (long) value;
        long[] b = (long[]) d;
        loop.run(ds == 1 ? (o, n) -> Arrays.fill(b, o[0], o[0] + n, v) : (o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = v;
          }
        });
      }
      case BOOL -> {
        boolean v = value != 0;
        boolean[] b = (boolean[]) d;
        loop.run(ds == 1 ? (o, n) -> Arrays.fill(b, o[0], o[0] + n, v) : (o, n) -> {
          for (int i = 0, di = o[0]; i < n; i++, di += ds) {
            b[di] = v;
          }
        });
      }
    }
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void unary(UnaryOp op, Storage srcStorage, Layout srcLayout, Storage dstStorage,
      Layout dstLayout, double lo, double hi) {
    Strided src = Strided.of(srcStorage, srcLayout);
    Strided dst = Strided.of(dstStorage, dstLayout);
    StridedLoop loop = new StridedLoop(srcLayout, dstLayout);
    int ss = loop.innerStride(0);
    int ds = loop.innerStride(1);
    switch (src.dtype()) {
      case FLOAT32 -> {
        float[] a = (float[]) src.array();
        float[] b = (float[]) dst.array();
        loop.run((o, n) -> Elementwise.unaryF32(op, a, o[0], ss, b, o[1], ds, n, lo, hi));
      }
      case FLOAT64 -> {
        double[] a = (double[]) src.array();
        double[] b = (double[]) dst.array();
        loop.run((o, n) -> Elementwise.unaryF64(op, a, o[0], ss, b, o[1], ds, n, lo, hi));
      }
      case INT64 -> {
        long[] a = (long[]) src.array();
        long[] b = (long[]) dst.array();
        loop.run((o, n) -> Elementwise.unaryI64(op, a, o[0], ss, b, o[1], ds, n, lo, hi));
      }
      case BOOL -> throw new IllegalArgumentException(
          op.opName() + ": not supported for torch.bool tensors");
    }
  }

  @Override
  public void binary(BinaryOp op, Storage aStorage, Layout aLayout, Storage bStorage,
      Layout bLayout, Storage dstStorage, Layout dstLayout) {
    Strided a = Strided.of(aStorage, aLayout);
    Strided b = Strided.of(bStorage, bLayout);
    Strided dst = Strided.of(dstStorage, dstLayout);
    StridedLoop loop = new StridedLoop(aLayout, bLayout, dstLayout);
    int as = loop.innerStride(0);
    int bs = loop.innerStride(1);
    int ds = loop.innerStride(2);
    Object x = a.array();
    Object y = b.array();
    Object z = dst.array();
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
  public void binaryScalar(BinaryOp op, Storage a, Layout aLayout, double scalar,
      boolean scalarFirst, Storage dst, Layout dstLayout) {
    // The scalar becomes one element read through a stride-0 layout: the kernels' broadcast
    // path, which the dense loops vectorize, and no tensor. The element lives in a storage of
    // the calling thread's, rewritten by each call (binary returns before the next call can
    // come, and its helper threads only read it): a new one a call made eight storages a step
    // of the MLP's training (Adam's step counts, the loss's scalar ops).
    Storage one = SCALARS.get()[a.dtype().ordinal()];
    Object element = ((CpuStorage) one).array();
    switch (a.dtype()) {
      case FLOAT32 -> ((float[]) element)[0] = (float) scalar;
      case FLOAT64 -> ((double[]) element)[0] = scalar;
      case INT64 -> ((long[]) element)[0] = (long) scalar;
      case BOOL -> ((boolean[]) element)[0] = scalar != 0;
    }
    Layout repeated = Layout.contiguous(1).expand(aLayout.shape());
    if (scalarFirst) {
      binary(op, one, repeated, a, aLayout, dst, dstLayout);
    } else {
      binary(op, a, aLayout, one, repeated, dst, dstLayout);
    }
  }

  @Override
  public void where(Storage condStorage, Layout condLayout, Storage aStorage, Layout aLayout,
      Storage bStorage, Layout bLayout, Storage dstStorage, Layout dstLayout) {
    Strided cond = Strided.of(condStorage, condLayout);
    Strided a = Strided.of(aStorage, aLayout);
    Strided b = Strided.of(bStorage, bLayout);
    Strided dst = Strided.of(dstStorage, dstLayout);
    StridedLoop loop = new StridedLoop(condLayout, aLayout, bLayout, dstLayout);
    int cs = loop.innerStride(0);
    int as = loop.innerStride(1);
    int bs = loop.innerStride(2);
    int ds = loop.innerStride(3);
    boolean[] c = cond.storage().bools();
    Object x = a.array();
    Object y = b.array();
    Object z = dst.array();
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

  @Override
  public void keepWhereGreater(Storage aStorage, Layout aLayout, double threshold,
      Storage xStorage, Layout xLayout, Storage dstStorage, Layout dstLayout) {
    StridedLoop loop = new StridedLoop(aLayout, xLayout, dstLayout);
    int as = loop.innerStride(0);
    int xs = loop.innerStride(1);
    int ds = loop.innerStride(2);
    Object a = cpu(aStorage).array();
    Object x = cpu(xStorage).array();
    Object z = cpu(dstStorage).array();
    switch (xStorage.dtype()) {
      case FLOAT32 -> {
        float t = (float) threshold;
        loop.run((o, n) -> Elementwise.keepWhereGreaterF32((float[]) a, o[0], as, t,
            (float[]) x, o[1], xs, (float[]) z, o[2], ds, n));
      }
      case FLOAT64 -> loop.run((o, n) -> Elementwise.keepWhereGreaterF64((double[]) a, o[0], as,
          threshold, (double[]) x, o[1], xs, (double[]) z, o[2], ds, n));
      default -> throw new IllegalArgumentException(
          "keepWhereGreater: expected a floating dtype, got " + xStorage.dtype());
    }
  }

  // ---------------------------------------------------------------- reductions

  @Override
  public void reduce(ReduceOp op, Storage src, Layout srcLayout, long outer, long inner,
      Storage values, long valuesOffset, Storage indices, long indicesOffset, double param) {
    Reductions.reduce(op, src, srcLayout, outer, inner, values, valuesOffset, indices,
        indicesOffset, param);
  }

  // ---------------------------------------------------------------- linear algebra

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a,
      long offsetA, long lda, long strideA, Storage b, long offsetB, long ldb, long strideB,
      double beta, Storage c, long offsetC, long ldc, long strideC, int batch) {
    if (m == 0 || n == 0 || batch == 0) {
      return;
    }
    // Every operand lies in a Java array, so offsets, leading dimensions and batch strides of a
    // valid call fit an int; an invalid one fails here rather than reading elsewhere.
    Matmul.gemm(transA, transB, m, n, k, alpha, cpu(a), Math.toIntExact(offsetA),
        Math.toIntExact(lda), Math.toIntExact(strideA), cpu(b), Math.toIntExact(offsetB),
        Math.toIntExact(ldb), Math.toIntExact(strideB), beta, cpu(c), Math.toIntExact(offsetC),
        Math.toIntExact(ldc), Math.toIntExact(strideC), batch);
  }

  @Override
  public void inverse(Storage a, long aOffset, Storage dst, long dstOffset, int batch, int n) {
    Linalg.inverse(Strided.of(a, Layout.contiguous(aOffset, batch, n, n)),
        Strided.of(dst, Layout.contiguous(dstOffset, batch, n, n)));
  }

  // ---------------------------------------------------------------- indexing

  @Override
  public void indexSelect(Storage srcStorage, Layout srcLayout, int dim, Storage indexStorage,
      Layout indexLayout, Storage dstStorage, Layout dstLayout) {
    Strided src = Strided.of(srcStorage, srcLayout);
    Strided ix = Strided.of(indexStorage, indexLayout);
    Strided dst = Strided.of(dstStorage, dstLayout);
    int[] shape = src.shape();
    int outer = 1;
    for (int d = 0; d < dim; d++) {
      outer *= shape[d];
    }
    int inner = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    long[] idx = ix.storage().longs();
    int io = ix.storageOffset();
    int m = ix.numel();
    if (!src.isContiguous()) {
      // A strided or broadcast source is read in place, one selected slice at a time, instead of
      // being copied whole (a broadcast view can be far larger than its storage).
      int size = shape[dim];
      checkRowIndices("indexSelect", idx, io, m, dim, size);
      for (int i = 0; i < m; i++) {
        copy(new Strided(src.storage(), srcLayout.slice(dim, idx[io + i], 1, 1)),
            new Strided(dst.storage(), dstLayout.slice(dim, i, 1, 1)));
      }
      return;
    }
    Strided s = src;
    int size = shape[dim];
    checkRowIndices("indexSelect", idx, io, m, dim, size);
    Object from = s.array();
    Object to = dst.array();
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
  public void gather(Storage srcStorage, Layout srcLayout, int dim, Storage indexStorage,
      Layout indexLayout, Storage dstStorage, Layout dstLayout) {
    Strided src = Strided.of(srcStorage, srcLayout);
    Strided ix = Strided.of(indexStorage, indexLayout);
    Strided dst = Strided.of(dstStorage, dstLayout);
    long[] idx = ix.storage().longs();
    int[] shape = ix.shape();
    int[] srcStrides = src.strides();
    Object from = src.array();
    Object to = dst.array();
    int n = ix.numel();
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
  public void indexAdd(Storage dstStorage, Layout dstLayout, int dim, Storage indexStorage,
      Layout indexLayout, Storage sourceStorage, Layout sourceLayout) {
    Strided dst = Strided.of(dstStorage, dstLayout);
    Strided ix = Strided.of(indexStorage, indexLayout);
    Strided source = Strided.of(sourceStorage, sourceLayout);
    int[] shape = dst.shape();
    int outer = 1;
    for (int d = 0; d < dim; d++) {
      outer *= shape[d];
    }
    int inner = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    long[] idx = ix.storage().longs();
    int io = ix.storageOffset();
    int m = ix.numel();
    int size = shape[dim];
    checkRowIndices("indexAdd", idx, io, m, dim, size);
    Object from = source.array();
    Object to = dst.array();
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
  public void scatterAdd(Storage dstStorage, Layout dstLayout, int dim, Storage indexStorage,
      Layout indexLayout, Storage srcStorage, Layout srcLayout) {
    Strided dst = Strided.of(dstStorage, dstLayout);
    Strided ix = Strided.of(indexStorage, indexLayout);
    Strided src = Strided.of(srcStorage, srcLayout);
    long[] idx = ix.storage().longs();
    int io = ix.storageOffset();
    int[] shape = ix.shape();
    int[] srcStrides = src.strides();
    int[] dstStrides = dst.strides();
    Object from = src.array();
    Object to = dst.array();
    int n = ix.numel();
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

  @Override
  public void checkRange(Storage srcStorage, Layout layout, double low, double high,
      double allowed, RangeError error) {
    CpuStorage src = cpu(srcStorage);
    StridedLoop loop = new StridedLoop(layout);
    int ss = loop.innerStride(0);
    double[] bad = {Double.NaN};
    boolean[] found = {false};
    // In order, on this thread: the first offending element is the one reported.
    loop.runSequential((o, n) -> {
      for (int i = 0, si = o[0]; i < n && !found[0]; i++, si += ss) {
        double v = src.getDouble(si);
        if (!(v >= low && v <= high) && !(v == allowed)) {
          bad[0] = v;
          found[0] = true;
        }
      }
    });
    if (found[0]) {
      throw error.error(bad[0]);
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

  /**
   * {@link #checkIndices} for ops that pick whole rows ({@code index_select}, {@code index_add},
   * {@code embedding}), with PyTorch's "index out of range in self": -1 is an error there, never
   * the last row.
   */
  private static void checkRowIndices(String op, long[] idx, int from, int count, int dim,
      int size) {
    for (int i = from; i < from + count; i++) {
      if (idx[i] < 0 || idx[i] >= size) {
        throw new IndexOutOfBoundsException(op + ": index " + idx[i] + " is out of range in self"
            + " (dimension " + dim + " has size " + size + "; indices must lie in [0, " + size
            + "), and negative indices do not count from the end here)");
      }
    }
  }

  // ---------------------------------------------------------------- nn

  @Override
  public void conv2d(Storage input, Layout inputLayout, Storage weight, Layout weightLayout,
      Storage bias, Layout biasLayout, Storage dst, Layout dstLayout, Window2d window,
      int groups) {
    Convolution.forward(Strided.of(input, inputLayout), Strided.of(weight, weightLayout),
        bias == null ? null : Strided.of(bias, biasLayout), Strided.of(dst, dstLayout), window,
        groups);
  }

  @Override
  public void conv2dInputGrad(Storage gradOut, Layout gradOutLayout, Storage weight,
      Layout weightLayout, Storage gradInput, Layout gradInputLayout, Window2d window,
      int groups) {
    Convolution.inputGrad(Strided.of(gradOut, gradOutLayout), Strided.of(weight, weightLayout),
        Strided.of(gradInput, gradInputLayout), window, groups);
  }

  @Override
  public void conv2dWeightGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradWeight, Layout gradWeightLayout, Window2d window,
      int groups) {
    Convolution.weightGrad(Strided.of(gradOut, gradOutLayout), Strided.of(input, inputLayout),
        Strided.of(gradWeight, gradWeightLayout), window, groups);
  }

  @Override
  public void maxPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window) {
    Pooling.maxForward(Strided.of(input, inputLayout), Strided.of(dst, dstLayout), window);
  }

  @Override
  public void maxPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradInput, Layout gradInputLayout, Window2d window) {
    Pooling.maxBackward(Strided.of(gradOut, gradOutLayout), Strided.of(input, inputLayout),
        Strided.of(gradInput, gradInputLayout), window);
  }

  @Override
  public void avgPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window, boolean countIncludePad) {
    Pooling.avgForward(Strided.of(input, inputLayout), Strided.of(dst, dstLayout), window,
        countIncludePad);
  }

  @Override
  public void avgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout, Window2d window, boolean countIncludePad) {
    Pooling.avgBackward(Strided.of(gradOut, gradOutLayout),
        Strided.of(gradInput, gradInputLayout), window, countIncludePad);
  }

  @Override
  public void adaptiveAvgPool2d(Storage input, Layout inputLayout, Storage dst,
      Layout dstLayout) {
    Pooling.adaptiveAvgForward(Strided.of(input, inputLayout), Strided.of(dst, dstLayout));
  }

  @Override
  public void adaptiveAvgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout) {
    Pooling.adaptiveAvgBackward(Strided.of(gradOut, gradOutLayout),
        Strided.of(gradInput, gradInputLayout));
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
    return cpu(dst);
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
