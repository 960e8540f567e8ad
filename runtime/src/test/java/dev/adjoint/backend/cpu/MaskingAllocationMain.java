package dev.adjoint.backend.cpu;

import java.lang.management.ManagementFactory;

/**
 * Run by {@code MaxPoolPathTest} and {@code KeepWhereGreaterTest} in a JVM of their own: warms
 * the 2x2 pooling kernels, the vector select and the GEMM up together until C2 has compiled them
 * (up to 10 rounds; their vectors share the library's type profiles, through which one kernel's
 * vectors once made C2 box another's), then prints the bytes 25 calls of each allocated (0 when
 * compiled with their vectors in registers, megabytes when a vector is boxed per block).
 */
final class MaskingAllocationMain {
  private MaskingAllocationMain() {}

  public static void main(String[] args) {
    Pooling.TwoByTwo v = Pooling.vectorTwoByTwo();
    Elementwise.Select select = VectorSelect.instance();
    int planes = 64;
    float[] x = new float[planes * 28 * 28];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (Math.sin(i) * 5);
    }
    float[] y = new float[planes * 14 * 14];
    float[] d = new float[x.length];
    float[] a = new float[96 * 96];
    float[] c = new float[96 * 96];
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 10 && allocated >= 64 * 1024; round++) {
      for (int w = 0; w < 500; w++) {
        Gemm.sgemm(false, false, 96, 96, 96, 1f, a, 0, 96, x, 0, 96, 0f, c, 0, 96, false);
        Gemm.sgemm(false, true, 96, 96, 96, 1f, a, 0, 96, x, 0, 96, 1f, c, 0, 96, false);
        v.forward(x, 0, y, 0, planes, 28, 28, 14, 14);
        v.backward(x, 0, y, 0, d, 0, planes, 28, 28, 14, 14);
        v.forward(x, 0, y, 0, 2 * planes, 14, 14, 7, 7);
        v.backward(x, 0, y, 0, d, 0, 2 * planes, 14, 14, 7, 7);
        select.keepWhereGreater(x, 0, 0f, d, 0, y, 0, y.length);
      }
      long before = bean.getThreadAllocatedBytes(tid);
      for (int w = 0; w < 25; w++) {
        // The GEMM too: these kernels' vectors must not make C2 box the GEMM's (a second vector
        // shape in the shared library code once did, 20 MB per CNN training step).
        Gemm.sgemm(false, false, 96, 96, 96, 1f, a, 0, 96, x, 0, 96, 0f, c, 0, 96, false);
        Gemm.sgemm(false, true, 96, 96, 96, 1f, a, 0, 96, x, 0, 96, 1f, c, 0, 96, false);
        v.forward(x, 0, y, 0, planes, 28, 28, 14, 14);
        v.backward(x, 0, y, 0, d, 0, planes, 28, 28, 14, 14);
        v.forward(x, 0, y, 0, 2 * planes, 14, 14, 7, 7);
        v.backward(x, 0, y, 0, d, 0, 2 * planes, 14, 14, 7, 7);
        select.keepWhereGreater(x, 0, 0f, d, 0, y, 0, y.length);
      }
      allocated = bean.getThreadAllocatedBytes(tid) - before;
    }
    System.out.println(allocated);
  }
}
