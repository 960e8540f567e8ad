package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** A user layer calling {@link Functional#dropout} (a static {@code @Forward}) in its forward. */
@Layer
public class FunctionalDropoutLayer extends Module {
  @Param Tensor scale;
  final Generator generator;

  FunctionalDropoutLayer(Generator generator) {
    this.generator = generator;
    scale = Tensor.full(3, 1);
  }

  @Forward
  public Tensor forward(Tensor input) {
    Tensor h = input.mul(scale);
    return Functional.dropout(h, 0.5, training(), generator);
  }
}
