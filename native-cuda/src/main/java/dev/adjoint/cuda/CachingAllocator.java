package dev.adjoint.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator in the manner of PyTorch's: freed blocks are kept, by rounded size,
 * and handed to the next request of that size instead of going back to the driver (whose
 * {@code cudaMalloc}/{@code cudaFree} are slow and synchronize the device). All work runs on one
 * stream, so a block freed after its last kernel was queued may be reused by a later kernel at
 * once: the stream orders the two.
 *
 * <p>Sizes are rounded up to 512 bytes below 1 MiB and to 2 MiB multiples above, so that blocks
 * are reused across slightly different requests. When the raw allocator runs out of memory the
 * cache is released and the request tried once more before {@link OutOfMemoryError}.
 *
 * <p>Statistics ({@code torch.cuda.memory_allocated} and kin): {@link #memoryAllocated()} counts
 * the rounded bytes of the blocks in use, {@link #memoryReserved()} those obtained from the raw
 * allocator (in use plus cached), and the peaks of both since the last
 * {@link #resetPeakStats()}. Thread-safe.
 */
public final class CachingAllocator {
  /** Requests below this are rounded to {@link #SMALL_ROUND}. */
  public static final long SMALL_LIMIT = 1L << 20;
  /** The rounding of small requests. */
  public static final long SMALL_ROUND = 512;
  /** The rounding of large requests. */
  public static final long LARGE_ROUND = 2L << 20;

  private final RawAllocator raw;
  // Rounded size -> cached free blocks of that size.
  private final TreeMap<Long, ArrayDeque<Long>> free = new TreeMap<>();
  // Pointer -> rounded size of each block in use.
  private final Map<Long, Long> inUse = new HashMap<>();
  private long allocated;
  private long reserved;
  private long peakAllocated;
  private long peakReserved;
  private long rawAllocations;

  /** An allocator drawing on {@code raw}. */
  public CachingAllocator(RawAllocator raw) {
    this.raw = raw;
  }

  /** The size a request of {@code bytes} is served with. */
  public static long roundSize(long bytes) {
    if (bytes <= 0) {
      return SMALL_ROUND;
    }
    long round = bytes < SMALL_LIMIT ? SMALL_ROUND : LARGE_ROUND;
    return Math.addExact(bytes, round - 1) / round * round;
  }

  /**
   * A block of at least {@code bytes}: a cached one of the same rounded size, else a new one.
   *
   * @throws OutOfMemoryError when the device has no room even after the cache is released
   */
  public synchronized long allocate(long bytes) {
    long size = roundSize(bytes);
    ArrayDeque<Long> cached = free.get(size);
    long p;
    if (cached != null && !cached.isEmpty()) {
      p = cached.pop();
      if (cached.isEmpty()) {
        free.remove(size);
      }
    } else {
      p = raw.malloc(size);
      if (p == 0) {
        emptyCache();
        p = raw.malloc(size);
      }
      if (p == 0) {
        throw new OutOfMemoryError("CUDA out of memory: could not allocate " + size
            + " bytes (" + allocated + " bytes in use by tensors, " + reserved
            + " reserved by Adjoint's allocator)");
      }
      rawAllocations++;
      reserved += size;
      peakReserved = Math.max(peakReserved, reserved);
    }
    inUse.put(p, size);
    allocated += size;
    peakAllocated = Math.max(peakAllocated, allocated);
    return p;
  }

  /**
   * Gives a block back to the cache.
   *
   * @throws IllegalArgumentException for a pointer this allocator did not hand out or that was
   *     already freed
   */
  public synchronized void free(long pointer) {
    Long size = inUse.remove(pointer);
    if (size == null) {
      throw new IllegalArgumentException("CachingAllocator.free: 0x" + Long.toHexString(pointer)
          + " is not a block in use (freed twice, or never allocated here)");
    }
    allocated -= size;
    free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(pointer);
  }

  /** Returns every cached block to the raw allocator ({@code torch.cuda.empty_cache}). */
  public synchronized void emptyCache() {
    for (Map.Entry<Long, ArrayDeque<Long>> e : free.entrySet()) {
      for (long p : e.getValue()) {
        raw.free(p);
        reserved -= e.getKey();
      }
    }
    free.clear();
  }

  /** Bytes in blocks handed out and not yet freed (rounded sizes). */
  public synchronized long memoryAllocated() {
    return allocated;
  }

  /** Bytes held from the raw allocator: in use plus cached. */
  public synchronized long memoryReserved() {
    return reserved;
  }

  /** The largest {@link #memoryAllocated()} since creation or {@link #resetPeakStats()}. */
  public synchronized long maxMemoryAllocated() {
    return peakAllocated;
  }

  /** The largest {@link #memoryReserved()} since creation or {@link #resetPeakStats()}. */
  public synchronized long maxMemoryReserved() {
    return peakReserved;
  }

  /** How many times the raw allocator was called (a steady training loop stops calling it). */
  public synchronized long rawAllocations() {
    return rawAllocations;
  }

  /** Starts the peaks again from the current values. */
  public synchronized void resetPeakStats() {
    peakAllocated = allocated;
    peakReserved = reserved;
  }
}
