package dev.adjoint.backend;

/**
 * Builds the exception for a value that failed {@link Backend#checkRange}: the op's own message
 * (PyTorch's wording) around the first offending value. A device that checks asynchronously keeps
 * the value in an error flag and builds the exception when the host next waits for it.
 */
@FunctionalInterface
public interface RangeError {
  /** The exception for {@code value}, the first element out of range in row-major order. */
  RuntimeException error(double value);
}
