package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Tensor;
import java.util.List;

/** Layers of different classes called in order through {@code Module.call}. */
@Layer
public class Seq extends Module {
  List<Module> layers;

  Seq(Module... layers) {
    this.layers = List.of(layers);
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (Module layer : layers) {
      h = layer.call(h);
    }
    return h;
  }
}
