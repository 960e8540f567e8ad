package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/**
 * {@code ?:} between tensors on non-tensor conditions, lowered to if/else: as an initializer, an
 * assignment, nested, inside a loop, as an argument and in a return.
 */
@Layer
public class Ternaries extends Module {
  @Param Tensor w;
  boolean useTanh;
  int mode;

  Ternaries(Generator g) {
    w = Layers.randn(g, 3);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.mul(w);
    Tensor y = useTanh ? h.tanh() : h.exp();
    h = mode == 0 ? h.sigmoid() : mode == 1 ? h.mul(y) : y;
    for (int i = 0; i < 3; i++) {
      h = i % 2 == 0 ? h.tanh().mul(w) : h.add(y.mul(w));
    }
    Tensor z = h.mul(x.dim() == 2 ? y : h);
    return useTanh ? z.sum(1) : (mode > 0 ? z : z.add(x)).mean(1);
  }
}
