package dev.adjoint.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.autograd.Fusions;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.nn.ForwardMode;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scalar multiply-add fused into one pass gives bit for bit the two ops: the fused program
 * rounds after each op to the operand's dtype, as the ops do. The oracle is the per-op path (the
 * user's forward run op by op, {@link ForwardMode#setEager}).
 */
class AffineFusionTest {
  @Test
  void fusedForwardAndGradientsEqualThePerOpOnesBitForBit() {
    for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
      Rescale layer = new Rescale(new Generator(11), 5, 4);
      layer.weight = layer.weight.to(dtype).detach().requiresGrad_(true);
      Tensor x = Tensor.randn(new Generator(12), 3, 5).to(dtype);
      Tensor fused = layer.call(x);
      fused.backward();
      Tensor fusedGrad = layer.weight.grad();
      layer.weight.setGrad(null);
      Tensor perOp;
      ForwardMode.setEager(true);
      try {
        perOp = layer.call(x);
      } finally {
        ForwardMode.setEager(false);
      }
      perOp.backward();
      assertEquals(perOp.item(), fused.item(), 0.0, dtype.toString());
      assertArrayEquals(layer.weight.grad().toDoubleArray(), fusedGrad.toDoubleArray(), 0.0,
          dtype.toString());
    }
  }

  @Test
  void affineIsTheTwoOps() {
    Tensor x = Tensor.randn(new Generator(13), 7, 9);
    for (double scale : new double[] {0.1, -3.0, 1e30}) {
      for (double shift : new double[] {0.3, -1e-8, 7.0}) {
        Tensor twoOps = x.mul(scale).add(shift);
        assertArrayEquals(twoOps.toFloatArray(), Fusions.affine(x, scale, shift).toFloatArray());
        // Strided, integer and tracked inputs take the two ops themselves.
        assertArrayEquals(x.t().mul(scale).add(shift).toFloatArray(),
            Fusions.affine(x.t(), scale, shift).toFloatArray());
      }
    }
    Tensor ints = Tensor.arange(6);
    assertEquals(ints.mul(2.5).add(1.0).dtype(), Fusions.affine(ints, 2.5, 1.0).dtype());
    Tensor tracked = x.requiresGrad_(true);
    Tensor out = Fusions.affine(tracked, 2.0, 1.0);
    out.sum().backward();
    assertArrayEquals(Tensor.full(2.0, 7, 9).toFloatArray(), tracked.grad().toFloatArray());
    try (GradMode.Scope off = GradMode.noGrad()) {
      assertEquals(false, Fusions.affine(tracked, 2.0, 1.0).requiresGrad());
    }
  }
}
