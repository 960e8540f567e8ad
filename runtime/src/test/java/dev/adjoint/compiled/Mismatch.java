package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/** A layer whose second line fails for inputs of the wrong width. */
@Layer
public class Mismatch extends Module {
  @Param Tensor w = Tensor.ones(3, 2);

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.relu();
    return h.matmul(w);
  }
}
