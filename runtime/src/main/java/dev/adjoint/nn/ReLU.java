package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

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

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
