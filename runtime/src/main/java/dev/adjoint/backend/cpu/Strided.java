package dev.adjoint.backend.cpu;

import dev.adjoint.backend.Layout;
import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;

/**
 * One kernel operand on the CPU: a host storage and where the operand's elements lie in it. The
 * layout has been checked to fit the storage, so its offsets and strides fit an {@code int} (a
 * Java array's index) and the accessors here narrow them without loss.
 */
record Strided(CpuStorage storage, Layout layout) {
  /** {@code storage} as a CPU one, with its layout. */
  static Strided of(Storage storage, Layout layout) {
    return new Strided(CpuBackend.cpu(storage), layout);
  }

  DType dtype() {
    return storage.dtype();
  }

  /** The backing Java array (shared). */
  Object array() {
    return storage.array();
  }

  int[] shape() {
    return layout.shape();
  }

  /** The strides as ints (see {@link #intStrides}). */
  int[] strides() {
    return intStrides(layout);
  }

  /**
   * {@code layout}'s strides as ints, for indexing a Java array: a layout that fits a CPU storage
   * strides less than 2^31 over any size above 1; a stride over a size of 0 or 1 is never
   * followed and reads as 0.
   */
  static int[] intStrides(Layout layout) {
    int[] s = new int[layout.rank()];
    for (int d = 0; d < s.length; d++) {
      s[d] = layout.size(d) <= 1 ? 0 : (int) layout.stride(d);
    }
    return s;
  }

  int storageOffset() {
    return (int) layout.offset();
  }

  int numel() {
    return (int) layout.numel();
  }

  boolean isContiguous() {
    return layout.isContiguous();
  }
}
