package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The kernels split large batches over the cores (the finite-difference cases are too small to be
 * split): each sample of a large batch must come out as it does alone, bit for bit for outputs
 * and input gradients (the same arithmetic in the same order), and the weight gradient, summed
 * from per-chunk partial sums, must equal the sum of the per-sample ones up to float64 rounding
 * (1e-12 relative: 16 partial sums of O(10) values).
 */
class BatchedKernelTest {
  private static final int[] ONE = {1};

  @Test
  void convolutionOfABatchIsTheConvolutionOfEachSample() {
    Generator gen = new Generator(21);
    int n = 16;
    Tensor x = Tensor.randn(gen, n, 8, 12, 12).toDouble();
    Tensor w = Tensor.randn(gen, 16, 4, 3, 3).toDouble();
    Tensor b = Tensor.randn(gen, 16).toDouble();
    int[] pad = {1};
    int groups = 2;
    Tensor out = Functional.conv2d(x, w, b, ONE, pad, ONE, groups);
    Tensor g = Tensor.randn(gen, out.shape()).toDouble();
    Tensor gx = FunctionalRules.conv2dInput(g, w, x.shape(), ONE, pad, ONE, groups);
    Tensor gw = FunctionalRules.conv2dWeight(g, x, w.shape(), ONE, pad, ONE, groups);
    Tensor gwSum = Tensor.zeros(w.shape()).toDouble();
    for (int s = 0; s < n; s++) {
      Tensor xs = x.narrow(0, s, 1);
      Tensor gs = g.narrow(0, s, 1);
      assertArrayEquals(Functional.conv2d(xs, w, b, ONE, pad, ONE, groups).toDoubleArray(),
          out.narrow(0, s, 1).toDoubleArray(), 0, "output of sample " + s);
      assertArrayEquals(FunctionalRules.conv2dInput(gs, w, xs.shape(), ONE, pad, ONE, groups)
          .toDoubleArray(), gx.narrow(0, s, 1).toDoubleArray(), 0, "input gradient " + s);
      gwSum = gwSum.add(FunctionalRules.conv2dWeight(gs, xs, w.shape(), ONE, pad, ONE, groups));
    }
    assertTrue(gwSum.allClose(gw, 1e-12, 1e-12), "weight gradient summed over the batch");
  }

  @Test
  void poolingOfABatchIsThePoolingOfEachSample() {
    Generator gen = new Generator(22);
    Tensor x = Tensor.randn(gen, 16, 16, 12, 12);
    int[] k = {3};
    int[] s = {2};
    Tensor max = Functional.maxPool2d(x, k, s, ONE, ONE);
    Tensor avg = Functional.avgPool2d(x, k, s, ONE, false);
    Tensor g = Tensor.randn(gen, max.shape());
    Tensor gMax = FunctionalRules.maxPool2dInput(g, x, k, s, ONE, ONE);
    Tensor gAvg = FunctionalRules.avgPool2dInput(g, x.shape(), k, s, ONE, false);
    for (int i = 0; i < 16; i++) {
      Tensor xi = x.narrow(0, i, 1);
      Tensor gi = g.narrow(0, i, 1);
      assertArrayEquals(Functional.maxPool2d(xi, k, s, ONE, ONE).toFloatArray(),
          max.narrow(0, i, 1).toFloatArray(), 0f);
      assertArrayEquals(Functional.avgPool2d(xi, k, s, ONE, false).toFloatArray(),
          avg.narrow(0, i, 1).toFloatArray(), 0f);
      assertArrayEquals(FunctionalRules.maxPool2dInput(gi, xi, k, s, ONE, ONE).toFloatArray(),
          gMax.narrow(0, i, 1).toFloatArray(), 0f);
      assertArrayEquals(FunctionalRules.avgPool2dInput(gi, xi.shape(), k, s, ONE, false)
          .toFloatArray(), gAvg.narrow(0, i, 1).toFloatArray(), 0f);
    }
  }
}
