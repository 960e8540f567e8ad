package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.DType;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays given back by released storages, kept for the next allocation of the same dtype and
 * length, so that a training step's temporaries reuse the previous step's memory (still in the
 * caches) instead of asking the garbage collector for fresh arrays. Bounded: beyond
 * {@link #CAPACITY_BYTES} a released array is left to the collector. Thread-safe.
 *
 * <p>{@code -Dadjoint.cpu.pool=false} turns it off (every allocation a fresh array), for
 * measurement.
 */
final class MemoryPool {
  /** At most this many bytes of released arrays are kept: 1/16 of the heap, up to 256 MiB. */
  static final long CAPACITY_BYTES =
      Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16);

  /**
   * Arrays shorter than this are not pooled. Every length is: a training step's biases, losses
   * and scalars then reuse memory too, so that a steady-state MLP step takes only the two arrays
   * its caller keeps (logits and loss) from the allocator (1024 and up left 54 fresh per step).
   */
  static final int MIN_LENGTH = 1;

  private static final boolean ENABLED =
      !"false".equals(System.getProperty("adjoint.cpu.pool"));

  private final Map<Key, ArrayDeque<Object>> free = new HashMap<>();
  private long bytes;
  private long reused;

  private record Key(DType dtype, int length) {}

  /**
   * An array of {@code length} elements from the pool, zero-filled when {@code zeroed} (else
   * holding what its last user left), or null when none is kept.
   */
  Object take(DType dtype, int length, boolean zeroed) {
    if (!ENABLED || length < MIN_LENGTH) {
      return null;
    }
    Object a;
    synchronized (this) {
      ArrayDeque<Object> q = free.get(new Key(dtype, length));
      a = q == null ? null : q.pollLast();
      if (a == null) {
        return null;
      }
      bytes -= (long) length * dtype.byteSize();
      reused++;
    }
    if (!zeroed) {
      return a;
    }
    switch (dtype) {
      case FLOAT32 -> java.util.Arrays.fill((float[]) a, 0f);
      case FLOAT64 -> java.util.Arrays.fill((double[]) a, 0.0);
      case INT64 -> java.util.Arrays.fill((long[]) a, 0L);
      case BOOL -> java.util.Arrays.fill((boolean[]) a, false);
    }
    return a;
  }

  /** Keeps {@code array} for a later {@link #take}, unless the pool is full. */
  void give(DType dtype, Object array, int length) {
    if (!ENABLED || length < MIN_LENGTH) {
      return;
    }
    long b = (long) length * dtype.byteSize();
    synchronized (this) {
      if (bytes + b > CAPACITY_BYTES) {
        return;
      }
      free.computeIfAbsent(new Key(dtype, length), k -> new ArrayDeque<>()).addLast(array);
      bytes += b;
    }
  }

  /** Bytes of arrays kept now. */
  synchronized long cachedBytes() {
    return bytes;
  }

  /** How many allocations were served from the pool so far. */
  synchronized long reused() {
    return reused;
  }
}
