package dev.adjoint.data.datasets;

import java.io.IOException;

/**
 * A data set file that is corrupt, truncated, not of the expected format, or whose download
 * failed its checksum. The message names the file and what is wrong with it, e.g.
 * {@code train-images-idx3-ubyte.gz: truncated: the header promises 60000 images of 28x28
 * (47040016 bytes after the header) but the data ends after 1000}.
 *
 * <p>A file that cannot be found anywhere is a {@link java.io.FileNotFoundException} whose
 * message says where it was looked for and how to provide it.
 *
 * <p>A message is at most 2,000 characters: a longer one (one that quotes much of a hostile
 * file) keeps its first 1,400 and last 500 characters and says how many were cut.
 */
public final class DatasetException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with the complete message. */
  public DatasetException(String message) {
    super(bounded(message));
  }

  /** An exception with the complete message and the failure that revealed the problem. */
  public DatasetException(String message, Throwable cause) {
    super(bounded(message), cause);
  }

  /** The longest message kept; the middle of a longer one is cut (it may quote a whole file). */
  static final int MAX_LENGTH = 2000;

  private static String bounded(String message) {
    if (message == null || message.length() <= MAX_LENGTH) {
      return message;
    }
    int head = 1400;
    int tail = message.length() - 500;
    return message.substring(0, head) + " [... " + (tail - head) + " characters cut ...] "
        + message.substring(tail);
  }
}
