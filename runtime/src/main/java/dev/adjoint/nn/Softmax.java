package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/**
 * {@code exp(x) / sum(exp(x))} along {@code dim} ({@code nn.Softmax}), computed stably by
 * {@link Functional#softmax}.
 */
@Layer
public class Softmax extends Module {
  final int dim;

  /** Normalises along {@code dim} (negative counts from the end). */
  public Softmax(int dim) {
    this.dim = dim;
  }

  /** {@code Functional.softmax(input, dim)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.softmax(input, dim);
  }

  @Override
  public String toString() {
    return "Softmax(dim=" + dim + ")";
  }
}
