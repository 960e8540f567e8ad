package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/** {@code max(x, 0)} elementwise ({@code nn.ReLU}). */
@Layer
public class ReLU extends Module implements Configurable {
  /** The layer; it has no parameters. */
  public ReLU() {}

  /** {@code input.relu()}. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.relu();
  }

  /** No arguments: an empty map (see {@link Configurable}). */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of();
  }

  /**
   * Rebuilds a {@code ReLU} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static ReLU fromConfig(Map<String, ?> config) {
    LayerConfig.read(ReLU.class, config);
    return new ReLU();
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
