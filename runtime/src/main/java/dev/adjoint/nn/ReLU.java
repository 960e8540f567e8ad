package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/** {@code max(x, 0)} elementwise ({@code nn.ReLU}). */
@Layer
public class ReLU extends Module {
  /** The layer; it has no parameters. */
  public ReLU() {}

  /** {@code input.relu()}. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.relu();
  }
}
