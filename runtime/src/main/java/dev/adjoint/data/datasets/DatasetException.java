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
 */
public final class DatasetException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with the complete message. */
  public DatasetException(String message) {
    super(message);
  }

  /** An exception with the complete message and the failure that revealed the problem. */
  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
