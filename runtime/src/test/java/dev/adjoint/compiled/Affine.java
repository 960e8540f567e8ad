package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.annotations.Param;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;

/** {@code x @ weight + bias}: the building block of the other test layers. */
@Layer
public class Affine extends Module {
  @Param Tensor weight;
  @Param Tensor bias;

  Affine(Generator g, int in, int out) {
    weight = Layers.randn(g, in, out);
    bias = Layers.randn(g, out);
  }

  @Forward
  public Tensor forward(Tensor x) {
    return x.matmul(weight).add(bias);
  }
}
