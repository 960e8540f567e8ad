package dev.adjoint.cuda;

/**
 * A CUDA call that failed: names the call, the status code, its name
 * ({@code cudaErrorMemoryAllocation}) and the library's message. The device stays usable after
 * this exception; see {@link CudaFatalException} for the errors after which it does not.
 */
public class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int status;
  private final String statusName;

  /**
   * @param call the C function (and what it was doing), e.g. {@code "cudaMalloc(1048576 bytes)"}
   * @param status the status code it returned
   * @param statusName the status's name, e.g. {@code cudaErrorMemoryAllocation}
   * @param message the library's description of the status
   */
  public CudaException(String call, int status, String statusName, String message) {
    super(call + " failed: " + statusName + " (" + status + "): " + message);
    this.call = call;
    this.status = status;
    this.statusName = statusName;
  }

  /** The call that failed. */
  public String call() {
    return call;
  }

  /** The status code it returned ({@code cudaError_t}, {@code cublasStatus_t} or Adjoint's own). */
  public int status() {
    return status;
  }

  /** The status's name. */
  public String statusName() {
    return statusName;
  }
}
