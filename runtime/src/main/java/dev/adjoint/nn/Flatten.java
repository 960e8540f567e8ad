package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

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
  @Layer.Constructor
  public Flatten(int startDim, int endDim) {
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** {@code input.flatten(startDim, endDim)}, a view when possible. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.flatten(startDim, endDim);
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }

  @Override
  public String toString() {
    return "Flatten(start_dim=" + startDim + ", end_dim=" + endDim + ")";
  }
}
