package dev.adjoint.distributed;

/**
 * A collective operation could not complete: a peer died, closed its connection, stopped
 * answering within the timeout, or sent something other than what this rank expected. The
 * message names this rank, the peer and the operation. After this exception the
 * {@link ProcessGroup} is broken: it has closed its connections, so that every other rank fails
 * too instead of waiting, and every later call throws again.
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with this message and cause. */
  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An exception with this message. */
  public CollectiveException(String message) {
    super(message);
  }
}
