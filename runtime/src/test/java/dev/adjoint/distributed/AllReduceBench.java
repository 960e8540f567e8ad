package dev.adjoint.distributed;

import java.util.Arrays;
import java.util.Locale;

/**
 * Times {@link ProcessGroup#allReduce} of one float (the latency), 4 MB and 40 MB of float32
 * (the figures in docs/distributed.md). Start one process per rank with torchrun's variables,
 * e.g. for 2 ranks:
 *
 * <pre>
 * for r in 0 1; do MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=$r \
 *   java -cp CLASSPATH dev.adjoint.distributed.AllReduceBench &amp; done; wait
 * </pre>
 *
 * Rank 0 prints the median and the fastest of 15 timed runs after 5 warm-up runs.
 */
public final class AllReduceBench {
  private AllReduceBench() {}

  /** Runs the benchmark as the rank the environment names. */
  public static void main(String[] args) {
    try (ProcessGroup g = ProcessGroup.connect(TcpRendezvous.fromEnvironment())) {
      for (int bytes : new int[] {4, 4_000_000, 40_000_000}) {
        float[] data = new float[bytes / 4];
        Arrays.fill(data, g.rank() + 1);
        double[] times = new double[15];
        for (int i = -5; i < times.length; i++) {
          g.barrier();
          long t0 = System.nanoTime();
          g.allReduce(data, ReduceOp.AVG);
          if (i >= 0) {
            times[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        Arrays.sort(times);
        if (g.rank() == 0) {
          System.out.printf(Locale.ROOT, "allReduce %d bytes float32, %d ranks: median %.2f ms,"
              + " fastest %.2f ms, slowest %.2f ms%n", bytes, g.worldSize(),
              times[times.length / 2], times[0], times[times.length - 1]);
        }
      }
    }
  }
}
