package dev.adjoint.io;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;

/**
 * A layer with nothing but the implicit constructor: its generated configuration is empty, and it
 * is saved whole without a line of configuration code.
 */
@Layer
public class PlainScale extends Module {
  @Param Tensor scale = Tensor.ones(1);

  /** {@code x * scale}. */
  @Forward
  public Tensor forward(Tensor x) {
    return x.mul(scale);
  }
}
