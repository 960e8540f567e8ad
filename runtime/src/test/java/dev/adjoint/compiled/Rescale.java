package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/**
 * Scalar multiplications followed by a scalar addition or subtraction, which the generated
 * forward runs as one affine pass ({@code Fusions.affine}), next to one it must not fuse (the
 * product is read twice).
 */
@Layer
public class Rescale extends Module {
  @Param Tensor weight;

  Rescale(Generator g, int in, int out) {
    weight = Layers.randn(g, in, out);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.matmul(weight).mul(0.7).add(0.3);
    Tensor k = h.mul(1.5).sub(0.25).tanh();
    Tensor twice = k.mul(3.0);
    return twice.add(0.5).mul(twice).sum();
  }
}
