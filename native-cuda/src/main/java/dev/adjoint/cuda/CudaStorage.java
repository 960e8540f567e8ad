package dev.adjoint.cuda;

import dev.adjoint.backend.Storage;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;

/**
 * A block of device memory holding {@link #size()} elements of one dtype (bool as one byte each),
 * from the {@link CachingAllocator} of its {@link CudaBackend}. Its address is only read by the
 * backend, which refuses a released storage.
 */
public final class CudaStorage implements Storage {
  private final CudaBackend backend;
  private final DType dtype;
  private final long size;
  private final long serial;
  private final long pointer;
  private volatile boolean released;

  CudaStorage(CudaBackend backend, DType dtype, long size, long serial, long pointer) {
    this.backend = backend;
    this.dtype = dtype;
    this.size = size;
    this.serial = serial;
    this.pointer = pointer;
  }

  /** Bytes per element on the device: bool takes one, int64 and float64 eight, float32 four. */
  public static int elementBytes(DType dtype) {
    return switch (dtype) {
      case BOOL -> 1;
      case FLOAT32 -> 4;
      case INT64, FLOAT64 -> 8;
    };
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public Device device() {
    return backend.device();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long serial() {
    return serial;
  }

  @Override
  public boolean isReleased() {
    return released;
  }

  CudaBackend backend() {
    return backend;
  }

  /** The device address of element {@code index}. */
  long address(long index) {
    if (released) {
      throw new IllegalStateException("CUDA storage #" + serial + " (" + size + " " + dtype
          + " elements) was released and cannot be used again");
    }
    return pointer + index * elementBytes(dtype);
  }

  long basePointer() {
    return pointer;
  }

  /** Marks the storage released; true the first time. */
  boolean markReleased() {
    if (released) {
      return false;
    }
    released = true;
    return true;
  }

  @Override
  public String toString() {
    return "CudaStorage[" + dtype + " x " + size + " on " + device() + ", #" + serial + "]";
  }
}
