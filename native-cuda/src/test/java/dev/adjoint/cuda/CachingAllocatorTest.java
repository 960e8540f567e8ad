package dev.adjoint.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's bookkeeping over a fake raw allocator with a fixed capacity. */
class CachingAllocatorTest {
  /** Hands out increasing addresses until {@code capacity} bytes are out; records every call. */
  private static final class FakeDevice implements RawAllocator {
    final long capacity;
    final Map<Long, Long> live = new HashMap<>();
    long next = 0x1000;
    long used;
    int mallocs;
    int frees;

    FakeDevice(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public long malloc(long bytes) {
      mallocs++;
      if (used + bytes > capacity) {
        return 0;
      }
      long p = next;
      next += bytes;
      used += bytes;
      live.put(p, bytes);
      return p;
    }

    @Override
    public void free(long pointer) {
      frees++;
      Long b = live.remove(pointer);
      if (b == null) {
        throw new AssertionError("raw free of an unknown block " + pointer);
      }
      used -= b;
    }
  }

  @Test
  void roundsSmallTo512AndLargeTo2MiB() {
    assertEquals(512, CachingAllocator.roundSize(0));
    assertEquals(512, CachingAllocator.roundSize(1));
    assertEquals(512, CachingAllocator.roundSize(512));
    assertEquals(1024, CachingAllocator.roundSize(513));
    assertEquals(1L << 20, CachingAllocator.roundSize((1L << 20) - 1)); // 2048 x 512
    assertEquals(2L << 20, CachingAllocator.roundSize(1L << 20));
    assertEquals(4L << 20, CachingAllocator.roundSize((2L << 20) + 1));
  }

  @Test
  void reusesFreedBlocksOfTheSameSizeWithoutCallingTheDevice() {
    FakeDevice dev = new FakeDevice(1L << 30);
    CachingAllocator a = new CachingAllocator(dev);
    long p = a.allocate(1000); // 1024
    long q = a.allocate(3000); // 3072
    assertEquals(2, dev.mallocs);
    assertEquals(1024 + 3072, a.memoryAllocated());
    assertEquals(1024 + 3072, a.memoryReserved());
    a.free(p);
    assertEquals(3072, a.memoryAllocated());
    assertEquals(1024 + 3072, a.memoryReserved()); // cached, not returned
    long r = a.allocate(600); // rounds to 1024 again: the cached block
    assertEquals(p, r);
    assertEquals(2, dev.mallocs);
    assertEquals(0, dev.frees);
    // A training loop's steady state: the same sizes every step, no device calls.
    for (int step = 0; step < 10; step++) {
      long x = a.allocate(5000);
      long y = a.allocate(5000);
      assertNotEquals(x, y);
      a.free(y);
      a.free(x);
    }
    assertEquals(4, dev.mallocs);
    assertEquals(4, a.rawAllocations());
    a.free(q);
    a.free(r);
    assertEquals(0, a.memoryAllocated());
  }

  @Test
  void tracksPeaksAndResetsThem() {
    CachingAllocator a = new CachingAllocator(new FakeDevice(1L << 30));
    long p = a.allocate(512);
    long q = a.allocate(512);
    a.free(p);
    assertEquals(1024, a.maxMemoryAllocated());
    assertEquals(512, a.memoryAllocated());
    a.resetPeakStats();
    assertEquals(512, a.maxMemoryAllocated());
    assertEquals(1024, a.maxMemoryReserved());
    a.emptyCache();
    a.resetPeakStats();
    assertEquals(512, a.memoryReserved());
    assertEquals(512, a.maxMemoryReserved());
    a.free(q);
  }

  @Test
  void emptyCacheReturnsOnlyFreeBlocks() {
    FakeDevice dev = new FakeDevice(1L << 30);
    CachingAllocator a = new CachingAllocator(dev);
    long p = a.allocate(512);
    long q = a.allocate(4L << 20);
    a.free(q);
    a.emptyCache();
    assertEquals(1, dev.frees);
    assertEquals(512, a.memoryReserved());
    assertEquals(512, dev.used);
    a.free(p);
  }

  @Test
  void outOfMemoryReleasesTheCacheAndRetriesOnce() {
    FakeDevice dev = new FakeDevice(8L << 20);
    CachingAllocator a = new CachingAllocator(dev);
    long p = a.allocate(6L << 20);
    a.free(p); // cached: 6 MiB of 8 held
    long q = a.allocate(4L << 20); // needs the cache released first
    assertEquals(1, dev.frees);
    assertEquals(4L << 20, a.memoryReserved());
    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> a.allocate(6L << 20));
    assertTrue(e.getMessage().contains("CUDA out of memory"), e.getMessage());
    assertTrue(e.getMessage().contains("6291456 bytes"), e.getMessage());
    assertEquals(4L << 20, a.memoryAllocated()); // the failure changed nothing
    a.free(q);
  }

  @Test
  void doubleFreeAndForeignPointersAreRefused() {
    CachingAllocator a = new CachingAllocator(new FakeDevice(1L << 30));
    long p = a.allocate(100);
    a.free(p);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.free(p));
    assertTrue(e.getMessage().contains("not a block in use"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.free(12345));
    assertEquals(0, a.memoryAllocated());
  }
}
