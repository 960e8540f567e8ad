package dev.adjoint.tensor;

/** Thrown by {@link Tensor#inverse()} when a matrix has no inverse. */
public final class SingularMatrixException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  /** @param message names the op, the matrix in the batch and the failing pivot */
  public SingularMatrixException(String message) {
    super(message);
  }
}
