package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** {@code indexAdd}, {@code scatterAdd} and {@code prod} inside differentiated code. */
@Layer
public class Accumulate extends Module {
  @Param Tensor table; // [4, 3]
  @Param Tensor scale; // [2, 3]

  public Accumulate(Generator gen) {
    table = Tensor.randn(gen, 4, 3).toDouble();
    scale = Tensor.randn(gen, 2, 3).toDouble();
  }

  /** {@code x [2, 3]}, int64 {@code rows [2]} and int64 {@code cols [2, 3]} give {@code [4]}. */
  @Forward
  public Tensor forward(Tensor x, Tensor rows, Tensor cols) {
    Tensor added = table.indexAdd(0, rows, x.mul(scale));
    Tensor scattered = added.scatterAdd(1, cols, x.tanh());
    return scattered.prod(1, false).add(scattered.prod());
  }
}
