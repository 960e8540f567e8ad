package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * {@code x} for {@code x > 0}, else {@code negativeSlope * x} ({@code nn.LeakyReLU}), computed by
 * {@link Functional#leakyRelu}.
 */
@Layer
public class LeakyReLU extends Module {
  final double negativeSlope;

  /** {@code negative_slope = 0.01}. */
  public LeakyReLU() {
    this(0.01);
  }

  /** The given slope for negative inputs. */
  @Layer.Constructor
  public LeakyReLU(double negativeSlope) {
    this.negativeSlope = negativeSlope;
  }

  /** {@code Functional.leakyRelu(input, negativeSlope)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.leakyRelu(input, negativeSlope);
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
    return "LeakyReLU(negative_slope=" + Layers.py(negativeSlope) + ")";
  }
}
