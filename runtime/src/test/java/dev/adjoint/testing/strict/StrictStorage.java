package dev.adjoint.testing.strict;

import dev.adjoint.backend.Storage;
import dev.adjoint.backend.cpu.CpuStorage;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Device;

/**
 * An opaque storage of the strict backend: it holds a CPU storage but offers no way to reach its
 * elements, so code that reads a storage's elements other than through
 * {@link dev.adjoint.backend.Backend#toHostArray} fails (a cast to {@code CpuStorage} throws), as
 * it would with device memory.
 */
final class StrictStorage implements Storage {
  private final CpuStorage inner;

  StrictStorage(CpuStorage inner) {
    this.inner = inner;
  }

  /** The wrapped storage: for {@link StrictBackend} only. */
  CpuStorage inner() {
    return inner;
  }

  @Override
  public DType dtype() {
    return inner.dtype();
  }

  @Override
  public Device device() {
    return Device.cpu();
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public long serial() {
    return inner.serial();
  }

  @Override
  public boolean isReleased() {
    return inner.isReleased();
  }
}
