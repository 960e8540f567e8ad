package dev.adjoint.compiled;

import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** Float64 parameters for the gradient-checked test layers. */
final class Layers {
  private Layers() {}

  static Tensor randn(Generator g, int... shape) {
    return Tensor.randn(g, shape).to(DType.FLOAT64).mul(0.5);
  }
}
