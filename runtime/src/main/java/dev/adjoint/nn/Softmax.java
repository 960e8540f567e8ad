package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * {@code exp(x) / sum(exp(x))} along {@code dim} ({@code nn.Softmax}), computed stably by
 * {@link Functional#softmax}.
 */
@Layer
public class Softmax extends Module {
  final int dim;

  /** Normalises along {@code dim} (negative counts from the end). */
  @Layer.Constructor
  public Softmax(int dim) {
    this.dim = dim;
  }

  /** {@code Functional.softmax(input, dim)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.softmax(input, dim);
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
    return "Softmax(dim=" + dim + ")";
  }
}
