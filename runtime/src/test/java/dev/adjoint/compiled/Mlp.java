package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** Two layers with a ReLU, parameters held directly. */
@Layer
public class Mlp extends Module {
  @Param Tensor w1;
  @Param Tensor b1;
  @Param Tensor w2;
  @Param Tensor b2;

  Mlp(Generator g) {
    w1 = Layers.randn(g, 4, 5);
    b1 = Layers.randn(g, 5);
    w2 = Layers.randn(g, 5, 3);
    b2 = Layers.randn(g, 3);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.matmul(w1).add(b1).relu();
    return h.matmul(w2).add(b2);
  }
}
