package dev.adjoint.cuda;

import com.sun.jna.Pointer;
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
import dev.adjoint.tensor.SingularMatrixException;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Backend} of one CUDA device: storages in device memory from a
 * {@link CachingAllocator}, every kernel queued on one stream, the host waiting only where a
 * value crosses to it ({@link #toHostArray}, and so {@code item()}, {@code toArray()},
 * {@code to(cpu)} and printing). Transfers go through pinned host buffers. Checks that find an
 * error on the device (index ranges, {@link #checkRange}, singular matrices) report it at that
 * next wait, as the exception the CPU would have thrown at once.
 *
 * <p>Floating GEMM (and so convolution) uses cuBLAS from the user's CUDA installation, loaded on
 * first use; everything else runs Adjoint's own kernels ({@code native-cuda/src/main/cuda}).
 * After a sticky CUDA error ({@link CudaFatalException}) every later call throws it again.
 */
public final class CudaBackend implements Backend {
  private static final long PINNED_INITIAL = 1L << 20;
  // im2col workspace per chunk of images.
  private static final long COLUMN_BUDGET_BYTES = 256L << 20;

  private final Device device;
  private final long stream;
  private final CachingAllocator allocator;
  private final AtomicLong serials = new AtomicLong();
  private final ErrorSlots slots;
  private final Map<Pointwise, EncodedProgram> programs = new WeakHashMap<>();
  private long cublas;
  private long pinned;
  private long pinnedBytes;
  private long pinnedEvent;
  // Where the error slots are read back: apart from the staging buffer, which may hold the data a
  // toHostArray is about to return.
  private final long slotsHost;
  private volatile CudaFatalException fatal;

  CudaBackend(Device device) {
    this.device = device;
    check(CudaRuntime.adj_cudaSetDevice(device.index()), "cudaSetDevice(" + device.index() + ")");
    long[] out = new long[1];
    check(CudaRuntime.adj_cudaStreamCreateWithFlags(out, CudaRuntime.STREAM_NON_BLOCKING),
        "cudaStreamCreateWithFlags");
    this.stream = out[0];
    this.allocator = new CachingAllocator(new DeviceMemory());
    long slotBytes = 16L * ErrorSlots.SLOTS;
    this.slots = new ErrorSlots(allocator.allocate(slotBytes));
    check(CudaRuntime.adj_cudaMemsetAsync(slots.device(), 0x7f, slotBytes, stream),
        "cudaMemsetAsync(error slots)");
    check(CudaRuntime.adj_cudaEventCreateWithFlags(out, CudaRuntime.EVENT_DISABLE_TIMING),
        "cudaEventCreateWithFlags");
    this.pinnedEvent = out[0];
    check(CudaRuntime.adj_cudaMallocHost(out, slotBytes), "cudaMallocHost(error slots)");
    this.slotsHost = out[0];
  }

  /** {@code cudaMalloc} and {@code cudaFree} as the allocator's raw source. */
  private final class DeviceMemory implements RawAllocator {
    @Override
    public long malloc(long bytes) {
      long[] p = new long[1];
      int status = CudaRuntime.adj_cudaMalloc(p, bytes);
      if (status == CudaRuntime.ERROR_MEMORY_ALLOCATION) {
        CudaRuntime.adj_cudaGetLastError(); // not sticky: clear it
        return 0;
      }
      check(status, "cudaMalloc(" + bytes + " bytes)");
      return p[0];
    }

    @Override
    public void free(long pointer) {
      check(CudaRuntime.adj_cudaFree(pointer), "cudaFree");
    }
  }

  // ================================================================ status, memory, sync

  private void check(int status, String call) {
    if (status != 0) {
      CudaException e = CudaStatus.error(status, call);
      if (e instanceof CudaFatalException f) {
        fatal = f;
      }
      throw e;
    }
  }

  private void ensureUsable() {
    CudaFatalException f = fatal;
    if (f != null) {
      throw f;
    }
    if (device.index() != 0) {
      // The runtime's current device is per thread; cuda:0 is every thread's default.
      check(CudaRuntime.adj_cudaSetDevice(device.index()), "cudaSetDevice(" + device.index()
          + ")");
    }
  }

  /** The caching allocator's statistics and controls. */
  public CachingAllocator allocator() {
    return allocator;
  }

  /** Bytes held by tensors ({@code torch.cuda.memory_allocated}). */
  public long memoryAllocated() {
    return allocator.memoryAllocated();
  }

  /** Bytes held from the driver, in use or cached ({@code torch.cuda.memory_reserved}). */
  public long memoryReserved() {
    return allocator.memoryReserved();
  }

  /** The peak of {@link #memoryAllocated()}. */
  public long maxMemoryAllocated() {
    return allocator.maxMemoryAllocated();
  }

  /** Releases cached blocks to the driver after the queued work is done. */
  public void emptyCache() {
    synchronize();
    allocator.emptyCache();
  }

  /**
   * Waits for every queued kernel, then throws the first error a device-side check recorded
   * since the last wait (as the CPU would have thrown it).
   */
  public synchronized void synchronize() {
    ensureUsable();
    check(CudaRuntime.adj_cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    throwRecordedErrors();
  }

  private void throwRecordedErrors() {
    if (slots.isEmpty()) {
      return;
    }
    long bytes = slots.usedBytes();
    long host = slotsHost;
    check(CudaRuntime.adj_cudaMemcpyAsync(host, slots.device(), bytes,
        CudaRuntime.MEMCPY_DEVICE_TO_HOST, stream), "cudaMemcpyAsync(error slots)");
    check(CudaRuntime.adj_cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    long[] words = new Pointer(host).getLongArray(0, (int) (bytes / 8));
    check(CudaRuntime.adj_cudaMemsetAsync(slots.device(), 0x7f, bytes, stream),
        "cudaMemsetAsync(error slots)");
    RuntimeException e = slots.collect(words);
    if (e != null) {
      throw e;
    }
  }

  /** A slot for a device-side check; waits (and reports) first when all are in use. */
  private synchronized long slot(ErrorSlots.Failure failure) {
    if (slots.full()) {
      synchronize();
    }
    return slots.take(failure);
  }

  /** The pinned staging buffer, at least {@code bytes}, once the last transfer through it ended. */
  private long pinned(long bytes) {
    check(CudaRuntime.adj_cudaEventSynchronize(pinnedEvent), "cudaEventSynchronize");
    if (bytes > pinnedBytes) {
      if (pinned != 0) {
        check(CudaRuntime.adj_cudaFreeHost(pinned), "cudaFreeHost");
      }
      long size = Math.max(PINNED_INITIAL, Long.highestOneBit(bytes - 1) << 1);
      long[] p = new long[1];
      check(CudaRuntime.adj_cudaMallocHost(p, size), "cudaMallocHost(" + size + " bytes)");
      pinned = p[0];
      pinnedBytes = size;
    }
    return pinned;
  }

  // ================================================================ storages

  @Override
  public Device device() {
    return device;
  }

  @Override
  public Storage allocate(DType dtype, long numel) {
    ensureUsable();
    if (numel < 0) {
      throw new IllegalArgumentException("allocate: negative element count " + numel);
    }
    long bytes = Math.multiplyExact(numel, CudaStorage.elementBytes(dtype));
    long p = allocator.allocate(bytes);
    check(CudaRuntime.adj_cudaMemsetAsync(p, 0, bytes, stream), "cudaMemsetAsync(zero fill)");
    return new CudaStorage(this, dtype, numel, serials.getAndIncrement(), p);
  }

  @Override
  public void release(Storage storage) {
    CudaStorage s = own(storage);
    if (s.markReleased()) {
      allocator.free(s.basePointer());
    }
  }

  @Override
  public long nextSerial() {
    return serials.get();
  }

  private CudaStorage own(Storage s) {
    if (!(s instanceof CudaStorage c) || c.backend() != this) {
      throw new IllegalArgumentException("CUDA backend of " + device + " got a storage of "
          + (s == null ? "null" : s.device() + " (" + s.getClass().getSimpleName() + ")"));
    }
    return c;
  }

  /** The device address of element {@code index} of {@code s}. */
  private long at(Storage s, long index) {
    ensureUsable();
    return own(s).address(index);
  }

  private long base(Storage s) {
    return at(s, 0);
  }

  private static long[] desc(Layout l) {
    return LayoutCodec.encode(l);
  }

  private static String sfx(DType t) {
    return switch (t) {
      case FLOAT32 -> "f32";
      case FLOAT64 -> "f64";
      case INT64 -> "i64";
      case BOOL -> "bool";
    };
  }

  // ================================================================ elementwise

  @Override
  public void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout) {
    long s = base(src);
    long d = base(dst);
    long[] ls = desc(srcLayout);
    long[] ld = desc(dstLayout);
    String name = "copy_" + sfx(src.dtype()) + "_" + sfx(dst.dtype());
    int status = switch (src.dtype()) {
      case FLOAT32 -> switch (dst.dtype()) {
        case FLOAT32 -> Kernels.copy_f32_f32(s, ls, d, ld, stream);
        case FLOAT64 -> Kernels.copy_f32_f64(s, ls, d, ld, stream);
        case INT64 -> Kernels.copy_f32_i64(s, ls, d, ld, stream);
        case BOOL -> Kernels.copy_f32_bool(s, ls, d, ld, stream);
      };
      case FLOAT64 -> switch (dst.dtype()) {
        case FLOAT32 -> Kernels.copy_f64_f32(s, ls, d, ld, stream);
        case FLOAT64 -> Kernels.copy_f64_f64(s, ls, d, ld, stream);
        case INT64 -> Kernels.copy_f64_i64(s, ls, d, ld, stream);
        case BOOL -> Kernels.copy_f64_bool(s, ls, d, ld, stream);
      };
      case INT64 -> switch (dst.dtype()) {
        case FLOAT32 -> Kernels.copy_i64_f32(s, ls, d, ld, stream);
        case FLOAT64 -> Kernels.copy_i64_f64(s, ls, d, ld, stream);
        case INT64 -> Kernels.copy_i64_i64(s, ls, d, ld, stream);
        case BOOL -> Kernels.copy_i64_bool(s, ls, d, ld, stream);
      };
      case BOOL -> switch (dst.dtype()) {
        case FLOAT32 -> Kernels.copy_bool_f32(s, ls, d, ld, stream);
        case FLOAT64 -> Kernels.copy_bool_f64(s, ls, d, ld, stream);
        case INT64 -> Kernels.copy_bool_i64(s, ls, d, ld, stream);
        case BOOL -> Kernels.copy_bool_bool(s, ls, d, ld, stream);
      };
    };
    check(status, name);
  }

  @Override
  public void fill(Storage dst, Layout layout, double value) {
    long d = base(dst);
    long[] l = desc(layout);
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.fill_f32(d, l, value, stream);
      case FLOAT64 -> Kernels.fill_f64(d, l, value, stream);
      case INT64 -> Kernels.fill_i64(d, l, value, stream);
      case BOOL -> Kernels.fill_bool(d, l, value, stream);
    };
    check(status, "fill_" + sfx(dst.dtype()));
  }

  @Override
  public void unary(UnaryOp op, Storage src, Layout srcLayout, Storage dst, Layout dstLayout,
      double a, double b) {
    long s = base(src);
    long d = base(dst);
    long[] ls = desc(srcLayout);
    long[] ld = desc(dstLayout);
    int o = op.ordinal();
    int status = switch (src.dtype()) {
      case FLOAT32 -> Kernels.unary_f32(o, s, ls, d, ld, a, b, stream);
      case FLOAT64 -> Kernels.unary_f64(o, s, ls, d, ld, a, b, stream);
      case INT64 -> {
        if (!op.keepsIntegers()) {
          throw new IllegalArgumentException(op.opName() + ": no int64 kernel (the tensor layer"
              + " computes it in float32)");
        }
        yield Kernels.unary_i64(o, s, ls, d, ld, a, b, stream);
      }
      case BOOL -> throw new IllegalArgumentException(op.opName() + ": no bool kernel");
    };
    check(status, "unary_" + sfx(src.dtype()) + "(" + op.opName() + ")");
  }

  @Override
  public void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout,
      Storage dst, Layout dstLayout) {
    long pa = base(a);
    long pb = base(b);
    long d = base(dst);
    long[] la = desc(aLayout);
    long[] lb = desc(bLayout);
    long[] ld = desc(dstLayout);
    int o = op.ordinal();
    int status = switch (a.dtype()) {
      case FLOAT32 -> Kernels.binary_f32(o, pa, la, pb, lb, d, ld, stream);
      case FLOAT64 -> Kernels.binary_f64(o, pa, la, pb, lb, d, ld, stream);
      case INT64 -> Kernels.binary_i64(o, pa, la, pb, lb, d, ld, stream);
      case BOOL -> Kernels.binary_bool(o, pa, la, pb, lb, d, ld, stream);
    };
    check(status, "binary_" + sfx(a.dtype()) + "(" + op.opName() + ")");
  }

  @Override
  public void binaryScalar(BinaryOp op, Storage a, Layout aLayout, double scalar,
      boolean scalarFirst, Storage dst, Layout dstLayout) {
    long pa = base(a);
    long d = base(dst);
    long[] la = desc(aLayout);
    long[] ld = desc(dstLayout);
    int o = op.ordinal();
    int f = scalarFirst ? 1 : 0;
    int status = switch (a.dtype()) {
      case FLOAT32 -> Kernels.binary_scalar_f32(o, pa, la, scalar, f, d, ld, stream);
      case FLOAT64 -> Kernels.binary_scalar_f64(o, pa, la, scalar, f, d, ld, stream);
      case INT64 -> Kernels.binary_scalar_i64(o, pa, la, scalar, f, d, ld, stream);
      case BOOL -> Kernels.binary_scalar_bool(o, pa, la, scalar, f, d, ld, stream);
    };
    check(status, "binary_scalar_" + sfx(a.dtype()) + "(" + op.opName() + ")");
  }

  @Override
  public void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b,
      Layout bLayout, Storage dst, Layout dstLayout) {
    long c = base(cond);
    long pa = base(a);
    long pb = base(b);
    long d = base(dst);
    long[] lc = desc(condLayout);
    long[] la = desc(aLayout);
    long[] lb = desc(bLayout);
    long[] ld = desc(dstLayout);
    int status = switch (a.dtype()) {
      case FLOAT32 -> Kernels.where_f32(c, lc, pa, la, pb, lb, d, ld, stream);
      case FLOAT64 -> Kernels.where_f64(c, lc, pa, la, pb, lb, d, ld, stream);
      case INT64 -> Kernels.where_i64(c, lc, pa, la, pb, lb, d, ld, stream);
      case BOOL -> Kernels.where_bool(c, lc, pa, la, pb, lb, d, ld, stream);
    };
    check(status, "where_" + sfx(a.dtype()));
  }

  // ================================================================ reductions

  @Override
  public void reduce(ReduceOp op, Storage src, Layout srcLayout, long outer, long inner,
      Storage values, long valuesOffset, Storage indices, long indicesOffset, double param) {
    long s = base(src);
    long v = at(values, valuesOffset);
    long ix = indices == null ? 0 : at(indices, indicesOffset);
    long[] l = desc(srcLayout);
    int o = op.ordinal();
    DType out = values.dtype();
    if (out == DType.BOOL) {
      throw new IllegalArgumentException("reduce: no bool results");
    }
    if (out == DType.INT64 && !(op == ReduceOp.SUM || op == ReduceOp.PROD
        || op == ReduceOp.MAX || op == ReduceOp.MIN)) {
      throw new IllegalArgumentException(op + " is not defined for int64");
    }
    int status = switch (src.dtype()) {
      case FLOAT32 -> switch (out) {
        case FLOAT32 -> Kernels.reduce_f32_f32(o, s, l, outer, inner, v, ix, param, stream);
        case FLOAT64 -> Kernels.reduce_f32_f64(o, s, l, outer, inner, v, ix, param, stream);
        default -> Kernels.reduce_f32_i64(o, s, l, outer, inner, v, ix, param, stream);
      };
      case FLOAT64 -> switch (out) {
        case FLOAT32 -> Kernels.reduce_f64_f32(o, s, l, outer, inner, v, ix, param, stream);
        case FLOAT64 -> Kernels.reduce_f64_f64(o, s, l, outer, inner, v, ix, param, stream);
        default -> Kernels.reduce_f64_i64(o, s, l, outer, inner, v, ix, param, stream);
      };
      case INT64 -> switch (out) {
        case FLOAT32 -> Kernels.reduce_i64_f32(o, s, l, outer, inner, v, ix, param, stream);
        case FLOAT64 -> Kernels.reduce_i64_f64(o, s, l, outer, inner, v, ix, param, stream);
        default -> Kernels.reduce_i64_i64(o, s, l, outer, inner, v, ix, param, stream);
      };
      case BOOL -> switch (out) {
        case FLOAT32 -> Kernels.reduce_bool_f32(o, s, l, outer, inner, v, ix, param, stream);
        case FLOAT64 -> Kernels.reduce_bool_f64(o, s, l, outer, inner, v, ix, param, stream);
        default -> Kernels.reduce_bool_i64(o, s, l, outer, inner, v, ix, param, stream);
      };
    };
    check(status, "reduce_" + sfx(src.dtype()) + "_" + sfx(out) + "(" + op + ")");
  }

  // ================================================================ dense linear algebra

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a,
      long offsetA, long lda, long strideA, Storage b, long offsetB, long ldb, long strideB,
      double beta, Storage c, long offsetC, long ldc, long strideC, int batch) {
    if (m == 0 || n == 0 || batch == 0) {
      return;
    }
    gemmAt(c.dtype(), transA, transB, m, n, k, alpha, at(a, offsetA), lda, strideA,
        at(b, offsetB), ldb, strideB, beta, at(c, offsetC), ldc, strideC, batch);
  }

  /**
   * Row-major {@code C = alpha op(A) op(B) + beta C} on device addresses: cuBLAS (column-major)
   * computes {@code C^T = op(B)^T op(A)^T}, which is the same memory.
   */
  private void gemmAt(DType dtype, boolean transA, boolean transB, int m, int n, int k,
      double alpha, long a, long lda, long strideA, long b, long ldb, long strideB, double beta,
      long c, long ldc, long strideC, int batch) {
    if (dtype == DType.INT64) {
      check(Kernels.gemm_i64(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, strideA, b,
          ldb, strideB, beta, c, ldc, strideC, batch, stream), "gemm_i64");
      return;
    }
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("gemm: no " + dtype + " kernel");
    }
    long h = cublasHandle();
    CuBlas blas = CuBlas.load();
    int opA = transA ? CuBlas.OP_T : CuBlas.OP_N;
    int opB = transB ? CuBlas.OP_T : CuBlas.OP_N;
    int status;
    String call;
    if (dtype == DType.FLOAT32) {
      call = "cublasSgemmStridedBatched";
      status = blas.cublasSgemmStridedBatched(h, opB, opA, n, m, k, new float[] {(float) alpha},
          b, ld(ldb), strideB, a, ld(lda), strideA, new float[] {(float) beta}, c, ld(ldc),
          strideC, batch);
    } else {
      call = "cublasDgemmStridedBatched";
      status = blas.cublasDgemmStridedBatched(h, opB, opA, n, m, k, new double[] {alpha}, b,
          ld(ldb), strideB, a, ld(lda), strideA, new double[] {beta}, c, ld(ldc), strideC,
          batch);
    }
    CudaStatus.checkCublas(status, call + "(m=" + m + ", n=" + n + ", k=" + k + ", batch="
        + batch + ")");
  }

  private static int ld(long v) {
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("gemm: leading dimension " + v + " does not fit cuBLAS's"
          + " int");
    }
    return (int) v;
  }

  private synchronized long cublasHandle() {
    if (cublas == 0) {
      CuBlas blas = CuBlas.load();
      long[] h = new long[1];
      CudaStatus.checkCublas(blas.cublasCreate_v2(h), "cublasCreate_v2");
      CudaStatus.checkCublas(blas.cublasSetStream_v2(h[0], stream), "cublasSetStream_v2");
      cublas = h[0];
    }
    return cublas;
  }

  @Override
  public void inverse(Storage a, long aOffset, Storage dst, long dstOffset, int batch, int n) {
    if (batch == 0 || n == 0) {
      return;
    }
    long work = allocator.allocate(8L * batch * n * (2L * n + 1));
    try {
      long slot = slot((position, bits) -> new SingularMatrixException(String.format(
          "inverse: matrix %d of %d (%dx%d) is singular: a pivot vanished (relative to its"
              + " column, up to the input's rounding) after partial pivoting, so it has no"
              + " inverse", position, batch, n, n)));
      int status = a.dtype() == DType.FLOAT32
          ? Kernels.inverse_f32(at(a, aOffset), at(dst, dstOffset), work, batch, n, slot, stream)
          : Kernels.inverse_f64(at(a, aOffset), at(dst, dstOffset), work, batch, n, slot, stream);
      check(status, "inverse_" + sfx(a.dtype()));
    } finally {
      allocator.free(work); // stream-ordered: a later kernel reusing it runs after this one
    }
  }

  // ================================================================ pointwise programs

  /**
   * A program in the interpreter's encoding (pointwise.cuh's decode_program): 4 ints per step
   * (op ordinal, a, b, arg), per-step constants, the output steps. Kept per program (programs are
   * built once).
   */
  record EncodedProgram(int[] steps, double[] constants, int[] outputs) {
    static EncodedProgram of(Pointwise p) {
      List<Pointwise.Step> steps = p.steps();
      int[] s = new int[4 * steps.size()];
      double[] c = new double[steps.size()];
      for (int i = 0; i < steps.size(); i++) {
        Pointwise.Step st = steps.get(i);
        s[4 * i] = st.op().ordinal();
        s[4 * i + 1] = st.a();
        s[4 * i + 2] = st.b();
        s[4 * i + 3] = st.arg();
        c[i] = st.constant();
      }
      int[] out = new int[p.outputCount()];
      for (int k = 0; k < out.length; k++) {
        out[k] = p.output(k);
      }
      return new EncodedProgram(s, c, out);
    }
  }

  @Override
  public void pointwise(Pointwise program, double[] scalars, long count, Storage[] inputs,
      long[] inputOffsets, Storage[] outputs, long[] outputOffsets) {
    EncodedProgram e;
    synchronized (programs) {
      e = programs.computeIfAbsent(program, EncodedProgram::of);
    }
    long[] in = new long[inputs.length];
    for (int k = 0; k < in.length; k++) {
      in[k] = at(inputs[k], inputOffsets[k]);
    }
    long[] out = new long[outputs.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = at(outputs[k], outputOffsets[k]);
    }
    int nsteps = e.steps().length / 4;
    int status = outputs[0].dtype() == DType.FLOAT32
        ? Kernels.pointwise_f32(e.steps(), e.constants(), nsteps, scalars, scalars.length,
            e.outputs(), out.length, count, in, in.length, out, stream)
        : Kernels.pointwise_f64(e.steps(), e.constants(), nsteps, scalars, scalars.length,
            e.outputs(), out.length, count, in, in.length, out, stream);
    check(status, "pointwise_" + sfx(outputs[0].dtype()) + "(" + program + ")");
  }

  // ================================================================ indexing

  /** Queues a device-side check that {@code index}'s elements lie in {@code [0, size)}. */
  private void checkIndices(Storage index, Layout layout, long size,
      java.util.function.LongFunction<RuntimeException> error) {
    long slot = slot(ErrorSlots.ofValue(bits -> error.apply(
        (long) Double.longBitsToDouble(bits))));
    check(Kernels.check_range_i64(base(index), desc(layout), 0, size - 1, Double.NaN, slot,
        stream), "check_range_i64");
  }

  private static String rowIndexMessage(String op, long idx, int dim, long size) {
    return op + ": index " + idx + " is out of range in self (dimension " + dim + " has size "
        + size + "; indices must lie in [0, " + size + "), and negative indices do not count"
        + " from the end here)";
  }

  @Override
  public void indexSelect(Storage src, Layout srcLayout, int dim, Storage index,
      Layout indexLayout, Storage dst, Layout dstLayout) {
    long size = srcLayout.size(dim);
    checkIndices(index, indexLayout, size, v -> new IndexOutOfBoundsException(
        rowIndexMessage("indexSelect", v, dim, size)));
    long s = base(src);
    long ix = at(index, indexLayout.offset());
    long d = at(dst, dstLayout.offset());
    long m = indexLayout.numel();
    long[] ls = desc(srcLayout);
    int status = switch (src.dtype()) {
      case FLOAT32 -> Kernels.index_select_f32(s, ls, dim, ix, m, d, stream);
      case FLOAT64 -> Kernels.index_select_f64(s, ls, dim, ix, m, d, stream);
      case INT64 -> Kernels.index_select_i64(s, ls, dim, ix, m, d, stream);
      case BOOL -> Kernels.index_select_bool(s, ls, dim, ix, m, d, stream);
    };
    check(status, "index_select_" + sfx(src.dtype()));
  }

  @Override
  public void gather(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
      Storage dst, Layout dstLayout) {
    long size = srcLayout.rank() == 0 ? 1 : srcLayout.size(dim);
    checkIndices(index, indexLayout, size, v -> new IndexOutOfBoundsException("gather: index "
        + v + " is out of bounds for dimension " + dim + " with size " + size));
    long s = base(src);
    long ix = at(index, indexLayout.offset());
    long d = at(dst, dstLayout.offset());
    long[] ls = desc(srcLayout);
    long[] li = LayoutCodec.encodeWithoutOffset(indexLayout);
    int status = switch (src.dtype()) {
      case FLOAT32 -> Kernels.gather_f32(s, ls, dim, ix, li, d, stream);
      case FLOAT64 -> Kernels.gather_f64(s, ls, dim, ix, li, d, stream);
      case INT64 -> Kernels.gather_i64(s, ls, dim, ix, li, d, stream);
      case BOOL -> Kernels.gather_bool(s, ls, dim, ix, li, d, stream);
    };
    check(status, "gather_" + sfx(src.dtype()));
  }

  @Override
  public void indexAdd(Storage dst, Layout dstLayout, int dim, Storage index, Layout indexLayout,
      Storage source, Layout sourceLayout) {
    int[] shape = dstLayout.shape();
    long outer = 1;
    for (int d = 0; d < dim; d++) {
      outer *= shape[d];
    }
    long inner = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    long size = shape[dim];
    checkIndices(index, indexLayout, size, v -> new IndexOutOfBoundsException(
        rowIndexMessage("indexAdd", v, dim, size)));
    long d = at(dst, dstLayout.offset());
    long ix = at(index, indexLayout.offset());
    long s = at(source, sourceLayout.offset());
    long m = indexLayout.numel();
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.index_add_f32(d, outer, size, inner, ix, m, s, stream);
      case FLOAT64 -> Kernels.index_add_f64(d, outer, size, inner, ix, m, s, stream);
      case INT64 -> Kernels.index_add_i64(d, outer, size, inner, ix, m, s, stream);
      case BOOL -> Kernels.index_add_bool(d, outer, size, inner, ix, m, s, stream);
    };
    check(status, "index_add_" + sfx(dst.dtype()));
  }

  @Override
  public void scatterAdd(Storage dst, Layout dstLayout, int dim, Storage index,
      Layout indexLayout, Storage src, Layout srcLayout) {
    long size = dstLayout.rank() == 0 ? 1 : dstLayout.size(dim);
    checkIndices(index, indexLayout, size, v -> new IndexOutOfBoundsException("scatterAdd: index "
        + v + " is out of bounds for dimension " + dim + " with size " + size));
    long d = base(dst);
    long ix = at(index, indexLayout.offset());
    long s = base(src);
    long[] ld = desc(dstLayout);
    long[] li = LayoutCodec.encodeWithoutOffset(indexLayout);
    long[] ls = desc(srcLayout);
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.scatter_add_f32(d, ld, dim, ix, li, s, ls, stream);
      case FLOAT64 -> Kernels.scatter_add_f64(d, ld, dim, ix, li, s, ls, stream);
      case INT64 -> Kernels.scatter_add_i64(d, ld, dim, ix, li, s, ls, stream);
      case BOOL -> Kernels.scatter_add_bool(d, ld, dim, ix, li, s, ls, stream);
    };
    check(status, "scatter_add_" + sfx(dst.dtype()));
  }

  @Override
  public void checkRange(Storage src, Layout layout, double low, double high, double allowed,
      RangeError error) {
    long slot = slot(ErrorSlots.ofValue(bits -> error.error(Double.longBitsToDouble(bits))));
    long s = base(src);
    long[] l = desc(layout);
    int status = switch (src.dtype()) {
      case FLOAT32 -> Kernels.check_range_f32(s, l, low, high, allowed, slot, stream);
      case FLOAT64 -> Kernels.check_range_f64(s, l, low, high, allowed, slot, stream);
      case INT64 -> Kernels.check_range_i64(s, l, low, high, allowed, slot, stream);
      case BOOL -> Kernels.check_range_bool(s, l, low, high, allowed, slot, stream);
    };
    check(status, "check_range_" + sfx(src.dtype()));
  }

  // ================================================================ transfers

  @Override
  public synchronized Object toHostArray(Storage src, Layout layout) {
    if (!layout.isContiguous()) {
      throw new IllegalArgumentException("toHostArray: layout " + layout + " is not contiguous");
    }
    long n = layout.numel();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("toHostArray: " + n + " elements do not fit a Java"
          + " array");
    }
    int count = (int) n;
    DType t = src.dtype();
    long bytes = n * CudaStorage.elementBytes(t);
    long from = at(src, layout.offset());
    long host = pinned(Math.max(bytes, 1));
    if (bytes > 0) {
      check(CudaRuntime.adj_cudaMemcpyAsync(host, from, bytes, CudaRuntime.MEMCPY_DEVICE_TO_HOST,
          stream), "cudaMemcpyAsync(device to host, " + bytes + " bytes)");
    }
    synchronize(); // the one wait: also reports errors recorded by earlier checks
    Pointer p = new Pointer(host);
    return switch (t) {
      case FLOAT32 -> p.getFloatArray(0, count);
      case FLOAT64 -> p.getDoubleArray(0, count);
      case INT64 -> p.getLongArray(0, count);
      case BOOL -> {
        byte[] raw = p.getByteArray(0, count);
        boolean[] out = new boolean[count];
        for (int i = 0; i < count; i++) {
          out[i] = raw[i] != 0;
        }
        yield out;
      }
    };
  }

  @Override
  public synchronized Storage fromHostArray(Object array) {
    DType t;
    int n;
    if (array instanceof float[] a) {
      t = DType.FLOAT32;
      n = a.length;
    } else if (array instanceof double[] a) {
      t = DType.FLOAT64;
      n = a.length;
    } else if (array instanceof long[] a) {
      t = DType.INT64;
      n = a.length;
    } else if (array instanceof boolean[] a) {
      t = DType.BOOL;
      n = a.length;
    } else {
      throw new IllegalArgumentException("fromHostArray: expected float[], double[], long[] or"
          + " boolean[], got " + (array == null ? "null" : array.getClass().getSimpleName()));
    }
    Storage s = allocate(t, n);
    long bytes = (long) n * CudaStorage.elementBytes(t);
    if (bytes == 0) {
      return s;
    }
    long host = pinned(bytes);
    Pointer p = new Pointer(host);
    switch (t) {
      case FLOAT32 -> p.write(0, (float[]) array, 0, n);
      case FLOAT64 -> p.write(0, (double[]) array, 0, n);
      case INT64 -> p.write(0, (long[]) array, 0, n);
      case BOOL -> {
        boolean[] a = (boolean[]) array;
        byte[] raw = new byte[n];
        for (int i = 0; i < n; i++) {
          raw[i] = (byte) (a[i] ? 1 : 0);
        }
        p.write(0, raw, 0, n);
      }
    }
    check(CudaRuntime.adj_cudaMemcpyAsync(base(s), host, bytes, CudaRuntime.MEMCPY_HOST_TO_DEVICE,
        stream), "cudaMemcpyAsync(host to device, " + bytes + " bytes)");
    // The staging buffer is reused only once this copy has ended (pinned() waits on the event).
    check(CudaRuntime.adj_cudaEventRecord(pinnedEvent, stream), "cudaEventRecord");
    return s;
  }

  // ================================================================ nn kernels

  private static int[] window(Window2d w) {
    return new int[] {w.batch(), w.channels(), w.height(), w.width(), w.kernelH(), w.kernelW(),
        w.strideH(), w.strideW(), w.padH(), w.padW(), w.dilationH(), w.dilationW(), w.outH(),
        w.outW()};
  }

  private static boolean f32(Storage s) {
    if (!s.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException("nn kernels take floating tensors, got " + s.dtype());
    }
    return s.dtype() == DType.FLOAT32;
  }

  /** Images per im2col chunk: as many as fit the column budget, at least one. */
  private static int chunk(Window2d w, long rows, int elementBytes) {
    long perImage = rows * w.outPlane() * (long) elementBytes;
    return (int) Math.max(1, Math.min(w.batch(), COLUMN_BUDGET_BYTES / Math.max(1, perImage)));
  }

  @Override
  public void conv2d(Storage input, Layout inputLayout, Storage weight, Layout weightLayout,
      Storage bias, Layout biasLayout, Storage dst, Layout dstLayout, Window2d window,
      int groups) {
    boolean f = f32(input);
    int eb = f ? 4 : 8;
    int[] w = window(window);
    int oc = dstLayout.size(1);
    int cg = window.channels() / groups;
    int ocg = oc / groups;
    long rows = (long) cg * window.kernelArea();
    long plane = window.outPlane();
    long in = at(input, inputLayout.offset());
    long wt = at(weight, weightLayout.offset());
    long out = at(dst, dstLayout.offset());
    int chunk = chunk(window, rows, eb);
    long col = allocator.allocate(rows * plane * chunk * eb);
    try {
      for (int n0 = 0; n0 < window.batch(); n0 += chunk) {
        int cn = Math.min(chunk, window.batch() - n0);
        long image = in + (long) n0 * window.channels() * window.inPlane() * eb;
        for (int g = 0; g < groups; g++) {
          check(f ? Kernels.im2col_f32(image, w, g * cg, cg, cn, col, stream)
              : Kernels.im2col_f64(image, w, g * cg, cg, cn, col, stream), "im2col");
          gemmAt(input.dtype(), false, false, ocg, (int) plane, (int) rows, 1.0,
              wt + (long) g * ocg * rows * eb, rows, 0, col, plane, rows * plane, 0.0,
              out + ((long) n0 * oc + (long) g * ocg) * plane * eb, plane, oc * plane, cn);
        }
      }
    } finally {
      allocator.free(col);
    }
    if (bias != null) {
      long b = at(bias, biasLayout.offset());
      check(f ? Kernels.bias_add_f32(out, b, window.batch(), oc, plane, stream)
          : Kernels.bias_add_f64(out, b, window.batch(), oc, plane, stream), "bias_add");
    }
  }

  @Override
  public void conv2dInputGrad(Storage gradOut, Layout gradOutLayout, Storage weight,
      Layout weightLayout, Storage gradInput, Layout gradInputLayout, Window2d window,
      int groups) {
    boolean f = f32(gradOut);
    int eb = f ? 4 : 8;
    int[] w = window(window);
    int oc = gradOutLayout.size(1);
    int cg = window.channels() / groups;
    int ocg = oc / groups;
    long rows = (long) cg * window.kernelArea();
    long plane = window.outPlane();
    long go = at(gradOut, gradOutLayout.offset());
    long wt = at(weight, weightLayout.offset());
    long gi = at(gradInput, gradInputLayout.offset());
    int chunk = chunk(window, rows, eb);
    long col = allocator.allocate(rows * plane * chunk * eb);
    try {
      for (int n0 = 0; n0 < window.batch(); n0 += chunk) {
        int cn = Math.min(chunk, window.batch() - n0);
        for (int g = 0; g < groups; g++) {
          // col_n [rows, plane] = W_g^T [rows, ocg] x gradOut_n,g [ocg, plane]
          gemmAt(gradOut.dtype(), true, false, (int) rows, (int) plane, ocg, 1.0,
              wt + (long) g * ocg * rows * eb, rows, 0,
              go + ((long) n0 * oc + (long) g * ocg) * plane * eb, plane, oc * plane, 0.0, col,
              plane, rows * plane, cn);
          long image = gi + (long) n0 * window.channels() * window.inPlane() * eb;
          check(f ? Kernels.col2im_f32(col, w, g * cg, cg, cn, image, stream)
              : Kernels.col2im_f64(col, w, g * cg, cg, cn, image, stream), "col2im");
        }
      }
    } finally {
      allocator.free(col);
    }
  }

  @Override
  public void conv2dWeightGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradWeight, Layout gradWeightLayout, Window2d window,
      int groups) {
    boolean f = f32(gradOut);
    int eb = f ? 4 : 8;
    int[] w = window(window);
    int oc = gradOutLayout.size(1);
    int cg = window.channels() / groups;
    int ocg = oc / groups;
    long rows = (long) cg * window.kernelArea();
    long plane = window.outPlane();
    long go = at(gradOut, gradOutLayout.offset());
    long in = at(input, inputLayout.offset());
    long gw = at(gradWeight, gradWeightLayout.offset());
    if (window.batch() == 0) {
      fill(gradWeight, gradWeightLayout, 0);
      return;
    }
    int chunk = chunk(window, rows, eb);
    long col = allocator.allocate(rows * plane * chunk * eb);
    try {
      for (int n0 = 0; n0 < window.batch(); n0 += chunk) {
        int cn = Math.min(chunk, window.batch() - n0);
        long image = in + (long) n0 * window.channels() * window.inPlane() * eb;
        for (int g = 0; g < groups; g++) {
          check(f ? Kernels.im2col_f32(image, w, g * cg, cg, cn, col, stream)
              : Kernels.im2col_f64(image, w, g * cg, cg, cn, col, stream), "im2col");
          for (int i = 0; i < cn; i++) {
            // gradW_g [ocg, rows] (+)= gradOut_n,g [ocg, plane] x col_n^T [plane, rows]
            gemmAt(gradOut.dtype(), false, true, ocg, (int) rows, (int) plane, 1.0,
                go + ((long) (n0 + i) * oc + (long) g * ocg) * plane * eb, plane, 0,
                col + i * rows * plane * eb, plane, 0, n0 + i == 0 ? 0.0 : 1.0,
                gw + (long) g * ocg * rows * eb, rows, 0, 1);
          }
        }
      }
    } finally {
      allocator.free(col);
    }
  }

  @Override
  public void maxPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window) {
    long x = at(input, inputLayout.offset());
    long y = at(dst, dstLayout.offset());
    check(f32(input) ? Kernels.max_pool2d_f32(x, window(window), y, stream)
        : Kernels.max_pool2d_f64(x, window(window), y, stream), "max_pool2d");
  }

  @Override
  public void maxPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradInput, Layout gradInputLayout, Window2d window) {
    long g = at(gradOut, gradOutLayout.offset());
    long x = at(input, inputLayout.offset());
    long dx = at(gradInput, gradInputLayout.offset());
    check(f32(input) ? Kernels.max_pool2d_grad_f32(g, x, window(window), dx, stream)
        : Kernels.max_pool2d_grad_f64(g, x, window(window), dx, stream), "max_pool2d_grad");
  }

  @Override
  public void avgPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window, boolean countIncludePad) {
    long x = at(input, inputLayout.offset());
    long y = at(dst, dstLayout.offset());
    int pad = countIncludePad ? 1 : 0;
    check(f32(input) ? Kernels.avg_pool2d_f32(x, window(window), pad, y, stream)
        : Kernels.avg_pool2d_f64(x, window(window), pad, y, stream), "avg_pool2d");
  }

  @Override
  public void avgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout, Window2d window, boolean countIncludePad) {
    long g = at(gradOut, gradOutLayout.offset());
    long dx = at(gradInput, gradInputLayout.offset());
    int pad = countIncludePad ? 1 : 0;
    check(f32(gradOut) ? Kernels.avg_pool2d_grad_f32(g, window(window), pad, dx, stream)
        : Kernels.avg_pool2d_grad_f64(g, window(window), pad, dx, stream), "avg_pool2d_grad");
  }

  @Override
  public void adaptiveAvgPool2d(Storage input, Layout inputLayout, Storage dst,
      Layout dstLayout) {
    long planes = (long) inputLayout.size(0) * inputLayout.size(1);
    int h = inputLayout.size(2);
    int w = inputLayout.size(3);
    int oh = dstLayout.size(2);
    int ow = dstLayout.size(3);
    long x = at(input, inputLayout.offset());
    long y = at(dst, dstLayout.offset());
    check(f32(input) ? Kernels.adaptive_avg_pool2d_f32(x, planes, h, w, oh, ow, y, stream)
        : Kernels.adaptive_avg_pool2d_f64(x, planes, h, w, oh, ow, y, stream),
        "adaptive_avg_pool2d");
  }

  @Override
  public void adaptiveAvgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout) {
    long planes = (long) gradInputLayout.size(0) * gradInputLayout.size(1);
    int h = gradInputLayout.size(2);
    int w = gradInputLayout.size(3);
    int oh = gradOutLayout.size(2);
    int ow = gradOutLayout.size(3);
    long g = at(gradOut, gradOutLayout.offset());
    long dx = at(gradInput, gradInputLayout.offset());
    check(f32(gradOut) ? Kernels.adaptive_avg_pool2d_grad_f32(g, planes, h, w, oh, ow, dx, stream)
        : Kernels.adaptive_avg_pool2d_grad_f64(g, planes, h, w, oh, ow, dx, stream),
        "adaptive_avg_pool2d_grad");
  }

  // ================================================================ random numbers

  private long region(Storage dst, long start, long count, String op) {
    if (start < 0 || count < 0 || start + count > dst.size()) {
      throw new IndexOutOfBoundsException(op + ": elements [" + start + ", " + (start + count)
          + ") are outside a storage of " + dst.size() + " elements");
    }
    return at(dst, start);
  }

  private static IllegalArgumentException unsupported(String op, Storage dst) {
    return new IllegalArgumentException(op + ": cannot fill a " + dst.dtype() + " storage"
        + (op.equals("randomInt") ? " (int64 or floating expected)" : " (floating expected)"));
  }

  @Override
  public void randomUniform(Storage dst, long start, long count, long seed, long offset,
      double low, double high) {
    long d = region(dst, start, count, "randomUniform");
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.random_uniform_f32(d, count, seed, offset, low, high, stream);
      case FLOAT64 -> Kernels.random_uniform_f64(d, count, seed, offset, low, high, stream);
      default -> throw unsupported("randomUniform", dst);
    };
    check(status, "random_uniform_" + sfx(dst.dtype()));
  }

  @Override
  public void randomNormal(Storage dst, long start, long count, long seed, long offset,
      double mean, double std) {
    long d = region(dst, start, count, "randomNormal");
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.random_normal_f32(d, count, seed, offset, mean, std, stream);
      case FLOAT64 -> Kernels.random_normal_f64(d, count, seed, offset, mean, std, stream);
      default -> throw unsupported("randomNormal", dst);
    };
    check(status, "random_normal_" + sfx(dst.dtype()));
  }

  @Override
  public void randomBernoulli(Storage dst, long start, long count, long seed, long offset,
      double p) {
    long d = region(dst, start, count, "randomBernoulli");
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.random_bernoulli_f32(d, count, seed, offset, p, stream);
      case FLOAT64 -> Kernels.random_bernoulli_f64(d, count, seed, offset, p, stream);
      case INT64 -> Kernels.random_bernoulli_i64(d, count, seed, offset, p, stream);
      case BOOL -> Kernels.random_bernoulli_bool(d, count, seed, offset, p, stream);
    };
    check(status, "random_bernoulli_" + sfx(dst.dtype()));
  }

  @Override
  public void randomInt(Storage dst, long start, long count, long seed, long offset, long low,
      long high) {
    if (high <= low) {
      throw new IllegalArgumentException("randomInt: expected low < high, got low=" + low
          + ", high=" + high);
    }
    long d = region(dst, start, count, "randomInt");
    int status = switch (dst.dtype()) {
      case FLOAT32 -> Kernels.random_int_f32(d, count, seed, offset, low, high, stream);
      case FLOAT64 -> Kernels.random_int_f64(d, count, seed, offset, low, high, stream);
      case INT64 -> Kernels.random_int_i64(d, count, seed, offset, low, high, stream);
      case BOOL -> throw unsupported("randomInt", dst);
    };
    check(status, "random_int_" + sfx(dst.dtype()));
  }

  // ================================================================ fused optimizer updates

  /** Tensors per launch of the multi-tensor kernels (optim.cu's kMaxTensors). */
  static final int TENSORS_PER_LAUNCH = 48;

  /**
   * SGD with momentum over a group of parameters in one launch per 48 tensors (PyTorch's
   * formula: {@code d = g + wd p}; {@code buf = first ? d : mu buf + (1 - dampening) d};
   * {@code d = nesterov ? d + mu buf : buf}; {@code p -= lr d}). Parameters, gradients and
   * buffers are contiguous storages of one floating dtype, paired by position.
   */
  public void sgdMomentum(List<Storage> params, List<Storage> grads, List<Storage> buffers,
      double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
      boolean firstStep) {
    for (int from = 0; from < params.size(); from += TENSORS_PER_LAUNCH) {
      int n = Math.min(TENSORS_PER_LAUNCH, params.size() - from);
      long[] p = new long[n];
      long[] g = new long[n];
      long[] b = new long[n];
      long[] counts = new long[n];
      for (int i = 0; i < n; i++) {
        p[i] = base(params.get(from + i));
        g[i] = base(grads.get(from + i));
        b[i] = base(buffers.get(from + i));
        counts[i] = params.get(from + i).size();
      }
      boolean f = f32(params.get(from));
      check(f ? Kernels.sgd_momentum_f32(n, p, g, b, counts, lr, momentum, dampening,
          weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0, stream)
          : Kernels.sgd_momentum_f64(n, p, g, b, counts, lr, momentum, dampening, weightDecay,
              nesterov ? 1 : 0, firstStep ? 1 : 0, stream), "sgd_momentum");
    }
  }

  /**
   * Adam ({@code decoupled} false) or AdamW over a group of parameters, one launch per 48
   * tensors, for step {@code step} (from 1), with PyTorch's formula.
   */
  public void adam(List<Storage> params, List<Storage> grads, List<Storage> expAvgs,
      List<Storage> expAvgSqs, double lr, double beta1, double beta2, double eps,
      double weightDecay, boolean decoupled, long step) {
    for (int from = 0; from < params.size(); from += TENSORS_PER_LAUNCH) {
      int n = Math.min(TENSORS_PER_LAUNCH, params.size() - from);
      long[] p = new long[n];
      long[] g = new long[n];
      long[] m = new long[n];
      long[] v = new long[n];
      long[] counts = new long[n];
      for (int i = 0; i < n; i++) {
        p[i] = base(params.get(from + i));
        g[i] = base(grads.get(from + i));
        m[i] = base(expAvgs.get(from + i));
        v[i] = base(expAvgSqs.get(from + i));
        counts[i] = params.get(from + i).size();
      }
      boolean f = f32(params.get(from));
      check(f ? Kernels.adam_f32(n, p, g, m, v, counts, lr, beta1, beta2, eps, weightDecay,
          decoupled ? 1 : 0, step, stream)
          : Kernels.adam_f64(n, p, g, m, v, counts, lr, beta1, beta2, eps, weightDecay,
              decoupled ? 1 : 0, step, stream), "adam");
    }
  }

  @Override
  public String toString() {
    return "CudaBackend[" + device + "]";
  }
}
