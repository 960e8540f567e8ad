package dev.adjoint.testing.strict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.nn.Conv2d;
import dev.adjoint.nn.Linear;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * No transposed GEMM operand is copied: Linear's weight.t() forward and backward, a batched
 * matmul with a transposed or broadcast batch operand, and convolution's backward run no copy
 * kernel at all (counted by the strict backend) once the gradients exist. The first accumulation
 * into a leaf's gradient stores a copy (the gradient may alias a value the caller holds).
 */
class NoOperandCopyTest {
  @Test
  void linearForwardAndBackwardCopyNothing() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(3);
    Linear fc = new Linear(16, 8);
    Tensor x = Tensor.randn(g, 4, 16);
    Tensor seed = Tensor.randn(g, 4, 8);
    // A first backward makes the gradients exist: its accumulation stores a copy of each
    // (Tensor.accumulateGrad), later ones add in place. What is counted is the products.
    Tensor y = fc.call(x);
    y.backward(seed);
    long before = StrictBackend.copies();
    Tensor again = fc.call(x);
    again.backward(seed);
    assertEquals(0, StrictBackend.copies() - before, "copy kernels in Linear forward+backward");
    assertEquals(y.shape().length, again.shape().length);
  }

  @Test
  void batchedMatmulReadsTransposedAndBroadcastOperandsInPlace() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(4);
    Tensor q = Tensor.randn(g, 3, 5, 6);
    Tensor k = Tensor.randn(g, 3, 7, 6);
    Tensor w = Tensor.randn(g, 6, 2); // broadcast over the batch
    long before = StrictBackend.copies();
    Tensor scores = q.matmul(k.transpose(-2, -1));
    Tensor proj = q.matmul(w);
    Tensor perBatch = q.transpose(-2, -1).matmul(q); // [3, 6, 6], the left operand transposed
    assertEquals(0, StrictBackend.copies() - before, "copy kernels in batched matmuls");
    // Values against the definition, element by element.
    float[] qa = q.toFloatArray();
    float[] ka = k.toFloatArray();
    float[] s = scores.toFloatArray();
    for (int b = 0; b < 3; b++) {
      for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 7; j++) {
          double want = 0;
          for (int c = 0; c < 6; c++) {
            want += (double) qa[b * 30 + i * 6 + c] * ka[b * 42 + j * 6 + c];
          }
          assertEquals(want, s[b * 35 + i * 7 + j], 1e-5, "scores[" + b + "," + i + "," + j);
        }
      }
    }
    float[] wa = w.toFloatArray();
    float[] p = proj.toFloatArray();
    float[] pb = perBatch.toFloatArray();
    for (int b = 0; b < 3; b++) {
      for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 2; j++) {
          double want = 0;
          for (int c = 0; c < 6; c++) {
            want += (double) qa[b * 30 + i * 6 + c] * wa[c * 2 + j];
          }
          assertEquals(want, p[b * 10 + i * 2 + j], 1e-5);
        }
      }
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 6; j++) {
          double want = 0;
          for (int r = 0; r < 5; r++) {
            want += (double) qa[b * 30 + r * 6 + i] * qa[b * 30 + r * 6 + j];
          }
          assertEquals(want, pb[b * 36 + i * 6 + j], 1e-5);
        }
      }
    }
  }

  @Test
  void convolutionBackwardCopiesNoWeight() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Generator g = new Generator(5);
    Conv2d conv = new Conv2d(3, 4, 3);
    Tensor x = Tensor.randn(g, 2, 3, 8, 8);
    Tensor seed = Tensor.randn(g, 2, 4, 6, 6);
    x.requiresGrad_(true);
    conv.call(x).backward(seed); // the gradients exist from here on (see above)
    long before = StrictBackend.copies();
    conv.call(x).backward(seed);
    assertEquals(0, StrictBackend.copies() - before, "copy kernels in conv2d forward+backward");
  }

  @Test
  void aScalarOperandAllocatesOnlyTheResult() {
    assumeTrue(StrictBackendProvider.enabled(), "runs in the strict-backend suite");
    Tensor x = Tensor.ones(4);
    Tensor i = Tensor.of(1L, 2L);
    long before = StrictBackend.allocations();
    x.add(1.0);
    x.mul(2L);
    i.sub(3L);
    x.lt(0.5);
    assertEquals(4, StrictBackend.allocations() - before, "one storage per result, no 0-d");
  }
}
