package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/** The hyperbolic tangent elementwise ({@code nn.Tanh}). */
@Layer
public class Tanh extends Module {
  /** The layer; it has no parameters. */
  public Tanh() {}

  /** {@code input.tanh()}. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.tanh();
  }
}
