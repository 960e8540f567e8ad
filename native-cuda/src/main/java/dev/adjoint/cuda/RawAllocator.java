package dev.adjoint.cuda;

/**
 * Where the {@link CachingAllocator} gets and returns memory: {@code cudaMalloc} and
 * {@code cudaFree} on a GPU, a fake in the host tests.
 */
public interface RawAllocator {
  /**
   * A new block of {@code bytes}, or 0 when the device is out of memory (any other failure
   * throws).
   */
  long malloc(long bytes);

  /** Returns a block {@link #malloc} gave. */
  void free(long pointer);
}
