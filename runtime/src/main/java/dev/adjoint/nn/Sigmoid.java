package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

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

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
