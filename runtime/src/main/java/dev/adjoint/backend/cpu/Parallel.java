package dev.adjoint.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** How the CPU backend splits work over cores: the common fork-join pool, coarse chunks. */
final class Parallel {
  private Parallel() {}

  /** Cores the backend may use. */
  static int threads() {
    return Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1);
  }

  /** How many chunks {@code work} units should be split into, each at least {@code grain}. */
  static int chunks(long work, long grain) {
    int threads = threads();
    if (threads == 1 || work < 2 * grain) {
      return 1;
    }
    return (int) Math.max(1, Math.min(threads * 4L, work / grain));
  }

  /** Runs {@code task(i)} for {@code i} in {@code [0, n)}, in parallel when {@code parallel}. */
  static void forEach(int n, boolean parallel, IntConsumer task) {
    if (!parallel || n == 1) {
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
    } else {
      IntStream.range(0, n).parallel().forEach(task);
    }
  }
}
