package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/** {@code 1 / (1 + exp(-x))} elementwise ({@code nn.Sigmoid}). */
@Layer
public class Sigmoid extends Module {
  /** The layer; it has no parameters. */
  public Sigmoid() {}

  /** {@code input.sigmoid()}. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.sigmoid();
  }
}
