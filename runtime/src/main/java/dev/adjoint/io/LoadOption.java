package dev.adjoint.io;

/**
 * Options of {@link Checkpoint#load(java.nio.file.Path, LoadOption...)} and
 * {@link ModelFiles#load(java.nio.file.Path, Class, LoadOption...)}.
 */
public enum LoadOption {
  /**
   * Loads the file without verifying the checksums of its header and data: for salvaging a file
   * that a checksum refuses, or for skipping the (small) cost of computing them. A file saved
   * before checksums existed loads unverified either way.
   */
  SKIP_CHECKSUM;

  static boolean verify(LoadOption... options) {
    for (LoadOption o : options) {
      if (o == SKIP_CHECKSUM) {
        return false;
      }
    }
    return true;
  }
}
