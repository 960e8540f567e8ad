package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * Dropout ({@code nn.Dropout}): in training mode each element is zeroed with probability
 * {@code p} and the others are scaled by {@code 1 / (1 - p)}, so the expected value is unchanged;
 * in evaluation mode the input passes through untouched. The masks are drawn from a
 * {@link Generator} (the default one unless given), so a seeded generator reproduces them.
 */
@Layer
public class Dropout extends Module {
  final double p;
  final Generator generator;

  /** {@code p = 0.5}. */
  public Dropout() {
    this(0.5);
  }

  /** Zeroes elements with probability {@code p}, drawing from the default generator. */
  @Layer.Constructor
  public Dropout(double p) {
    this(p, Generator.defaultGenerator());
  }

  /**
   * Zeroes elements with probability {@code p}, drawing from {@code generator}.
   *
   * @throws IllegalArgumentException when {@code p} is outside {@code [0, 1]}
   */
  public Dropout(double p, Generator generator) {
    Functional.checkDropoutProbability(p);
    this.p = p;
    this.generator = java.util.Objects.requireNonNull(generator, "Dropout: generator");
  }

  /** {@code input * mask} in training, {@code input} in evaluation. */
  @Forward
  public Tensor forward(Tensor input) {
    if (!training() || p == 0) {
      return input;
    }
    Tensor mask = Functional.dropoutMask(input, p, generator);
    return input.mul(mask);
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
    return "Dropout(p=" + Layers.py(p) + ", inplace=False)";
  }
}
