package dev.adjoint.testing.strict;

import dev.adjoint.backend.Backend;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Pointwise;
import dev.adjoint.backend.RangeError;
import dev.adjoint.backend.ReduceOp;
import dev.adjoint.backend.Storage;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.backend.Window2d;
import dev.adjoint.backend.cpu.CpuBackend;
import dev.adjoint.backend.cpu.CpuStorage;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPU backend for the tests that behaves as a device expensive to read from the host would be
 * treated: the CPU kernels run behind {@link StrictStorage}, which exposes no elements, and every
 * host read ({@link #toHostArray}) must come from an explicit transfer ({@link HostReads}).
 * Kernels take storages and layouts only, so no kernel can call back into a tensor; a library
 * class that peeks into a storage's arrays fails on the opaque storage.
 *
 * <p>With {@code -Dadjoint.test.strictBackend=true} the runtime's whole test suite runs on it
 * (the second surefire execution of the runtime's build).
 */
final class StrictBackend implements Backend {
  private final CpuBackend cpu = CpuBackend.INSTANCE;

  /** What this thread has asked of the strict backend so far. */
  private static final class Counts {
    long allocations;
    long copies;
    long releases;
  }

  private static final ThreadLocal<Counts> COUNTS = ThreadLocal.withInitial(Counts::new);

  /** The storages made on this thread since {@link #startRecording}, or null when not recording. */
  private static final ThreadLocal<List<StrictStorage>> MADE = new ThreadLocal<>();

  /** Starts keeping every storage this thread makes, for {@link #unreleased}. */
  static void startRecording() {
    MADE.set(new ArrayList<>());
  }

  /**
   * The storages this thread made since {@link #startRecording} that are not released, in the
   * order they were made; stops recording.
   */
  static List<StrictStorage> unreleased() {
    List<StrictStorage> made = MADE.get();
    MADE.remove();
    List<StrictStorage> live = new ArrayList<>();
    for (StrictStorage s : made) {
      if (!s.isReleased()) {
        live.add(s);
      }
    }
    return live;
  }

  private static StrictStorage made(StrictStorage s) {
    List<StrictStorage> made = MADE.get();
    if (made != null) {
      made.add(s);
    }
    return s;
  }

  /** The number of {@link #allocate} and {@link #fromHostArray} calls of this thread so far. */
  static long allocations() {
    return COUNTS.get().allocations;
  }

  /** Copy kernels this thread ran (dtype conversions and contiguous() copies included). */
  static long copies() {
    return COUNTS.get().copies;
  }

  /** The number of storages this thread has released so far. */
  static long releases() {
    return COUNTS.get().releases;
  }

  private static CpuStorage c(Storage s) {
    if (s == null) {
      return null;
    }
    if (s instanceof StrictStorage strict) {
      if (strict.isReleased()) {
        throw new IllegalStateException("strict backend: a storage of " + strict.size() + " "
            + strict.dtype() + " elements was used after it was released");
      }
      return strict.inner();
    }
    throw new IllegalArgumentException("strict backend: a storage not made by it: "
        + s.getClass().getName());
  }

  private static CpuStorage[] c(Storage[] s) {
    CpuStorage[] out = new CpuStorage[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = c(s[i]);
    }
    return out;
  }

  @Override
  public Device device() {
    return Device.cpu();
  }

  @Override
  public Storage allocate(DType dtype, long numel) {
    COUNTS.get().allocations++;
    return made(new StrictStorage((CpuStorage) cpu.allocate(dtype, numel)));
  }

  /**
   * Poisons what it hands out (NaN, an int64 of 0x5EED5EED5EED5EED, true), so that a kernel that
   * reads an uninitialized result before writing it gives visibly wrong results in the strict
   * run of the suite instead of the zeros a fresh CPU array happens to hold.
   */
  @Override
  public Storage allocateUninitialized(DType dtype, long numel) {
    COUNTS.get().allocations++;
    CpuStorage s = (CpuStorage) cpu.allocateUninitialized(dtype, numel);
    switch (dtype) {
      case FLOAT32 -> java.util.Arrays.fill(s.floats(), Float.NaN);
      case FLOAT64 -> java.util.Arrays.fill(s.doubles(), Double.NaN);
      case INT64 -> java.util.Arrays.fill(s.longs(), 0x5EED5EED5EED5EEDL);
      case BOOL -> java.util.Arrays.fill(s.bools(), true);
    }
    return made(new StrictStorage(s));
  }

  @Override
  public void release(Storage storage) {
    if (storage.isReleased()) {
      return;
    }
    COUNTS.get().releases++;
    cpu.release(c(storage));
  }

  @Override
  public long nextSerial() {
    return cpu.nextSerial();
  }

  @Override
  public Object toHostArray(Storage src, Layout layout) {
    HostReads.check();
    return cpu.toHostArray(c(src), layout);
  }

  @Override
  public void checkRange(Storage src, Layout layout, double low, double high, double allowed,
      RangeError error) {
    cpu.checkRange(c(src), layout, low, high, allowed, error);
  }

  @Override
  public Storage fromHostArray(Object array) {
    COUNTS.get().allocations++;
    return made(new StrictStorage((CpuStorage) cpu.fromHostArray(array)));
  }

  @Override
  public void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout) {
    COUNTS.get().copies++;
    cpu.copy(c(src), srcLayout, c(dst), dstLayout);
  }

  @Override
  public void fill(Storage dst, Layout layout, double value) {
    cpu.fill(c(dst), layout, value);
  }

  @Override
  public void unary(UnaryOp op, Storage src, Layout srcLayout, Storage dst, Layout dstLayout,
      double a, double b) {
    cpu.unary(op, c(src), srcLayout, c(dst), dstLayout, a, b);
  }

  @Override
  public void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout,
      Storage dst, Layout dstLayout) {
    cpu.binary(op, c(a), aLayout, c(b), bLayout, c(dst), dstLayout);
  }

  @Override
  public void binaryScalar(BinaryOp op, Storage a, Layout aLayout, double scalar,
      boolean scalarFirst, Storage dst, Layout dstLayout) {
    cpu.binaryScalar(op, c(a), aLayout, scalar, scalarFirst, c(dst), dstLayout);
  }

  @Override
  public void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b,
      Layout bLayout, Storage dst, Layout dstLayout) {
    cpu.where(c(cond), condLayout, c(a), aLayout, c(b), bLayout, c(dst), dstLayout);
  }

  @Override
  public void reduce(ReduceOp op, Storage src, Layout srcLayout, long outer, long inner,
      Storage values, long valuesOffset, Storage indices, long indicesOffset, double param) {
    cpu.reduce(op, c(src), srcLayout, outer, inner, c(values), valuesOffset, c(indices),
        indicesOffset, param);
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a,
      long offsetA, long lda, long strideA, Storage b, long offsetB, long ldb, long strideB,
      double beta, Storage c, long offsetC, long ldc, long strideC, int batch) {
    cpu.gemm(transA, transB, m, n, k, alpha, c(a), offsetA, lda, strideA, c(b), offsetB, ldb,
        strideB, beta, c(c), offsetC, ldc, strideC, batch);
  }

  @Override
  public void pointwise(Pointwise program, double[] scalars, long count, Storage[] inputs,
      long[] inputOffsets, Storage[] outputs, long[] outputOffsets) {
    cpu.pointwise(program, scalars, count, c(inputs), inputOffsets, c(outputs), outputOffsets);
  }

  @Override
  public void inverse(Storage a, long aOffset, Storage dst, long dstOffset, int batch, int n) {
    cpu.inverse(c(a), aOffset, c(dst), dstOffset, batch, n);
  }

  @Override
  public void indexSelect(Storage src, Layout srcLayout, int dim, Storage index,
      Layout indexLayout, Storage dst, Layout dstLayout) {
    cpu.indexSelect(c(src), srcLayout, dim, c(index), indexLayout, c(dst), dstLayout);
  }

  @Override
  public void gather(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
      Storage dst, Layout dstLayout) {
    cpu.gather(c(src), srcLayout, dim, c(index), indexLayout, c(dst), dstLayout);
  }

  @Override
  public void indexAdd(Storage dst, Layout dstLayout, int dim, Storage index, Layout indexLayout,
      Storage source, Layout sourceLayout) {
    cpu.indexAdd(c(dst), dstLayout, dim, c(index), indexLayout, c(source), sourceLayout);
  }

  @Override
  public void scatterAdd(Storage dst, Layout dstLayout, int dim, Storage index,
      Layout indexLayout, Storage src, Layout srcLayout) {
    cpu.scatterAdd(c(dst), dstLayout, dim, c(index), indexLayout, c(src), srcLayout);
  }

  @Override
  public void conv2d(Storage input, Layout inputLayout, Storage weight, Layout weightLayout,
      Storage bias, Layout biasLayout, Storage dst, Layout dstLayout, Window2d window,
      int groups) {
    cpu.conv2d(c(input), inputLayout, c(weight), weightLayout, c(bias), biasLayout, c(dst),
        dstLayout, window, groups);
  }

  @Override
  public void conv2dInputGrad(Storage gradOut, Layout gradOutLayout, Storage weight,
      Layout weightLayout, Storage gradInput, Layout gradInputLayout, Window2d window,
      int groups) {
    cpu.conv2dInputGrad(c(gradOut), gradOutLayout, c(weight), weightLayout, c(gradInput),
        gradInputLayout, window, groups);
  }

  @Override
  public void conv2dWeightGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradWeight, Layout gradWeightLayout, Window2d window,
      int groups) {
    cpu.conv2dWeightGrad(c(gradOut), gradOutLayout, c(input), inputLayout, c(gradWeight),
        gradWeightLayout, window, groups);
  }

  @Override
  public void maxPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window) {
    cpu.maxPool2d(c(input), inputLayout, c(dst), dstLayout, window);
  }

  @Override
  public void maxPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage input,
      Layout inputLayout, Storage gradInput, Layout gradInputLayout, Window2d window) {
    cpu.maxPool2dGrad(c(gradOut), gradOutLayout, c(input), inputLayout, c(gradInput),
        gradInputLayout, window);
  }

  @Override
  public void avgPool2d(Storage input, Layout inputLayout, Storage dst, Layout dstLayout,
      Window2d window, boolean countIncludePad) {
    cpu.avgPool2d(c(input), inputLayout, c(dst), dstLayout, window, countIncludePad);
  }

  @Override
  public void avgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout, Window2d window, boolean countIncludePad) {
    cpu.avgPool2dGrad(c(gradOut), gradOutLayout, c(gradInput), gradInputLayout, window,
        countIncludePad);
  }

  @Override
  public void adaptiveAvgPool2d(Storage input, Layout inputLayout, Storage dst,
      Layout dstLayout) {
    cpu.adaptiveAvgPool2d(c(input), inputLayout, c(dst), dstLayout);
  }

  @Override
  public void adaptiveAvgPool2dGrad(Storage gradOut, Layout gradOutLayout, Storage gradInput,
      Layout gradInputLayout) {
    cpu.adaptiveAvgPool2dGrad(c(gradOut), gradOutLayout, c(gradInput), gradInputLayout);
  }

  @Override
  public void randomUniform(Storage dst, long start, long count, long seed, long offset,
      double low, double high) {
    cpu.randomUniform(c(dst), start, count, seed, offset, low, high);
  }

  @Override
  public void randomNormal(Storage dst, long start, long count, long seed, long offset,
      double mean, double std) {
    cpu.randomNormal(c(dst), start, count, seed, offset, mean, std);
  }

  @Override
  public void randomBernoulli(Storage dst, long start, long count, long seed, long offset,
      double p) {
    cpu.randomBernoulli(c(dst), start, count, seed, offset, p);
  }

  @Override
  public void randomInt(Storage dst, long start, long count, long seed, long offset, long low,
      long high) {
    cpu.randomInt(c(dst), start, count, seed, offset, low, high);
  }
}
