package dev.adjoint.backend;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;

/**
 * A flat block of elements of one dtype on one device. Tensors are views (shape, strides,
 * offset) over a storage; several tensors may share one.
 */
public interface Storage {
  /** The element type. */
  DType dtype();

  /** Where the elements live. */
  Device device();

  /** Number of elements (a storage may hold more than 2^31 on a device with the memory). */
  long size();

  /**
   * This storage's number in the order its backend made storages: a later storage has a larger
   * serial. The autograd engine uses it to tell the gradients it made during a backward pass
   * (which it owns) from values that existed before.
   */
  long serial();

  /** Whether {@link Backend#release} gave this storage's memory back; then it must not be used. */
  boolean isReleased();
}
