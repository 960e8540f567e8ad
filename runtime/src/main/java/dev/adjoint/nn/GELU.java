package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * The Gaussian error linear unit {@code x Phi(x)} ({@code nn.GELU}), computed by
 * {@link Functional#gelu}: exactly, with the error function, by default; with the tanh
 * approximation for {@code approximate = "tanh"}.
 */
@Layer
public class GELU extends Module {
  final String approximate;

  /** The exact form ({@code approximate='none'}). */
  public GELU() {
    this("none");
  }

  /**
   * {@code "none"} (exact) or {@code "tanh"}.
   *
   * @throws IllegalArgumentException for anything else
   */
  @Layer.Constructor
  public GELU(String approximate) {
    Functional.geluTanh(approximate);
    this.approximate = approximate;
  }

  /** {@code Functional.gelu(input, approximate)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.gelu(input, approximate);
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
    return "GELU(approximate='" + approximate + "')";
  }
}
