package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;
import java.util.Map;

/**
 * {@code x - logsumexp(x)} along {@code dim} ({@code nn.LogSoftmax}), computed stably by
 * {@link Functional#logSoftmax}.
 */
@Layer
public class LogSoftmax extends Module {
  final int dim;

  /** Normalises along {@code dim} (negative counts from the end). */
  @Layer.Constructor
  public LogSoftmax(int dim) {
    this.dim = dim;
  }

  /** {@code Functional.logSoftmax(input, dim)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.logSoftmax(input, dim);
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
    return "LogSoftmax(dim=" + dim + ")";
  }
}
