package dev.adjoint.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates while running some code (HotSpot's per-thread allocation
 * counter): a test that a reader refuses before allocating, without needing a small heap.
 */
public final class Allocation {
  /** Code to measure. */
  @FunctionalInterface
  public interface Action {
    /** Runs the code. */
    void run() throws Exception;
  }

  private Allocation() {}

  /**
   * The bytes allocated by this thread while {@code action} runs.
   *
   * @throws UnsupportedOperationException where the JVM does not count allocations per thread
   */
  public static long bytesDuring(Action action) {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
        || !bean.isThreadAllocatedMemorySupported()) {
      throw new UnsupportedOperationException("this JVM does not count allocated bytes");
    }
    bean.setThreadAllocatedMemoryEnabled(true);
    long id = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(id);
    try {
      action.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return bean.getThreadAllocatedBytes(id) - before;
  }
}
