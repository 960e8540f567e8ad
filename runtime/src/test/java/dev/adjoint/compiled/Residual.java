package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** A skip connection: {@code x + tanh(fc(x))}. */
@Layer
public class Residual extends Module {
  Affine fc;

  Residual(Generator g, int width) {
    fc = new Affine(g, width, width);
  }

  @Forward
  public Tensor forward(Tensor x) {
    return x.add(fc.forward(x).tanh());
  }
}
