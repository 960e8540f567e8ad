package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/** {@code x @ w + stop(x @ w)}: the detached copy adds to the value but not to the gradient. */
@Layer
public class Cutter extends Module {
  @Param Tensor w = Tensor.ones(dev.adjoint.tensor.DType.FLOAT64, 2, 2);

  @Forward
  public Tensor forward(Tensor x) {
    Tensor stop = x.matmul(w).detach();
    Tensor mask = x.gt(0.0);
    Tensor kept = Tensor.where(mask, x, x.mul(0.0));
    return x.matmul(w).add(stop).add(kept);
  }
}
