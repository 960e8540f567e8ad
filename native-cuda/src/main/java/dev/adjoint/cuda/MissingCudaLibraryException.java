package dev.adjoint.cuda;

import java.util.List;

/**
 * A CUDA library Adjoint loads from the user's installation (cuBLAS) was not found; names the
 * sonames tried. Install the CUDA toolkit's library (e.g. the {@code libcublas} package of CUDA 12
 * or 13) or put its folder on {@code LD_LIBRARY_PATH}.
 */
public final class MissingCudaLibraryException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param library the library's name, e.g. {@code cuBLAS}
   * @param tried each soname tried and why it failed
   */
  public MissingCudaLibraryException(String library, List<String> tried) {
    super(library + " not found: tried " + String.join(", ", tried) + "; install " + library
        + " from the CUDA toolkit (12 or 13) or add its folder to LD_LIBRARY_PATH");
  }
}
