package dev.adjoint.tensor;

/** Thrown when a CUDA device is used but CUDA cannot be used in this process; says why. */
public final class CudaNotAvailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** @param reason why CUDA is not usable, e.g. "no CUDA driver (libcuda) was found" */
  public CudaNotAvailableException(String reason) {
    super("CUDA not available: " + reason);
  }
}
