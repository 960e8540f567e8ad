package dev.adjoint.io;

import java.io.IOException;

/**
 * A file that is not valid safetensors, or holds something Adjoint cannot represent (an
 * unsupported dtype, a tensor too large for a Java array). The message names the file, the tensor
 * when there is one, and the problem, e.g. {@code model.safetensors: tensor "fc.weight":
 * data_offsets [0, 32] hold 32 bytes but F32 shape [3, 3] needs 36}.
 *
 * <p>Plain I/O failures (a missing file, a full disk) stay ordinary {@link IOException}s.
 *
 * <p>A message is at most 2,000 characters: a longer one (one that quotes much of a hostile
 * file) keeps its first 1,400 and last 500 characters and says how many were cut.
 */
public final class SafeTensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with the complete message. */
  public SafeTensorsException(String message) {
    super(Messages.bounded(message));
  }

  /** An exception with the complete message and the failure that revealed the problem. */
  public SafeTensorsException(String message, Throwable cause) {
    super(Messages.bounded(message), cause);
  }
}
