package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

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

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
