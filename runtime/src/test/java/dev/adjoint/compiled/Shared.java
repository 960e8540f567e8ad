package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** Weight sharing: one sub-layer called twice, one parameter used twice. */
@Layer
public class Shared extends Module {
  Affine fc;
  @Param Tensor w;

  Shared(Generator g) {
    fc = new Affine(g, 3, 3);
    w = Layers.randn(g, 3, 3);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = fc.forward(fc.forward(x).tanh());
    return h.matmul(w).matmul(w);
  }
}
