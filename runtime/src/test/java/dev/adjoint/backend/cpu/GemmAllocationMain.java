package dev.adjoint.backend.cpu;

import java.lang.management.ManagementFactory;

/**
 * Run by {@code GemmTest} in a JVM of its own: warms the vector GEMM up on every path (A packed
 * and read in place, B copied, transposed and read in place, storing and adding blocks, edge
 * tiles, matrix-vector products of every kind, outer products, float64) until C2 has compiled
 * it (up to 10 rounds), then prints the bytes 100 rounds of those calls allocated on the calling
 * thread: 0 when the kernels keep their vectors in registers, megabytes when a vector is boxed
 * per step.
 */
final class GemmAllocationMain {
  private GemmAllocationMain() {}

  /** m, n, k, transA, transB, beta. */
  private static final int[][] CALLS = {
      {64, 64, 64, 0, 0, 0}, {61, 200, 300, 0, 1, 0}, {30, 100, 600, 1, 0, 1},
      {13, 40, 20, 1, 1, 1}, {1, 50, 300, 0, 0, 0}, {50, 1, 300, 0, 1, 1},
      // B read in place (64 x 64 above too), and A in place against a packed B.
      {13, 32, 100, 0, 0, 1}, {66, 128, 64, 0, 0, 0},
      // Matrix-vector products with short rows packed to a vector (enough rows per call that
      // the block loops reach C2 within the rounds; 64 rows left them in C1 in some JVMs, where
      // vectors are objects), and an outer product.
      {1024, 1, 8, 0, 1, 0}, {1027, 1, 4, 0, 1, 1}, {40, 64, 1, 0, 0, 1}};

  public static void main(String[] args) {
    Gemm.Kernels v = Gemm.vector();
    float[] a = new float[600 * 300];
    float[] b = new float[600 * 300];
    float[] c = new float[300 * 300];
    double[] ad = new double[64 * 64];
    double[] cd = new double[64 * 64];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) Math.sin(i);
      b[i] = (float) Math.cos(i);
    }
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 10 && allocated >= 64 * 1024; round++) {
      for (int w = 0; w < 300; w++) {
        run(v, a, b, c, ad, cd);
      }
      long before = bean.getThreadAllocatedBytes(tid);
      for (int w = 0; w < 100; w++) {
        run(v, a, b, c, ad, cd);
      }
      allocated = bean.getThreadAllocatedBytes(tid) - before;
    }
    System.out.println(allocated);
  }

  private static void run(Gemm.Kernels v, float[] a, float[] b, float[] c, double[] ad,
      double[] cd) {
    for (int[] s : CALLS) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      boolean ta = s[3] == 1;
      boolean tb = s[4] == 1;
      v.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, s[5], c, 0, n, false);
    }
    v.sgemm(false, false, 20, 70, 30, 0.5f, a, 0, 30, b, 0, 70, 0f, c, 0, 70, false);
    v.dgemm(false, true, 64, 64, 64, 1.0, ad, 0, 64, ad, 0, 64, 0.0, cd, 0, 64, false);
  }
}
