package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** Different math in training and evaluation, and an early return. */
@Layer
public class Branchy extends Module {
  @Param Tensor w;
  boolean shortcut;

  Branchy(Generator g) {
    w = Layers.randn(g, 3, 3);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.matmul(w);
    if (training()) {
      h = h.mul(0.5).sigmoid();
    } else {
      h = h.exp();
    }
    if (shortcut) {
      return h.mul(w.sum());
    }
    Tensor y = h.mul(h);
    return y.add(x);
  }
}
