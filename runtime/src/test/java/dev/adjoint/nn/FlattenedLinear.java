package dev.adjoint.nn;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/**
 * Flatten then Linear, called as typed fields (static sub-calls, not through Sequential): for
 * {@code GradFreeCallTest}.
 */
@Layer
public class FlattenedLinear extends Module {
  final Flatten flatten = new Flatten();
  final Linear fc;

  FlattenedLinear(Generator g) {
    fc = new Linear(4, 3, true, g);
  }

  @Forward
  public Tensor forward(Tensor input) {
    Tensor h = flatten.call(input);
    return fc.call(h);
  }
}
