package dev.adjoint.compiled;

import dev.adjoint.annotations.Forward;
import dev.adjoint.annotations.Layer;
import dev.adjoint.nn.Module;
import dev.adjoint.tensor.Generator;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** A loop over a list of layers, each followed by tanh. */
@Layer
public class Stack extends Module {
  List<Affine> blocks = new ArrayList<>();

  Stack(Generator g, int width, int depth) {
    for (int i = 0; i < depth; i++) {
      blocks.add(new Affine(g, width, width));
    }
  }

  @Forward
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (Affine block : blocks) {
      h = block.forward(h).tanh();
    }
    return h;
  }
}
