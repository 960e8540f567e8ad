package dev.adjoint.backend.cpu;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Index;
import dev.adjoint.tensor.Tensor;
import java.lang.management.ManagementFactory;

/**
 * Run by {@code ReductionPathTest} in a JVM of its own: warms up the summing paths of the
 * reductions together (float32 rows in place, strided and broadcast, float64 rows, variances,
 * columns, short rows), so that C2 compiles Reductions' summing loop with all its kernels, as in
 * a training process, then prints the most bytes that one float32 sum of 2^20 elements, one
 * variance of it or one column sum of a 512 x 300 matrix allocated: about 10-15 KiB of results
 * and per-call buffers, 200 KiB more when a vector kernel inlined into that loop is compiled
 * with boxed vectors (as was seen: 200 bytes per chunk of 1024).
 */
final class ReductionAllocationMain {
  private ReductionAllocationMain() {}

  public static void main(String[] args) {
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Generator g = new Generator(1);
    Tensor broadcast = Tensor.ones(1).expand(1 << 20);
    Tensor x = Tensor.randn(g, 1 << 20);
    Tensor xd = x.toDouble();
    Tensor m = Tensor.randn(g, 512, 300);
    Tensor strided = Tensor.randn(g, 1 << 21).index(Index.range(0, 1 << 21, 2));
    Tensor small = Tensor.randn(g, 7, 100);
    long worst = Long.MAX_VALUE;
    for (int round = 0; round < 8 && worst >= 64 * 1024; round++) {
      for (int i = 0; i < 300; i++) {
        broadcast.sum();
        x.sum();
        xd.sum();
        x.var();
        m.sum(0);
        m.sum(1);
        strided.sum();
        small.sum(1);
        small.sum(0);
      }
      worst = 0;
      for (Runnable r : new Runnable[] {x::sum, x::var, strided::sum, () -> m.sum(0)}) {
        long before = bean.getCurrentThreadAllocatedBytes();
        r.run();
        worst = Math.max(worst, bean.getCurrentThreadAllocatedBytes() - before);
      }
      System.out.println("round " + round + ": " + worst);
    }
    System.out.println(worst);
  }
}
