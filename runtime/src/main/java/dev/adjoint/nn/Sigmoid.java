package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/** {@code 1 / (1 + exp(-x))} elementwise ({@code nn.Sigmoid}). */
@Layer
public class Sigmoid extends Module implements Configurable {
  /** The layer; it has no parameters. */
  public Sigmoid() {}

  /** {@code input.sigmoid()}. */
  @Forward
  public Tensor forward(Tensor input) {
    return input.sigmoid();
  }

  /** No arguments: an empty map (see {@link Configurable}). */
  @Override
  public Map<String, Object> config() {
    return LayerConfig.of();
  }

  /**
   * Rebuilds a {@code Sigmoid} from what {@link #config()} returned.
   *
   * @throws IllegalArgumentException when an entry is missing, of the wrong type, or invalid
   */
  public static Sigmoid fromConfig(Map<String, ?> config) {
    LayerConfig.read(Sigmoid.class, config);
    return new Sigmoid();
  }

  /**
   * The names and shapes of the state a layer built from {@code config} has, found without
   * building it (see {@link Configurable}): none.
   */
  public static Map<String, int[]> stateShapes(Map<String, ?> config) {
    return Map.of();
  }
}
