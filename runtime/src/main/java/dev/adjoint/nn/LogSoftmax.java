package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Tensor;

/**
 * {@code x - logsumexp(x)} along {@code dim} ({@code nn.LogSoftmax}), computed stably by
 * {@link Functional#logSoftmax}.
 */
@Layer
public class LogSoftmax extends Module {
  final int dim;

  /** Normalises along {@code dim} (negative counts from the end). */
  public LogSoftmax(int dim) {
    this.dim = dim;
  }

  /** {@code Functional.logSoftmax(input, dim)}. */
  @Forward
  public Tensor forward(Tensor input) {
    return Functional.logSoftmax(input, dim);
  }

  @Override
  public String toString() {
    return "LogSoftmax(dim=" + dim + ")";
  }
}
