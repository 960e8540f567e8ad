package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** A counted loop carrying tensor state: {@code h = tanh(h @ w + x[:, i])} for each step. */
@Layer
public class Recurrent extends Module {
  @Param Tensor w;
  int steps;

  Recurrent(Generator g, int width, int steps) {
    w = Layers.randn(g, width, width);
    this.steps = steps;
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x.select(1, 0);
    for (int i = 1; i < steps; i++) {
      Tensor input = x.select(1, i);
      h = h.matmul(w).add(input).tanh();
    }
    return h;
  }
}
