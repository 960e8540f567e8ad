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
}
