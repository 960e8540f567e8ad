package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** A layer extending another layer: inherits weight and bias, adds shift. */
@Layer
public class ShiftedAffine extends Affine {
  @Param Tensor shift;

  ShiftedAffine(Generator g, int in, int out) {
    super(g, in, out);
    shift = Layers.randn(g, out);
  }

  @Override
  @Forward
  public Tensor forward(Tensor x) {
    return x.matmul(weight).add(bias).mul(shift);
  }
}
