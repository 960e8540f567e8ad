package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/**
 * Flattens dimensions {@code startDim} to {@code endDim} (inclusive, negative counting from the
 * end) into one ({@code nn.Flatten}); by default everything but the batch dimension.
 */
@Layer
public class Flatten extends Module {
  final int startDim;
  final int endDim;

  /** {@code Flatten(start_dim=1, end_dim=-1)}. */
  public Flatten() {
    this(1, -1);
  }

  /** Flattens {@code startDim..endDim}. */
  public Flatten(int startDim, int endDim) {
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** {@code input.flatten(startDim, endDim)}, a view when possible. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.flatten(startDim, endDim);
  }

  @Override
  public String toString() {
    return "Flatten(start_dim=" + startDim + ", end_dim=" + endDim + ")";
  }
}
