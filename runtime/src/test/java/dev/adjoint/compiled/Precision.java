package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.DType;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/**
 * A float32 layer that computes in float64 and returns float32: conversions between floating
 * dtypes are differentiable, those to int64 cut the gradient.
 */
@Layer
public class Precision extends Module {
  @Param Tensor w;

  Precision(Generator g) {
    w = Tensor.randn(g, 3).mul(0.5);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.toDouble().mul(w.to(DType.FLOAT64)).tanh();
    Tensor cut = x.to(DType.INT64).to(DType.FLOAT64).add(x.toLong().toDouble());
    return h.add(cut.mul(0.25)).sum(1).toFloat().add(w.toFloat().sum());
  }

  /** The same math in float64 throughout, as the finite-difference oracle. */
  static Tensor reference(Tensor x, Tensor w) {
    Tensor h = x.mul(w).tanh();
    Tensor cut = x.to(DType.INT64).to(DType.FLOAT64).add(x.toLong().toDouble());
    return h.add(cut.mul(0.25)).sum(1).add(w.sum());
  }
}
