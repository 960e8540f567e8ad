package dev.adjoint.cuda;

/**
 * A sticky CUDA error (an illegal address, a device-side assert, a launch failure and kin): the
 * CUDA context is corrupted and every later call in this process fails too, so the backend
 * refuses further work rather than risk a wrong number. Restart the process to use the GPU again.
 */
public final class CudaFatalException extends CudaException {
  private static final long serialVersionUID = 1L;

  /** See {@link CudaException#CudaException}. */
  public CudaFatalException(String call, int status, String statusName, String message) {
    super(call, status, statusName, message + " (a sticky error: the CUDA context is unusable"
        + " for the rest of this process)");
  }
}
