package dev.adjoint.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Functional;
import dev.adjoint.nn.FunctionalRules;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import dev.adjoint.tensor.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Float32 convolutions over batches that {@link Convolution} unfolds a few samples at a time
 * (blocks of 4, 4, 2 and of 17, 3 here, with padding, stride, dilation and groups): the same bits
 * at 1, 2 and 3 threads, and each sample's output and input gradient within float32 rounding of
 * the float64 convolution of that sample alone. The bound: a float32 sum of n products errs by
 * at most n * 2^-24 * sum |terms|; here n <= 288 (the input gradient of 32 channels by 3x3) and
 * the sums of |N(0, 1) N(0, 1)| stay below 200, so 3.4e-3, and the test allows 4e-3; a sample
 * read from or written to the wrong block errs by O(1).
 */
class ConvolutionBlockTest {
  private int threadsBefore;

  @BeforeEach
  void saveThreads() {
    threadsBefore = Threads.getNumThreads();
  }

  @AfterEach
  void restoreThreads() {
    Threads.setNumThreads(threadsBefore);
  }

  private record Case(int[] x, int[] w, int stride, int pad, int dilation, int groups) {}

  @Test
  void blocksOfSamplesGiveEachSamplesConvolutionAtEveryThreadCount() {
    Case[] cases = {
        new Case(new int[] {10, 16, 14, 14}, new int[] {32, 16, 3, 3}, 1, 1, 1, 1),
        new Case(new int[] {20, 8, 31, 29}, new int[] {6, 4, 3, 3}, 2, 1, 2, 2),
    };
    Generator gen = new Generator(5);
    for (Case c : cases) {
      int[] s = {c.stride};
      int[] p = {c.pad};
      int[] d = {c.dilation};
      Tensor x = Tensor.randn(gen, c.x);
      Tensor w = Tensor.randn(gen, c.w);
      Tensor b = Tensor.randn(gen, c.w[0]);
      Threads.setNumThreads(1);
      Tensor out = Functional.conv2d(x, w, b, s, p, d, c.groups);
      Tensor g = Tensor.randn(gen, out.shape());
      Tensor gx = FunctionalRules.conv2dInput(g, w, x.shape(), s, p, d, c.groups);
      for (int threads : new int[] {2, 3}) {
        Threads.setNumThreads(threads);
        assertArrayEquals(out.toFloatArray(),
            Functional.conv2d(x, w, b, s, p, d, c.groups).toFloatArray(), threads + " threads");
        assertArrayEquals(gx.toFloatArray(), FunctionalRules.conv2dInput(g, w, x.shape(), s, p,
            d, c.groups).toFloatArray(), threads + " threads");
      }
      Tensor x64 = x.to(DType.FLOAT64);
      Tensor w64 = w.to(DType.FLOAT64);
      Tensor b64 = b.to(DType.FLOAT64);
      for (int n = 0; n < c.x[0]; n++) {
        Tensor xs = x64.narrow(0, n, 1);
        Tensor gs = g.narrow(0, n, 1).to(DType.FLOAT64);
        Tensor ref = Functional.conv2d(xs, w64, b64, s, p, d, c.groups);
        Tensor refGx = FunctionalRules.conv2dInput(gs, w64, xs.shape(), s, p, d, c.groups);
        assertTrue(out.narrow(0, n, 1).to(DType.FLOAT64).allClose(ref, 0, 4e-3),
            "output of sample " + n);
        assertTrue(gx.narrow(0, n, 1).to(DType.FLOAT64).allClose(refGx, 0, 4e-3),
            "input gradient of sample " + n);
      }
    }
  }
}
