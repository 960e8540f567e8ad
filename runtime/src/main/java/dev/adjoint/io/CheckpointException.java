package dev.adjoint.io;

import java.io.IOException;

/**
 * A valid safetensors file that is not a valid Adjoint checkpoint: it lacks the checkpoint marker,
 * has a version this Adjoint cannot read, or holds state that does not decode (an unknown marker,
 * a missing or unused tensor entry, a value of the wrong type). The message names the file, the
 * entry and the problem, e.g. {@code run.ckpt: metadata entry "optimizer": optimizer.state.0:
 * refers to tensor entry "optimizer.state.0.exp_avg", which the file does not have}.
 *
 * <p>A file that is not valid safetensors at all gives a {@link SafeTensorsException}; plain I/O
 * failures stay ordinary {@link IOException}s.
 *
 * <p>A message is at most 2,000 characters: a longer one (one that quotes much of a hostile
 * file) keeps its first 1,400 and last 500 characters and says how many were cut.
 */
public final class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with the complete message. */
  public CheckpointException(String message) {
    super(Messages.bounded(message));
  }

  /** An exception with the complete message and the failure that revealed the problem. */
  public CheckpointException(String message, Throwable cause) {
    super(Messages.bounded(message), cause);
  }
}
