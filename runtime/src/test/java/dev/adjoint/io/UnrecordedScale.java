package dev.adjoint.io;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/**
 * A layer whose only constructor's argument is kept in no field, so the processor generates no
 * configuration for it (the constructor is not marked, so this is not a compile-time error) and
 * saving it as a whole model fails, naming the argument.
 */
@Layer
public class UnrecordedScale extends Module {
  @Param Tensor scale;

  public UnrecordedScale(double factor) {
    scale = Tensor.ones(1).mul(factor);
  }

  @Forward
  public Tensor forward(Tensor x) {
    return x.mul(scale);
  }
}
