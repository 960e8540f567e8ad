package dev.adjoint.backend.cpu;

import dev.adjoint.backend.BinaryOp;
import java.lang.management.ManagementFactory;

/**
 * Run by {@code DenseMathTest} in a JVM of its own: warms the vector kernels up until C2 has
 * compiled them (up to 10 rounds), then prints the bytes 200 calls allocated (0 when compiled
 * with their vectors in registers, megabytes when a vector is boxed per step).
 */
final class VectorAllocationMain {
  private VectorAllocationMain() {}

  public static void main(String[] args) {
    DenseMath v = DenseMath.vector();
    float[] a = new float[4096];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (Math.sin(i) * 5);
    }
    float[] o = new float[4096];
    double[] acc = new double[1024];
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 10 && allocated >= 64 * 1024; round++) {
      for (int w = 0; w < 20_000; w++) {
        v.exp(a, 0, o, 0, 4096);
        v.tanh(a, 0, o, 0, 4096);
        v.sigmoid(a, 0, o, 0, 4096);
        v.sum(a, 0, 4096);
        v.sum(a, 16, 4000); // (loads on lines: the first two chunks)
        v.arithmetic(BinaryOp.ADD, a, a, 0, 1, o, 3, 4000);
        v.arithmetic(BinaryOp.DIV, a, a, 7, 0, o, 3, 4000);
        v.addColumns4(a, 0, 1024, 2048, 3072, acc, 1024);
      }
      long before = bean.getThreadAllocatedBytes(tid);
      for (int w = 0; w < 50; w++) {
        v.exp(a, 0, o, 0, 4096);
        v.tanh(a, 0, o, 0, 4096);
        v.sigmoid(a, 0, o, 0, 4096);
        v.sum(a, 0, 4096);
        v.sum(a, 16, 4000); // (loads on lines: the first two chunks)
        v.arithmetic(BinaryOp.ADD, a, a, 0, 1, o, 3, 4000);
        v.arithmetic(BinaryOp.DIV, a, a, 7, 0, o, 3, 4000);
        v.addColumns4(a, 0, 1024, 2048, 3072, acc, 1024);
      }
      allocated = bean.getThreadAllocatedBytes(tid) - before;
    }
    System.out.println(allocated);
  }
}
